"""A long ``send_reminders`` run dates each claim at the moment it is made, so that an e-mail
it is sending never looks like a dead worker's claim to a worker delivering it at the same
time (issue 18: 24 of 136 reminders were sent twice)."""

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings

from notifications import delivery
from notifications import sweep as outbox_sweep
from notifications.models import OutboundEmail, State
from tests.factories import at
from tests.notifications.test_reminder_sweep import case_due

pytestmark = pytest.mark.django_db

# Monday 23 March 2026, 09:00; the three cases are due within the week.
NOW = at(2026, 3, 23, 9)


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


def test_a_long_sweep_sends_each_reminder_once_beside_a_worker(smtp_server, monkeypatch):
    cases = [case_due(datetime.date(2026, 3, 25 + n)) for n in range(3)]
    lease = datetime.timedelta(seconds=django_settings.DSAR_EMAIL_SENDING_LEASE_SECONDS)
    build = delivery._build_message
    built, concurrent = [], []

    with time_machine.travel(NOW, tick=False) as clock:

        def slow_then_concurrent(email):
            built.append(email.pk)
            if len(built) == 1:
                # The first e-mail takes longer than the lease (a slow mail server).
                clock.shift(lease + datetime.timedelta(seconds=1))
            elif len(built) == 2:
                # The second has just been claimed by the sweep; a worker, given the same
                # e-mail by an earlier sweep, tries it now.
                concurrent.append(delivery.email_deliver(email_id=email.pk).outcome)
            return build(email)

        monkeypatch.setattr(delivery, "_build_message", slow_then_concurrent)
        report = outbox_sweep.reminder_sweep(deliver=True)

    assert concurrent == ["skipped"]
    assert [r.outcome for r in report.delivered] == ["sent"] * 3
    references = sorted(m.reference for m in smtp_server.messages)
    assert references == sorted(c.reference for c in cases)
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {State.SENT}


def test_each_claim_carries_the_time_it_was_made(smtp_server, monkeypatch):
    case_due(datetime.date(2026, 3, 25))
    case_due(datetime.date(2026, 3, 26))
    build = delivery._build_message
    claimed = []

    with time_machine.travel(NOW, tick=False) as clock:

        def record_claim(email):
            claimed.append(OutboundEmail.objects.get(pk=email.pk).claimed_at)
            clock.shift(datetime.timedelta(minutes=7))
            return build(email)

        monkeypatch.setattr(delivery, "_build_message", record_claim)
        outbox_sweep.reminder_sweep(deliver=True)

    assert claimed == [NOW, NOW + datetime.timedelta(minutes=7)]
