"""What now: what the law expects next on a case, by when, and the action that does it.

:func:`next_steps` decides it from the case's state and deadlines alone, in one pure function:
no clock (``today`` is passed in), no queries (what it needs beyond the case's own fields
comes in a :class:`CaseFacts`, gathered by :func:`case_facts`). The rules are those of
docs/legal.md: the receipt without delay, identity only with reasonable doubt and without
moving the due date, one extension decided and announced within the original period
(Art 12(3)), the answer by the (extended) due date. The case page shows the steps with their
buttons (``officers/panels.py``); which buttons exist is the action table's business
(``casework.actions.OFFICER_ACTIONS``), so a step names actions and the caller passes the
ones this user may take now.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.clock import local_date
from cases.models import Case, Status
from letters import catalogue
from letters.models import LetterType
from notifications.models import Kind as EmailKind
from notifications.models import State as EmailState

DAY_FORMAT = "l j F Y"

# Not an officer action: the letters panel's "new letter", opened on a given letter.
COMPOSE_LETTER = "compose_letter"


@dataclass(frozen=True)
class CaseFacts:
    """What the next steps depend on beyond the case's own fields."""

    # A receipt e-mail planned or sent (not failed), or an acknowledgement letter sent.
    acknowledged: bool = True
    # The first day of the open pause, if the case waits for the subject.
    waiting_since: datetime.date | None = None
    # A reply letter (catalogue.REPLY_TYPES) generated, and the day one was sent.
    reply_generated: bool = False
    reply_sent_on: datetime.date | None = None


@dataclass(frozen=True)
class Step:
    key: str  # acknowledge, identity, waiting, extension_notice, answer, close, extend, done
    text: str
    due: datetime.date | None = None
    urgency: str = ""  # overdue, soon, ok, or "" when there is no deadline to it
    # What does it, in the order offered: OFFICER_ACTIONS names, or COMPOSE_LETTER.
    actions: tuple[str, ...] = ()
    letter_type: str = ""  # for COMPOSE_LETTER: the letter to start from ("" lets one choose)
    optional: bool = False  # a possibility the law leaves to the officer, not a duty


def _day(day: datetime.date) -> str:
    return date_format(day, DAY_FORMAT)


def next_steps(
    case: Case,
    *,
    today: datetime.date,
    facts: CaseFacts,
    available: Collection[str] = (),
) -> list[Step]:
    """The steps that are due on ``case`` on ``today``, most pressing first, in the active
    language. Each step keeps only the actions in ``available`` (the ones this user may take
    now); a step without any still says what is due."""
    return [_with_available(step, available) for step in _steps(case, today, facts)]


def _with_available(step: Step, available: Collection[str]) -> Step:
    kept = tuple(name for name in step.actions if name in available)
    if kept == step.actions:
        return step
    return Step(step.key, step.text, step.due, step.urgency, kept, step.letter_type, step.optional)


