from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Requests")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks, Django's way)
