"""Reading the thread: what the status page, the case page and the API show, and the
officers' "waiting for us" (the subject replied on an open request and no officer has acted
on it since)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from cases.models import OPEN_STATUSES, ActorType, Case, CaseEvent, SubjectSubmission

from .models import Direction, Message, MessageKind


@dataclass(frozen=True)
class ThreadItem:
    """One entry of a case's thread, oldest first."""

    at: datetime.datetime
    from_subject: bool
    kind: str
    text: str
    files: list = field(default_factory=list)
    reply_by: datetime.date | None = None
    sent_by: str = ""
    message: Message | None = None  # None: sent before the thread existed

    @property
    def is_question(self) -> bool:
        return self.message is not None and self.message.is_question

    @property
    def kind_label(self) -> str:
        return str(MessageKind(self.kind).label)


def thread(case: Case) -> list[ThreadItem]:
    """Every message of the case, both ways, in at most three queries. What the subject sent
    through the status page before the thread existed is part of it too."""
    items = []
    for message in Message.objects.thread(case.pk):
        submission = message.submission
        items.append(
            ThreadItem(
                at=message.sent_at,
                from_subject=message.from_subject,
                kind=message.kind,
                text=submission.message if submission else message.body,
                files=list(submission.files.all()) if submission else [],
                reply_by=message.reply_by,
                sent_by=message.sent_by_label,
                message=message,
            )
        )
    earlier = SubjectSubmission.objects.filter(case=case, thread_message__isnull=True)
    for submission in earlier.prefetch_related("files"):
        items.append(
            ThreadItem(
                at=submission.submitted_at,
                from_subject=True,
                kind=MessageKind.REPLY,
                text=submission.message,
                files=list(submission.files.all()),
            )
        )
    return sorted(items, key=lambda item: item.at)


def _last_reply_at():
    return Subquery(
        Message.objects.filter(case=OuterRef("pk"), direction=Direction.FROM_SUBJECT)
        .order_by("-sent_at", "-id")
        .values("sent_at")[:1]
    )


def _acted_since_reply():
    """An officer did something on the case (wrote, verified, resumed, assigned, …) after
    the subject's last reply: one of their events in the audit trail is later."""
    return Exists(
        CaseEvent.objects.filter(
            case=OuterRef("pk"), actor_type=ActorType.USER, at__gt=OuterRef("last_reply_at")
        )
    )


def with_reply_waiting(cases: QuerySet) -> QuerySet:
    """Annotate ``reply_waiting`` (two indexed lookups per row: the last reply on
    ``message_case_sent_idx``, a later officer event on ``caseevent_case_at_idx``), which
    :func:`is_reply_waiting` reads."""
    return cases.annotate(last_reply_at=_last_reply_at()).annotate(
        reply_waiting=ExpressionWrapper(
            Q(status__in=OPEN_STATUSES, last_reply_at__isnull=False) & ~_acted_since_reply(),
            output_field=BooleanField(),
        )
    )


def waiting_for_us(cases: QuerySet) -> QuerySet:
    """Open requests with a reply from the subject on which no officer has acted since:
    the marker goes when an officer writes back or does anything else on the request, or
    when it is closed."""
    return (
        cases.alias(last_reply_at=_last_reply_at())
        .filter(status__in=OPEN_STATUSES, last_reply_at__isnull=False)
        .filter(~_acted_since_reply())
    )


def is_reply_waiting(case: Case) -> bool:
    """For a case from :func:`with_reply_waiting` (no query), or any case."""
    if hasattr(case, "reply_waiting"):
        return bool(case.reply_waiting)
    return waiting_for_us(Case.objects.filter(pk=case.pk)).exists()