def _steps(case: Case, today: datetime.date, facts: CaseFacts) -> list[Step]:
    if case.status == Status.UNCONFIRMED:
        return [
            Step(
                "done",
                _(
                    "The data subject has not confirmed the e-mail address yet: this is not a "
                    "request yet, and nothing is due."
                ),
            )
        ]
    if case.status == Status.CLOSED:
        return [
            Step(
                "done",
                _("Closed on %(date)s: nothing more is due.")
                % {"date": _day(local_date(case.closed_at))},
            )
        ]
    if case.status == Status.WITHDRAWN:
        return [
            Step(
                "done",
                _("Withdrawn on %(date)s: nothing more is due.")
                % {"date": _day(local_date(case.closed_at))},
            )
        ]

    steps = []
    due = case.effective_due_date
    urgency = case.urgency(today)

    if not facts.acknowledged:
        steps.append(
            Step(
                "acknowledge",
                _(
                    "Send an acknowledgement of receipt: no receipt went out by e-mail. "
                    "Without delay, with the due date (%(date)s)."
                )
                % {"date": _day(case.due_date)},
                urgency="soon",
                actions=(COMPOSE_LETTER,),
                letter_type=LetterType.ACKNOWLEDGEMENT,
            )
        )

    if case.status == Status.WAITING:
        if facts.waiting_since is None:
            text = _(
                "Waiting for the data subject. The due date does not move: resume as soon as "
                "the answer is in."
            )
        else:
            text = _(
                "Waiting for the data subject since %(date)s. The due date does not move: "
                "resume as soon as the answer is in."
            ) % {"date": _day(facts.waiting_since)}
        steps.append(
            Step(
                "waiting",
                text,
                due=due,
                urgency=urgency,
                actions=("resume",) if case.identity_verified_at else ("verify_identity", "resume"),
            )
        )
    elif not case.identity_verified_at:
        if case.status == Status.NEW:
            text = _(
                "Establish the identity of the data subject: from what you already know (a "
                "reply from the known address, a question only they can answer), or start "
                "the identity check. Granting the request needs it."
            )
            identity_actions = ("verify_identity", "start_identity_check")
        else:
            text = _(
                "Establish the identity: mark it verified, or ask the data subject for what "
                "is missing — only with reasonable doubt, and proportionate (Art 12(6))."
            )
            identity_actions = ("verify_identity", "pause")
        steps.append(Step("identity", text, due=due, urgency=urgency, actions=identity_actions))

    if case.is_extended and not case.extension_notified_at:
        if today > case.due_date:
            text = _(
                "The data subject has not been told of the extension, and the original due "
                "date (%(date)s) has passed: tell them now, with the reasons."
            ) % {"date": _day(case.due_date)}
            notice_urgency = "overdue"
        else:
            text = _(
                "Tell the data subject of the extension, with the reasons, by %(date)s at "
                "the latest (Art 12(3))."
            ) % {"date": _day(case.due_date)}
            notice_urgency = "soon"
        steps.append(
            Step(
                "extension_notice",
                text,
                due=case.due_date,
                urgency=notice_urgency,
                actions=("record_extension_notice",),
            )
        )

    if facts.reply_sent_on:
        steps.append(
            Step(
                "close",
                _("The reply letter was sent on %(date)s: close the request with its outcome.")
                % {"date": _day(facts.reply_sent_on)},
                due=due,
                urgency=urgency,
                actions=("close",),
            )
        )
    else:
        if today > due:
            text = _(
                "Reply letter not sent yet, and the deadline passed on %(date)s: answer "
                "without further delay."
            ) % {"date": _day(due)}
        elif facts.reply_generated:
            text = _(
                "The reply letter is ready but not sent yet: send it, or close the request "
                "and the closure notice carries it. Answer by %(date)s."
            ) % {"date": _day(due)}
        else:
            text = _("Reply letter not sent yet: answer by %(date)s.") % {"date": _day(due)}
        steps.append(
            Step(
                "answer",
                text,
                due=due,
                urgency=urgency,
                actions=("close",) if facts.reply_generated else (COMPOSE_LETTER, "close"),
            )
        )
        if case.can_extend(today):
            steps.append(
                Step(
                    "extend",
                    _(
                        "Extending by two months is possible up to and including %(date)s, "
                        "only where the number or complexity of requests makes it necessary; "
                        "the data subject must then be told, with the reasons, by %(date)s."
                    )
                    % {"date": _day(case.due_date)},
                    due=case.due_date,
                    actions=("extend",),
                    optional=True,
                )
            )
    return steps


# --- The facts, from the database (not part of the pure decision) ----------------------------


def case_facts(case: Case) -> CaseFacts:
    """What :func:`next_steps` needs to know beyond ``case``: three small queries."""
    receipt = case.outbound_emails.filter(kind=EmailKind.RECEIPT).exclude(state=EmailState.FAILED)
    letters = list(
        case.letters.filter(
            letter_type__in=(*catalogue.REPLY_TYPES, LetterType.ACKNOWLEDGEMENT)
        ).values_list("letter_type", "sent_at")
    )
    acknowledged = receipt.exists() or any(
        kind == LetterType.ACKNOWLEDGEMENT and sent_at for kind, sent_at in letters
    )
    replies = [sent_at for kind, sent_at in letters if kind in catalogue.REPLY_TYPES]
    sent = [local_date(sent_at) for sent_at in replies if sent_at]
    open_pause = case.pauses.filter(ended_at__isnull=True).values_list("started_at", flat=True)
    started = next(iter(open_pause), None)
    return CaseFacts(
        acknowledged=acknowledged,
        waiting_since=local_date(started) if started else None,
        reply_generated=bool(replies),
        reply_sent_on=min(sent) if sent else None,
    )
