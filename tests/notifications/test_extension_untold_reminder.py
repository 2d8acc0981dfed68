"""An extension must reach the subject before the original deadline (Art 12(3)): until the
notice is recorded, the officer is reminded every working day."""

import pytest
import time_machine

from cases import services
from cases.audit import Actor
from casework import actions
from notifications import sweep as outbox_sweep
from notifications.models import Kind, OutboundEmail, State
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

OFFICER = "ilse@example.nl"


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def sweep(*moment):
    with time_machine.travel(at(*moment), tick=False):
        return outbox_sweep.reminder_sweep(deliver=True)


def untold_reminders():
    return list(
        OutboundEmail.objects.filter(kind=Kind.EXTENSION_UNTOLD)
        .order_by("planned_at")
        .values_list("planned_at__date", "state")
    )


def test_the_officer_is_reminded_each_working_day_until_the_notice_is_recorded(smtp_server):
    officer = factories.officer("ilse", email=OFFICER)
    actor = Actor.staff(officer)
    # A postal request without an e-mail address: the officer must write to the subject.
    case = factories.case(subject_email="", received_at=at(2026, 3, 5), now=at(2026, 3, 5))
    services.case_assign(case_id=case.pk, actor=actor, assignee=officer, now=at(2026, 3, 5))
    # Extended on Thursday 12 March.
    actions.extend(case_id=case.pk, actor=actor, reason="Archives.", now=at(2026, 3, 12))

    sweep(2026, 3, 12, 17)
    assert smtp_server.messages == []
    sweep(2026, 3, 13, 8, 30)  # Friday
    sweep(2026, 3, 14, 8, 30)  # Saturday: nothing
    sweep(2026, 3, 16, 8, 30)  # Monday

    reminders = [m for m in smtp_server.to(OFFICER) if m.reference == case.reference]
    assert len(reminders) == 2
    sent_to_officer = OutboundEmail.objects.filter(case=case, to=OFFICER, state=State.SENT)
    assert list(sent_to_officer.values_list("kind", flat=True)) == [Kind.EXTENSION_UNTOLD] * 2
    text = reminders[0].part("text/plain")
    assert "2 april 2026" in text  # the original due date, by which the subject must know
    assert "geen e-mailadres" in text or "no e-mail address" in text

    services.case_record_extension_notice(case_id=case.pk, actor=actor, now=at(2026, 3, 16, 10))
    sweep(2026, 3, 17, 8, 30)
    sweep(2026, 3, 18, 8, 30)

    states = [state for _day, state in untold_reminders()]
    assert states == [State.SENT, State.SENT, State.CANCELLED]  # and no more after that
    assert len([m for m in smtp_server.to(OFFICER) if m.reference == case.reference]) == 2


def test_no_reminder_once_the_emailed_notice_is_delivered(smtp_server):
    officer = factories.officer("ilse", email=OFFICER)
    actor = Actor.staff(officer)
    case = factories.case(
        subject_email="zoe@example.org", received_at=at(2026, 3, 5), now=at(2026, 3, 5)
    )
    actions.extend(case_id=case.pk, actor=actor, reason="Archives.", now=at(2026, 3, 12))

    sweep(2026, 3, 12, 10)  # the extension notice goes out
    sweep(2026, 3, 13, 8, 30)

    case.refresh_from_db()
    assert case.extension_notified_at is not None
    assert untold_reminders()[0][1] == State.CANCELLED
    assert [m.rcpt_tos for m in smtp_server.messages if "zoe@example.org" not in m.rcpt_tos] == []
