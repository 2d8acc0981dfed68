"""The messages of a case's thread: what an officer wrote to the data subject (a message, or
a question with a reply-by date that pauses the case) and what the subject sent back.

Written only by ``correspondence.services``; a sent message is never changed or deleted
(``cases.append_only``). The subject's text and files of a reply are stored as the case's
``SubjectSubmission`` and ``SubjectFile`` rows (one store of the subject's files, the one
the retention purge, the export and the officers' downloads already know); the reply's
``Message`` row puts them in the thread.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.append_only import AppendOnlyModel, AppendOnlyQuerySet
from cases.models import Case, CasePause, Language, PauseReason, SubjectSubmission

MAX_LENGTH = 4000  # as a subject's message on the status page


class Direction(models.TextChoices):
    TO_SUBJECT = "to_subject", _("To the data subject")
    FROM_SUBJECT = "from_subject", _("From the data subject")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    IDENTITY_QUESTION = "identity_question", _("Question: proof of identity")
    CLARIFICATION_QUESTION = "clarification_question", _("Question: clarification")
    REPLY = "reply", _("Reply from the data subject")


# A question pauses the case for this reason (cases.models.PauseReason).
QUESTION_PAUSE_REASONS = {
    MessageKind.IDENTITY_QUESTION: PauseReason.IDENTITY,
    MessageKind.CLARIFICATION_QUESTION: PauseReason.CLARIFICATION,
}
OFFICER_KINDS = (MessageKind.MESSAGE, *QUESTION_PAUSE_REASONS)


class MessageQuerySet(AppendOnlyQuerySet):
    refusal = "A sent message cannot be changed or deleted."

    def redact_personal_data(self, replacement: str) -> int:
        """The one exception to append-only, for the retention purge
        (``casework/retention.py``) and nothing else: the officers' text replaced by
        ``replacement``; kind, direction, dates and links stay. Returns the rows changed."""
        return self.exclude(body="")._permitted_update(body=replacement)

    def thread(self, case_id: int):
        return (
            self.filter(case_id=case_id)
            .select_related("submission")
            .prefetch_related("submission__files")
            .order_by("sent_at", "id")
        )


class Message(AppendOnlyModel):
    # No index of its own: message_case_sent_idx (case, sent_at) starts with it.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    # An officer's text; a reply's text is its submission's.
    body = models.TextField(_("message"), max_length=MAX_LENGTH, blank=True)
    # The language it was written for (the subject's language at the time).
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # A question's: the date by which the subject is asked to answer.
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    # A question's: the pause it opened. A reply's: the pause it ended, if any.
    pause = models.ForeignKey(
        CasePause,
        verbose_name=_("pause"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # goes only with its case
        related_name="messages",
    )
    # A reply's text and files.
    submission = models.OneToOneField(
        SubjectSubmission,
        verbose_name=_("what the subject sent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # goes only with its case
        related_name="thread_message",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The officer's name at the time (kept when the account is removed); empty for a reply.
    sent_by_label = models.CharField(_("sent by"), max_length=150, blank=True)
    sent_at = models.DateTimeField(_("sent at"))

    refusal = "A sent message cannot be changed or deleted."

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("sent_at", "id")
        indexes = [
            models.Index(fields=("case", "sent_at"), name="message_case_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="to_subject", submission__isnull=True)
                | Q(direction="from_subject", kind="reply", submission__isnull=False),
                name="message_reply_has_submission",
            ),
            models.CheckConstraint(
                condition=Q(reply_by__isnull=True)
                | Q(kind__in=["identity_question", "clarification_question"]),
                name="message_reply_by_for_questions",
            ),
        ]

    def __str__(self):
        return f"{self.case_id}: {self.get_kind_display()} {self.sent_at:%Y-%m-%d %H:%M}"

    @property
    def is_question(self) -> bool:
        return self.kind in QUESTION_PAUSE_REASONS

    @property
    def from_subject(self) -> bool:
        return self.direction == Direction.FROM_SUBJECT

    @property
    def text(self) -> str:
        if self.submission_id:
            return self.submission.message
        return self.body
