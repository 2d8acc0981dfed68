from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    """The officers' screens in the Django admin: the queue, the case page and its actions,
    the DPO's export and retention pages."""

    name = "officers"
    verbose_name = _("Requests")
