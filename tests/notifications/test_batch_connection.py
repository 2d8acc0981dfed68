"""A batch of e-mails (a ``send_reminders`` run, a sweep's ``deliver_emails`` message) goes
over one SMTP connection, not one per message; each e-mail is still classified and recorded
on its own."""

import datetime

import pytest
import time_machine

from notifications import sweep as outbox_sweep
from notifications.models import OutboundEmail, State
from notifications.tasks import deliver_emails
from tests.factories import at
from tests.notifications.test_reminder_sweep import case_due

pytestmark = pytest.mark.django_db

# Monday 23 March 2026, 09:00; the cases below are due within the week.
NOW = at(2026, 3, 23, 9)


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def five_reminders() -> list:
    return [case_due(datetime.date(2026, 3, day)) for day in (24, 25, 26, 27, 30)]


def test_send_reminders_sends_its_batch_over_one_connection(smtp_server):
    cases = five_reminders()

    with time_machine.travel(NOW, tick=False):
        report = outbox_sweep.reminder_sweep(deliver=True)

    assert [r.outcome for r in report.delivered] == ["sent"] * 5
    assert sorted(m.reference for m in smtp_server.messages) == sorted(c.reference for c in cases)
    assert smtp_server.connections == 1


def test_a_delivery_message_of_the_sweep_uses_one_connection(smtp_server):
    five_reminders()
    with time_machine.travel(NOW, tick=False):
        outbox_sweep.reminder_sweep()  # plans the rows; the fake broker keeps the message
        ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))

        assert deliver_emails(ids) == {"sent": 5}

    assert len(smtp_server.messages) == 5
    assert smtp_server.connections == 1


def test_a_failure_in_a_batch_is_that_emails_alone(smtp_server):
    five_reminders()
    smtp_server.handler.temporary_failures = 1  # the first RCPT gets a 451

    with time_machine.travel(NOW, tick=False):
        report = outbox_sweep.reminder_sweep(deliver=True)

    assert [r.outcome for r in report.delivered] == ["retry"] + ["sent"] * 4
    first = OutboundEmail.objects.get(pk=report.delivered[0].email_id)
    assert first.state == State.PENDING
    assert "451" in first.last_error
    assert len(smtp_server.messages) == 4
    # The failed conversation's connection is dropped; the rest share a fresh one.
    assert smtp_server.connections == 2


def test_a_mail_server_that_is_down_fails_each_email_on_its_own(smtp_server):
    five_reminders()
    smtp_server.stop()

    with time_machine.travel(NOW, tick=False):
        report = outbox_sweep.reminder_sweep(deliver=True)

    assert [r.outcome for r in report.delivered] == ["retry"] * 5
    assert {r.error_code for r in report.delivered} == {"ConnectionRefusedError"}
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {State.PENDING}
