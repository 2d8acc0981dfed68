from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """The application layer: what each action does in full (``casework.actions``), the
    retention purge and the export of a request. No models."""

    name = "casework"
    verbose_name = "Casework"
