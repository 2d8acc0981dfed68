"""Every message of a case's thread is written here, with its audit event and its e-mails, in
one transaction (docs/correspondence.md). Like ``cases.services``: keyword-only arguments,
the case row locked, :class:`~cases.services.CaseActionError` for anything not allowed.

- :func:`message_send`: an officer writes to the subject; a question (identity or
  clarification) also pauses the case (``cases.services.case_pause``), with a reply-by date.
- :func:`subject_reply`: the subject answers on the status page, with text and/or files, in
  any open state; a case waiting for them resumes (``cases.services.case_resume``).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import clock, services, uploads
from cases.audit import Actor, record_event
from cases.models import Case, CasePause, EventKind, Status, SubjectFile, SubjectSubmission
from cases.services import CaseActionError
from cases.text import clean_text

from . import notices
from .models import (
    MAX_LENGTH,
    OFFICER_KINDS,
    QUESTION_PAUSE_REASONS,
    Direction,
    Message,
    MessageKind,
)

logger = logging.getLogger(__name__)


def _lock(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or case.status == Status.UNCONFIRMED:
        raise CaseActionError(_("This request does not exist."), code="not_found")
    return case


def default_reply_by(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.DSAR_QUESTION_REPLY_DAYS)


def clean_body(body: str) -> str:
    """The text as it will be sent; the one rule for an officer's message, whichever
    interface it comes through."""
    body = clean_text(body or "", multiline=True).strip()
    if not body:
        raise CaseActionError(_("Write the message first."), code="invalid")
    if len(body) > MAX_LENGTH:
        raise CaseActionError(
            _("A message can be at most %(count)d characters long.") % {"count": MAX_LENGTH},
            code="invalid",
        )
    return body


@transaction.atomic
def message_send(
    *,
    case_id: int,
    actor: Actor,
    body: str,
    kind: str = MessageKind.MESSAGE,
    reply_by: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    """An officer writes to the data subject: the message appears on the status page and the
    subject is e-mailed that it is there (without its text). A question also opens the
    pause of the case (identity or clarification) until the subject answers, asks for an
    answer by ``reply_by`` (default: ``DSAR_QUESTION_REPLY_DAYS`` from today), and plans
    the reminder and the "no answer" notice."""
    now = now or timezone.now()
    if kind not in OFFICER_KINDS:
        raise CaseActionError(_("Choose what kind of message this is."), code="invalid")
    if actor.user is None:
        raise CaseActionError(_("Only a staff user can write to the data subject."))
    body = clean_body(body)
    today = clock.local_date(now)
    question = kind in QUESTION_PAUSE_REASONS
    if question:
        reply_by = reply_by or default_reply_by(today)
        if reply_by <= today:
            raise CaseActionError(_("The reply-by date must lie in the future."), code="invalid")
    elif reply_by is not None:
        raise CaseActionError(_("Only a question has a reply-by date."), code="invalid")
    case = _lock(case_id)
    if not case.is_open:
        raise CaseActionError(
            _("%(reference)s is closed: no more messages can be sent on it.")
            % {"reference": case.reference},
            code="illegal_transition",
        )
    pause = None
    if question:
        case = services.case_pause(
            case_id=case.pk, actor=actor, reason=QUESTION_PAUSE_REASONS[kind], now=now
        )
        pause = CasePause.objects.get(case=case, ended_at__isnull=True)
    message = Message.objects.create(
        case=case,
        direction=Direction.TO_SUBJECT,
        kind=kind,
        body=body,
        language=case.subject_language,
        reply_by=reply_by,
        pause=pause,
        sent_by=actor.user,
        sent_by_label=actor.label,
        sent_at=now,
    )
    changes = {"message": message.pk, "kind": kind}
    if reply_by:
        changes["reply_by"] = reply_by.isoformat()
    record_event(case, actor, EventKind.MESSAGE, at=now, changes=changes, message=body)
    notices.plan_new_message(message, at=now)
    if question:
        notices.plan_question_followups(message, at=now)
    return message


def _closed_error(case: Case) -> CaseActionError:
    return CaseActionError(
        _("This request is closed, so nothing was sent. If you want to tell us something, "
          "write to us and mention your reference."),
        code="closed",
    )  # fmt: skip


def subject_reply(
    *,
    case_id: int,
    message: str,
    files: list[tuple[object, str]],
    now: datetime.datetime | None = None,
) -> Message:
    """The subject answers on the status page with a message and/or files (already checked:
    ``(uploaded file, content type)`` pairs), in any open state. Files are written first,
    then the rows, the audit event, the end of a pause and the officer's e-mail in one
    transaction; if anything fails the written files are removed again, so nothing is
    half-stored."""
    now = now or timezone.now()
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not case.is_open:
        raise _closed_error(case)
    if not message.strip() and not files:
        raise CaseActionError(_("Add a file or write a message."), code="invalid")
    stored: list[uploads.StoredFile] = []
    try:
        for uploaded, content_type in files:
            stored.append(uploads.store(uploaded, case_id=case_id, content_type=content_type))
        with transaction.atomic():
            case = _lock(case_id)
            if not case.is_open:
                raise _closed_error(case)
            submission = SubjectSubmission.objects.create(
                case=case, submitted_at=now, message=message
            )
            rows = [
                SubjectFile(
                    submission=submission,
                    storage_path=stored_file.storage_path,
                    original_name=uploads.safe_name(uploaded.name, content_type),
                    content_type=content_type,
                    size=stored_file.size,
                    sha256=stored_file.sha256,
                )
                for (uploaded, content_type), stored_file in zip(files, stored, strict=True)
            ]
            SubjectFile.objects.bulk_create(rows)
            changes = {"submission": submission.pk}
            if rows:
                changes["files"] = ", ".join(row.original_name for row in rows)
            record_event(
                case, Actor.subject(), EventKind.DOCUMENT, at=now, changes=changes, message=message
            )
            pause = case.pauses.filter(ended_at__isnull=True).first()
            reply = Message.objects.create(
                case=case,
                direction=Direction.FROM_SUBJECT,
                kind=MessageKind.REPLY,
                language=case.subject_language,
                pause=pause,
                submission=submission,
                sent_at=now,
            )
            resumed = case.status == Status.WAITING
            if resumed:
                # The answer ends the wait: back to the identity check, or to work.
                services.case_resume(case_id=case.pk, actor=Actor.subject(), now=now)
            notices.plan_reply_alert(reply, files=len(rows), resumed=resumed, at=now)
    except BaseException:
        for stored_file in stored:
            uploads.delete(stored_file.storage_path)
        raise
    logger.info("Case %s: the subject replied with %d file(s)", case_id, len(stored))
    return reply
