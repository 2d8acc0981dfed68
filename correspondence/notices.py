"""The e-mails the correspondence calls for, as outbox rows (``notifications.planning``),
written in the transaction of the message they are about.

None of them carries the text of a message or the subject's personal data: the subject's
e-mails say that there is something on the status page and carry its link (added when sent,
``notifications.rendering``); the officers' e-mails name the request by its reference and
link to the case page.

A question's reminder and its "no answer" notice are planned when the question is sent, for
the day they are due; ``notifications.delivery`` cancels them when their turn comes if the
question's pause has ended meanwhile (answered, resumed or closed).
"""

import datetime

from django.conf import settings

from cases import clock
from notifications.models import Kind
from notifications.planning import digest_time, email_plan, staff_recipient

from .models import Message


def plan_new_message(message: Message, *, at: datetime.datetime) -> None:
    """Tell the subject, in their language, that a message waits on the status page."""
    case = message.case
    if not case.subject_email:
        return  # no e-mail address: the officer tells them by post or phone
    email_plan(
        kind=Kind.NEW_MESSAGE,
        to=case.subject_email,
        language=message.language,
        case=case,
        context={
            "reference": case.reference,
            "question": message.is_question,
            "reply_by": message.reply_by.isoformat() if message.reply_by else None,
        },
        dedupe_key=f"{Kind.NEW_MESSAGE}:{message.pk}",
        planned_at=at,
    )


def reminder_day(reply_by: datetime.date) -> datetime.date:
    return reply_by - datetime.timedelta(days=settings.DSAR_QUESTION_REMINDER_DAYS_BEFORE)


def plan_question_followups(message: Message, *, at: datetime.datetime) -> None:
    """One reminder to the subject before the reply-by date (when that day is still to
    come), and the day after it a notice to the officer that the request can be closed for
    lack of a response."""
    case = message.case
    context = {
        "reference": case.reference,
        "pause": message.pause_id,
        "message": message.pk,
        "reply_by": message.reply_by.isoformat(),
    }
    remind_on = reminder_day(message.reply_by)
    if case.subject_email and clock.local_date(at) < remind_on < message.reply_by:
        email_plan(
            kind=Kind.QUESTION_REMINDER,
            to=case.subject_email,
            language=message.language,
            case=case,
            context=context,
            dedupe_key=f"{Kind.QUESTION_REMINDER}:{message.pk}",
            planned_at=clock.local_moment(remind_on, digest_time()),
        )
    to, user = staff_recipient(case)
    if to:
        email_plan(
            kind=Kind.QUESTION_UNANSWERED,
            to=to,
            language=settings.LANGUAGE_CODE,
            case=case,
            user=user,
            context=context,
            dedupe_key=f"{Kind.QUESTION_UNANSWERED}:{message.pk}",
            planned_at=clock.local_moment(
                message.reply_by + datetime.timedelta(days=1), digest_time()
            ),
        )


def plan_reply_alert(reply: Message, *, files: int, resumed: bool, at: datetime.datetime):
    """Tell the assignee (or the privacy team when nobody is assigned) that the subject
    replied on the status page."""
    case = reply.case
    to, user = staff_recipient(case)
    if not to:
        return  # no privacy team address configured (nor an assignee's)
    email_plan(
        kind=Kind.SUBJECT_REPLY,
        to=to,
        language=settings.LANGUAGE_CODE,
        case=case,
        user=user,
        context={"reference": case.reference, "files": files, "resumed": resumed},
        dedupe_key=f"{Kind.SUBJECT_REPLY}:{reply.pk}",
        planned_at=at,
    )
