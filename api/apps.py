from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API for officers and integrations (docs/api.md)."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import schema  # noqa: F401  (registers drf-spectacular's extensions, its way)
