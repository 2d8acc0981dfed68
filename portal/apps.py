from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The data subject's pages: request form, confirmation, status page (docs/public.md)."""

    name = "portal"
    verbose_name = _("Public pages")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks, Django's way)
