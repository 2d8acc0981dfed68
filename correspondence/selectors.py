"""Reading the thread: what the status page, the case page and the API show, and the
officers' "waiting for us" (the subject had the last word on an open request)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from cases.models import OPEN_STATUSES, Case, SubjectSubmission

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


def _last_direction():
    return Subquery(
        Message.objects.filter(case=OuterRef("pk"))
        .order_by("-sent_at", "-id")
        .values("direction")[:1]
    )


def with_reply_waiting(cases: QuerySet) -> QuerySet:
    """Annotate ``last_message_direction`` (one indexed lookup per row), which
    :func:`is_reply_waiting` reads."""
    return cases.annotate(last_message_direction=_last_direction())


def waiting_for_us(cases: QuerySet) -> QuerySet:
    """Open requests whose last message is the subject's: a reply waits for the officers
    (until an officer writes back, or the request is closed)."""
    return cases.alias(last_message_direction=_last_direction()).filter(
        status__in=OPEN_STATUSES, last_message_direction=Direction.FROM_SUBJECT
    )


def is_reply_waiting(case: Case) -> bool:
    """For a case from :func:`with_reply_waiting`, or any case (one query)."""
    if not case.is_open:
        return False
    if hasattr(case, "last_message_direction"):
        direction = case.last_message_direction
    else:
        last = Message.objects.filter(case=case).order_by("-sent_at", "-id").first()
        direction = last.direction if last else None
    return direction == Direction.FROM_SUBJECT
