"""The database goes away: delivery tasks retry with backoff instead of being acknowledged and
forgotten, an e-mail the SMTP server accepted meanwhile is recorded by the retry and not sent
again, and a row whose outcome is unknown is sent again at most up to its attempts
(docs/notifications.md, "The delivery guarantee").

The tasks run through Celery's ``apply()``, which runs a retry at once instead of after its
countdown; the outage is an ``OperationalError`` from the database layer."""

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.utils import timezone

from notifications import delivery, sweep
from notifications.models import OutboundEmail, State
from notifications.tasks import deliver_email, deliver_emails
from notifications.tasks import sweep as sweep_task
from tests.notifications.conftest import fresh_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(fake_broker):
    return fake_broker


class Unreachable:
    """A database that refuses the next ``count`` statements (``execute_wrapper``), as a
    lost connection or a restarting server does."""

    def __init__(self, count: int):
        self.count = count

    def __call__(self, execute, sql, params, many, context):
        if self.count > 0 and not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            self.count -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def fail_once(monkeypatch, name: str, *, on_call: int = 1):
    """Make ``delivery.<name>`` raise OperationalError on its ``on_call``-th call only."""
    original = getattr(delivery, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == on_call:
            raise OperationalError("server closed the connection unexpectedly")
        return original(*args, **kwargs)

    monkeypatch.setattr(delivery, name, flaky)
    return calls


def test_an_email_accepted_while_the_database_was_away_is_recorded_not_sent_again(
    smtp_server, monkeypatch
):
    email = OutboundEmail.objects.get(case=fresh_case(subject_email="zoe@example.org"))
    fail_once(monkeypatch, "_mark_sent")  # after the SMTP server said 250

    deliver_email.apply(args=(email.pk,))

    email.refresh_from_db()
    assert email.state == State.SENT
    assert email.attempts == 1
    assert email.subject  # what was sent is stored, as for any sent e-mail
    [message] = smtp_server.messages
    assert message.message["Message-ID"] == email.message_id


def test_a_batch_records_the_accepted_email_and_goes_on(smtp_server, monkeypatch):
    ids = [
        OutboundEmail.objects.get(case=fresh_case(subject_email=f"p{n}@example.org")).pk
        for n in range(3)
    ]
    fail_once(monkeypatch, "_mark_sent", on_call=2)

    deliver_emails.apply(args=(ids,))

    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {State.SENT}
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]


@pytest.mark.django_db(transaction=True)  # a refused statement must not end a test's atomic
def test_a_delivery_that_cannot_reach_the_database_is_retried(smtp_server):
    email = OutboundEmail.objects.get(case=fresh_case(subject_email="zoe@example.org"))

    with connection.execute_wrapper(Unreachable(2)):
        result = deliver_email.apply(args=(email.pk,))

    assert result.successful()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 1)
    assert len(smtp_server.messages) == 1


def test_a_sweep_that_cannot_reach_the_database_is_retried(no_broker):
    email = OutboundEmail.objects.get(case=fresh_case(subject_email="zoe@example.org"))
    OutboundEmail.objects.filter(pk=email.pk).update(enqueued_at=None)  # its message was lost

    with connection.execute_wrapper(Unreachable(1)):
        result = sweep_task.apply()

    assert result.successful()
    assert no_broker == [email.pk]


def test_a_claim_whose_outcome_is_unknown_is_not_sent_past_the_last_attempt(smtp_server):
    email = OutboundEmail.objects.get(case=fresh_case(subject_email="zoe@example.org"))
    # Its last attempt got as far as the SMTP server and never said how it went.
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=State.SENDING,
        claimed_at=timezone.now(),
        attempts=django_settings.DSAR_EMAIL_MAX_ATTEMPTS,
        message_id="<1.2.3@dsar.example>",
    )
    lease = datetime.timedelta(seconds=django_settings.DSAR_EMAIL_SENDING_LEASE_SECONDS)

    with time_machine.travel(timezone.now() + lease + datetime.timedelta(seconds=1)):
        report = sweep.reminder_sweep(deliver=True)

    assert [r.outcome for r in report.delivered] == ["failed"]
    email.refresh_from_db()
    assert email.state == State.FAILED
    assert "<1.2.3@dsar.example>" in email.last_error
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "name",
    [
        "notifications.deliver_email",
        "notifications.deliver_emails",
        "notifications.sweep",
        "letters.generate_letter",
        "letters.sweep",
        "casework.purge_expired",
    ],
)
def test_every_task_retries_when_the_database_is_away(name):
    import casework.tasks  # noqa: F401 - registers the tasks
    import letters.tasks  # noqa: F401
    from dsar.celery import app

    task = app.tasks[name]

    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.retry_backoff_max <= 300  # far below the visibility
    assert task.max_retries is None or task.max_retries >= 3


@pytest.mark.django_db(transaction=True)  # a refused statement must not end a test's atomic
def test_the_daily_purge_is_retried_when_the_database_is_away():
    from casework.tasks import purge_expired

    with connection.execute_wrapper(Unreachable(1)):
        result = purge_expired.apply()

    assert result.successful()
