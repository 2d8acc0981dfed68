"""The security log: who did what to staff accounts and to the data as a whole (two-factor
resets, retention purges, exports of a request). It names staff accounts and references of
requests, never personal data of data subjects.

Append-only like ``cases.CaseEvent``: written once by the services, never changed or deleted
through the app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from cases.append_only import AppendOnlyModel, AppendOnlyQuerySet


class SecurityEventKind(models.TextChoices):
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor login set up")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor login reset")
    BACKUP_CODES_RENEWED = "backup_codes_renewed", _("Backup codes renewed")
    API_TOKEN_ISSUED = "api_token_issued", _("API token issued")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    RETENTION_PURGE = "retention_purge", _("Retention purge")
    CASE_EXPORTED = "case_exported", _("Request exported")


class SecurityEventQuerySet(AppendOnlyQuerySet):
    refusal = "The security log is append-only."


class SecurityEvent(AppendOnlyModel):
    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=SecurityEventKind.choices)
    # Who did it: a staff user, or nobody for the system (the daily purge).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    # Whose staff account it concerns (two-factor events), if any.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    account_label = models.CharField(_("account"), max_length=150, blank=True)
    reason = models.TextField(_("why"), blank=True)
    # Counts, references and settings in force; never the data that was removed.
    details = models.JSONField(_("details"), default=dict, blank=True)

    refusal = "The security log is append-only."

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")
        ordering = ("-at", "-id")
        default_permissions = ("view",)
        permissions = [
            ("export_case", _("Can export a whole request (JSON, PDF)")),
            ("run_retention_purge", _("Can see and run the retention purge")),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def actor_display(self) -> str:
        return self.actor_label or str(_("System"))


class ApiToken(AuthToken):
    """An API token as the admin shows it (django-rest-knox's ``AuthToken``): the user it acts
    as, when it was issued and when it expires, and the first characters of the token to
    recognise it by. The token itself is shown once, when it is issued; the database keeps
    only its digest."""

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
