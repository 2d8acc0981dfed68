"""Each officer with open requests gets one digest per working day at 08:00 local time:
overdue first, then by due date, with links into the admin."""

import datetime

import pytest
import time_machine

from cases import services
from cases.audit import Actor
from casework import actions
from notifications import sweep as outbox_sweep
from notifications.models import Kind, OutboundEmail
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def assigned_case(officer, received_on: datetime.date, **fields):
    fields.setdefault("subject_email", "")
    case = factories.case(
        received_at=at(received_on.year, received_on.month, received_on.day),
        now=at(2026, 3, 23, 7),
        **fields,
    )
    services.case_assign(case_id=case.pk, actor=Actor.system(), assignee=officer)
    return case


def sweep(*moment, deliver=False):
    with time_machine.travel(at(*moment), tick=False):
        return outbox_sweep.reminder_sweep(deliver=deliver)


def digests():
    return sorted(
        OutboundEmail.objects.filter(kind=Kind.DAILY_DIGEST).values_list("to", "planned_at__date")
    )


def test_each_officer_with_open_requests_gets_one_digest_a_working_day_from_eight():
    ilse = factories.officer("ilse", email="ilse@example.nl")
    joost = factories.officer("joost", email="joost@example.nl")
    factories.officer("karel", email="karel@example.nl")  # nothing assigned
    assigned_case(ilse, datetime.date(2026, 3, 2))
    assigned_case(joost, datetime.date(2026, 3, 10))

    sweep(2026, 3, 23, 7, 59)
    assert digests() == []
    sweep(2026, 3, 23, 8, 0)
    sweep(2026, 3, 23, 8, 1)
    sweep(2026, 3, 23, 11, 0)
    sweep(2026, 3, 28, 8, 0)  # Saturday
    sweep(2026, 3, 30, 13, 0)  # Monday, but the beat was down all morning: no digest at 1 pm
    sweep(2026, 3, 31, 9, 30)  # Tuesday, beat back late in the morning: it catches up

    monday, tuesday = datetime.date(2026, 3, 23), datetime.date(2026, 3, 31)
    assert digests() == [
        ("ilse@example.nl", monday),
        ("ilse@example.nl", tuesday),
        ("joost@example.nl", monday),
        ("joost@example.nl", tuesday),
    ]


def test_the_digest_lists_overdue_requests_first_then_by_due_date(smtp_server, settings):
    settings.LANGUAGE_CODE = "en"
    ilse = factories.officer("ilse", email="ilse@example.nl")
    later = assigned_case(ilse, datetime.date(2026, 3, 20))  # due 17 April
    overdue = assigned_case(ilse, datetime.date(2026, 2, 20))  # due 20 March
    soon = assigned_case(ilse, datetime.date(2026, 2, 25))  # due 25 March
    closed = assigned_case(ilse, datetime.date(2026, 2, 19))
    actions.withdraw(case_id=closed.pk, actor=Actor.system())
    other = assigned_case(
        factories.officer("joost", email="j@example.nl"), datetime.date(2026, 3, 1)
    )

    sweep(2026, 3, 23, 8, 0, deliver=True)

    (digest,) = [m for m in smtp_server.to("ilse@example.nl") if not m.reference]
    assert digest.subject == "Your requests on Monday 23 March: 3 open, 1 overdue"
    text = digest.part("text/plain")
    positions = [text.index(c.reference) for c in (overdue, soon, later)]
    assert positions == sorted(positions)
    assert closed.reference not in text
    assert other.reference not in text
    assert "3 days overdue" in text
    assert f"/admin/cases/case/{overdue.pk}/change/" in text
    html = digest.part("text/html")
    assert f'href="http://localhost:8000/admin/cases/case/{overdue.pk}/change/"' in html
    # No subject's name or address in a staff e-mail.
    assert "Zoë" not in text and "zoe@example.org" not in text
