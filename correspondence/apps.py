from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    """The thread of messages between the officers and the data subject of a case, and the
    questions that pause it (docs/correspondence.md). The application layer, under
    ``casework``: it changes cases through ``cases.services`` and plans its e-mails through
    ``notifications.planning``."""

    name = "correspondence"
    verbose_name = _("Correspondence")
