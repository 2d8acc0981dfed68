"""The outbox: every e-mail the app sends is a row here first; Celery only delivers it.

Rows are written by ``notifications.planning`` (``email_plan`` inside the caller's
transaction) and ``notifications.sweep`` (reminders in bulk), and moved through their states by
``notifications.delivery`` with conditional UPDATEs; see docs/notifications.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # To the data subject (issue 4)
    RECEIPT = "receipt", _("Receipt")
    IDENTITY_REQUEST = "identity_request", _("Request for identity documents")
    CLARIFICATION_REQUEST = "clarification_request", _("Request for clarification")
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")
    CLOSURE_NOTICE = "closure_notice", _("Closure notice")
    # To the data subject, planned by the public pages (issue 3) and the letters (issue 5)
    CONFIRM_ADDRESS = "confirm_address", _("Confirm e-mail address")
    STATUS_LINK = "status_link", _("Status link")
    LETTER = "letter", _("Letter")
    # To the data subject, planned by the correspondence (issue 15): no message text in them
    NEW_MESSAGE = "new_message", _("New message on the status page")
    QUESTION_REMINDER = "question_reminder", _("Reminder: a question awaits your answer")
    # To the privacy team, the officers and the DPO
    NEW_REQUEST = "new_request", _("New request")
    REMINDER_WEEK = "reminder_week", _("Reminder: due within a week")
    REMINDER_SOON = "reminder_soon", _("Reminder: due in two working days")
    REMINDER_DUE = "reminder_due", _("Reminder: due today")
    REMINDER_OVERDUE = "reminder_overdue", _("Reminder: overdue")
    OVERDUE_ESCALATION = "overdue_escalation", _("Escalation to the DPO: overdue")
    EXTENSION_UNTOLD = "extension_untold", _("Reminder: tell the subject of the extension")
    DAILY_DIGEST = "daily_digest", _("Daily digest")
    SUBJECT_REPLY = "subject_reply", _("The data subject replied")
    QUESTION_UNANSWERED = "question_unanswered", _("No answer to a question by its date")


# E-mails to the data subject: these are listed on the case's timeline when sent or failed.
SUBJECT_KINDS = frozenset(
    {
        Kind.RECEIPT,
        Kind.IDENTITY_REQUEST,
        Kind.CLARIFICATION_REQUEST,
        Kind.EXTENSION_NOTICE,
        Kind.CLOSURE_NOTICE,
        Kind.CONFIRM_ADDRESS,
        Kind.STATUS_LINK,
        Kind.LETTER,
        Kind.NEW_MESSAGE,
        Kind.QUESTION_REMINDER,
    }
)
# E-mails about a question put to the subject: pointless once its pause has ended (answered,
# resumed or closed); their context names the pause (``correspondence.notices``).
QUESTION_KINDS = frozenset({Kind.QUESTION_REMINDER, Kind.QUESTION_UNANSWERED})
# Reminders about one case's due date: pointless once the case is closed or the date moved.
DEADLINE_REMINDER_KINDS = frozenset(
    {
        Kind.REMINDER_WEEK,
        Kind.REMINDER_SOON,
        Kind.REMINDER_DUE,
        Kind.REMINDER_OVERDUE,
        Kind.OVERDUE_ESCALATION,
    }
)


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # A staff reminder that no longer applied when its turn came (the case was closed, say).
    CANCELLED = "cancelled", _("Cancelled")


class OutboundEmail(models.Model):
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_emails",
        db_index=False,  # outbox_case_idx (case, planned_at) starts with it
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient (staff user)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.EmailField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="nl")
    # JSON-serialisable template context, never a secret: links are added at send time.
    context = models.JSONField(_("context"), default=dict, blank=True)
    # [{"storage_path": <relative to PRIVATE_FILES_ROOT>, "filename": ..., "mimetype": ...}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Makes planning idempotent: the same reminder (e.g. case + kind + due date) is one row.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)

    planned_at = models.DateTimeField(_("planned for"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # When a delivery message was last handed to the broker; the sweep re-enqueues rows
    # whose message seems lost (pending and not enqueued recently).
    enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    # When a worker claimed the row (state "sending"); a claim older than the lease is
    # taken to be a dead worker's, and the row is delivered again (at-least-once).
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Chosen at the first claim, before the SMTP conversation, and sent with every attempt:
    # a claim taken over from a worker that never recorded its result sends the same message
    # again (docs/notifications.md, "The delivery guarantee").
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What was sent, with secret links replaced by "[link]".
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ("-planned_at", "-id")
        indexes = [
            # The sweep: pending rows whose time has come (WHERE state = 'pending' AND
            # planned_at <= now).
            models.Index(
                fields=("planned_at",),
                name="outbox_pending_due_idx",
                condition=Q(state="pending"),
            ),
            # The sweep: claims older than the lease (WHERE state = 'sending' AND
            # claimed_at <= now - lease).
            models.Index(
                fields=("claimed_at",),
                name="outbox_sending_claim_idx",
                condition=Q(state="sending"),
            ),
            # The case page's panel; the admin list, newest first, as it is or filtered.
            models.Index(fields=("case", "planned_at"), name="outbox_case_idx"),
            models.Index(fields=("-planned_at", "-id"), name="outbox_planned_idx"),
            models.Index(fields=("state", "planned_at"), name="outbox_state_idx"),
            models.Index(fields=("kind", "planned_at"), name="outbox_kind_idx"),
        ]
        permissions = [("retry_outboundemail", _("Can retry failed e-mails"))]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def to_subject(self) -> bool:
        return self.kind in SUBJECT_KINDS
