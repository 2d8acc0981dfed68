"""The broker is down while a request comes in: the request and its e-mail are stored
anyway, and the sweep hands the e-mail to the worker once the broker is back."""

import pytest
from kombu.exceptions import OperationalError

from notifications import sweep
from notifications.models import OutboundEmail, State
from notifications.tasks import deliver_email, deliver_emails
from tests.notifications.conftest import fresh_case, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails as it does when Redis cannot be reached; ``up()`` ends it."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_email, "apply_async", refuse)
    monkeypatch.setattr(deliver_emails, "apply_async", refuse)

    class Broker:
        tried = attempts

        @staticmethod
        def up():
            monkeypatch.undo()

    return Broker


def test_nothing_is_lost_and_the_sweep_delivers_it_when_the_broker_is_back(
    celery_worker, smtp_server, broker_down
):
    case = fresh_case(subject_email="zoe@example.org")  # commits; on_commit enqueue fails

    assert broker_down.tried  # the enqueue was attempted after commit
    email = OutboundEmail.objects.get(case=case)
    assert email.state == State.PENDING
    assert email.enqueued_at is None  # marked for the next sweep
    assert smtp_server.messages == []

    # A sweep while the broker is still down keeps the row pending, ready for the next one.
    report = sweep.reminder_sweep()
    assert report.due == []
    assert OutboundEmail.objects.get(pk=email.pk).enqueued_at is None

    broker_down.up()
    report = sweep.reminder_sweep()

    assert report.due == [email.pk]
    assert wait_for(lambda: smtp_server.to("zoe@example.org"))
    assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).state == State.SENT)
    assert [m.reference for m in smtp_server.messages] == [case.reference]


def test_a_sweep_does_not_enqueue_again_what_is_already_on_its_way(monkeypatch):
    sent = []
    monkeypatch.setattr(deliver_email, "apply_async", lambda args, **kw: sent.append(args[0]))
    monkeypatch.setattr(deliver_emails, "apply_async", lambda args, **kw: sent.extend(args[0]))
    case = fresh_case(subject_email="zoe@example.org")
    email = OutboundEmail.objects.get(case=case)
    assert sent == [email.pk]

    sweep.reminder_sweep()

    assert sent == [email.pk]  # enqueued moments ago: left to that message
