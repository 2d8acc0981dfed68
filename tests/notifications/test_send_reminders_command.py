"""``manage.py send_reminders``: the sweep, synchronously, saying what it planned and sent."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from notifications import planning
from notifications.models import OutboundEmail, State
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def send_reminders(*moment) -> str:
    out = io.StringIO()
    with time_machine.travel(at(*moment), tick=False):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_it_prints_what_it_planned_and_sent(smtp_server):
    # Due Wednesday 25 March 2026 (two working days after Monday 23 March).
    case = factories.case(subject_email="", received_at=at(2026, 2, 25), now=at(2026, 3, 1))

    output = send_reminders(2026, 3, 23, 7)

    email = OutboundEmail.objects.get(case=case)
    assert output.splitlines() == [
        "Planned 1 e-mail(s).",
        "  reminder_soon: 1",
        f"  #{email.pk} reminder_soon {case.reference}: sent",
        "Due for delivery: 1 (1 sent).",
    ]
    assert len(smtp_server.messages) == 1
    assert send_reminders(2026, 3, 23, 7, 5).splitlines() == [
        "Planned 0 e-mail(s).",
        "Due for delivery: 0.",
    ]


def test_it_reports_failures_without_addresses(smtp_server):
    smtp_server.handler.reject_with = "550 5.1.1 <zoe@example.org>: no such mailbox"
    factories.case(
        subject_email="zoe@example.org", received_at=at(2026, 3, 20), now=at(2026, 3, 20)
    )

    output = send_reminders(2026, 3, 23, 7)

    assert "receipt" in output
    assert "failed (SMTPRecipientsRefused 550" in output
    assert "zoe@example.org" not in output
    email = OutboundEmail.objects.get()
    assert email.state == State.FAILED
    assert "zoe@example.org" in email.last_error  # kept for the officer, in the admin


def test_it_picks_up_an_email_planned_for_later_once_its_time_has_come(smtp_server):
    later = at(2026, 3, 23, 12)
    planning.email_plan(
        kind="receipt",
        to="zoe@example.org",
        case=factories.case(subject_email="", received_at=at(2026, 3, 20), now=at(2026, 3, 20)),
        planned_at=later,
    )

    assert "Due for delivery: 0." in send_reminders(2026, 3, 23, 11, 59)
    assert "1 sent" in send_reminders(2026, 3, 23, 12, 0)
    assert later - datetime.timedelta(minutes=1) < OutboundEmail.objects.get().sent_at
