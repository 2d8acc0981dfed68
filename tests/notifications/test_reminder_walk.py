"""A request from receipt to overdue, day by day with the clock moved: exactly these e-mails
go out, on these days, through a real SMTP server, once each.

The sweep runs as ``send_reminders`` does (synchronously) twice a day, at 08:30 and 17:00.
Received Thursday 5 March 2026, due (four weeks) Thursday 2 April 2026, the day before Good
Friday; Easter Monday is 6 April.
"""

import datetime

import pytest
import time_machine

from cases import services
from cases.audit import Actor
from cases.models import Channel, IdentityMethod, PauseReason
from casework import actions
from notifications import sweep as outbox_sweep
from notifications.models import OutboundEmail, State
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

SUBJECT, OFFICER, DPO = "zoe@example.org", "ilse@example.nl", "fg@example.nl"


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def test_a_case_walks_from_receipt_to_overdue(smtp_server):
    officer = factories.officer("ilse", email=OFFICER)
    actor = Actor.staff(officer)
    case = None

    def register():
        nonlocal case
        case = actions.register(
            actor=actor,
            received_at=at(2026, 3, 5, 9, 40),
            request_type="access",
            channel=Channel.POST,
            subject_name="Zoë de Vries",
            subject_email=SUBJECT,
        )
        services.case_assign(case_id=case.pk, actor=actor, assignee=officer)

    def ask_for_identity():
        actions.pause(
            case_id=case.pk,
            actor=actor,
            reason=PauseReason.IDENTITY,
            note="A copy of your passport, BSN and photo masked.",
        )

    def verify_identity():
        services.case_verify_identity(case_id=case.pk, actor=actor, method=IdentityMethod.DOCUMENT)

    def sweep():
        outbox_sweep.reminder_sweep(deliver=True)

    officer_actions = {
        datetime.date(2026, 3, 5): register,
        datetime.date(2026, 3, 10): ask_for_identity,
        datetime.date(2026, 3, 12): verify_identity,
    }
    sent: dict[datetime.date, list[tuple[str, str]]] = {}
    seen = 0
    for day in days(datetime.date(2026, 3, 5), datetime.date(2026, 4, 8)):
        steps = [((8, 30), sweep), ((17, 0), sweep)]
        if day in officer_actions:
            steps.append(((10, 0), officer_actions[day]))
        for (hour, minute), step in sorted(steps, key=lambda s: s[0]):
            with time_machine.travel(at(day.year, day.month, day.day, hour, minute), tick=False):
                step()
        messages = smtp_server.messages[seen:]
        seen += len(messages)
        if messages:
            sent[day] = sorted(
                (OutboundEmail.objects.get(subject=m.subject, to=m.rcpt_tos[0]).kind, m.rcpt_tos[0])
                for m in messages
            )

    digests = {
        day: [("daily_digest", OFFICER)]
        for day in days(datetime.date(2026, 3, 6), datetime.date(2026, 4, 8))
        if day.weekday() < 5 and day not in (datetime.date(2026, 4, 3), datetime.date(2026, 4, 6))
    }
    expected = {
        datetime.date(2026, 3, 5): [("receipt", SUBJECT)],
        datetime.date(2026, 3, 10): [("identity_request", SUBJECT)],
        datetime.date(2026, 3, 26): [("reminder_week", OFFICER)],  # due in 7 days
        datetime.date(2026, 3, 31): [("reminder_soon", OFFICER)],  # 2 working days
        datetime.date(2026, 4, 2): [("reminder_due", OFFICER)],
        datetime.date(2026, 4, 3): [("overdue_escalation", DPO)],  # Good Friday
        datetime.date(2026, 4, 7): [("reminder_overdue", OFFICER)],  # after Easter Monday
        datetime.date(2026, 4, 8): [("reminder_overdue", OFFICER)],
    }
    for day, emails in digests.items():
        expected[day] = sorted([*expected.get(day, []), *emails])
    assert sent == expected
    assert not OutboundEmail.objects.exclude(state=State.SENT).exists()
    # Each e-mail to the subject is on the case's timeline.
    assert list(case.events.filter(kind="email").values_list("changes__kind", flat=True)) == [
        "receipt",
        "identity_request",
    ]
