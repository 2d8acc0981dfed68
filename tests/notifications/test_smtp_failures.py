"""SMTP trouble, with a real Celery worker and a real SMTP server: temporary failures are
retried with backoff and delivered once the server is back; permanent ones are marked
failed, after the last attempt or at once for a 5xx reply, and shown on the timeline."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CaseEvent, EventKind
from notifications import planning, sweep
from notifications.models import OutboundEmail, State
from tests.notifications.conftest import fresh_case, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def receipt_of(case):
    return OutboundEmail.objects.get(case=case)


def state_of(email):
    return OutboundEmail.objects.values_list("state", "attempts").get(pk=email.pk)


def test_it_retries_while_smtp_is_down_and_delivers_once_it_is_back(
    celery_worker, smtp_server, fast_retries, settings
):
    settings.DSAR_EMAIL_MAX_ATTEMPTS = 100  # enough to outlast the outage below
    smtp_server.stop()  # connections refused

    case = fresh_case(subject_email="zoe@example.org")
    email = receipt_of(case)
    assert wait_for(lambda: state_of(email)[1] >= 3 and state_of(email)[0] == State.PENDING)
    email.refresh_from_db()
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()

    smtp_server.start()
    assert wait_for(lambda: state_of(email)[0] == State.SENT), state_of(email)
    assert [m.reference for m in smtp_server.to("zoe@example.org")] == [case.reference]
    email.refresh_from_db()
    assert email.attempts >= 4
    assert email.last_error == ""


def test_a_temporary_rejection_is_retried(celery_worker, smtp_server, fast_retries):
    smtp_server.handler.temporary_failures = 2  # "451 Try again later", twice

    case = fresh_case(subject_email="zoe@example.org")

    email = receipt_of(case)
    assert wait_for(lambda: state_of(email)[0] == State.SENT), state_of(email)
    assert state_of(email) == (State.SENT, 3)
    assert len(smtp_server.messages) == 1


def test_it_gives_up_after_the_last_attempt(celery_worker, smtp_server, fast_retries):
    smtp_server.handler.temporary_failures = 1000

    case = fresh_case(subject_email="zoe@example.org")

    email = receipt_of(case)
    assert wait_for(lambda: state_of(email)[0] == State.FAILED), state_of(email)
    email.refresh_from_db()
    assert email.attempts == 4  # DSAR_EMAIL_MAX_ATTEMPTS in fast_retries
    assert "451" in email.last_error
    assert smtp_server.messages == []
    event = CaseEvent.objects.get(case=case, kind=EventKind.EMAIL)
    assert event.changes["state"] == State.FAILED
    assert "451" in event.changes["error"]


def test_a_permanent_rejection_is_not_retried(celery_worker, smtp_server, fast_retries):
    smtp_server.handler.reject_with = "550 5.1.1 No such mailbox"

    case = fresh_case(subject_email="nobody@example.org")

    email = receipt_of(case)
    assert wait_for(lambda: state_of(email)[0] == State.FAILED), state_of(email)
    assert state_of(email) == (State.FAILED, 1)
    assert "550" in OutboundEmail.objects.get(pk=email.pk).last_error


def test_an_email_the_sweep_hands_out_in_a_batch_is_retried_on_its_own(
    celery_worker, smtp_server, fast_retries
):
    smtp_server.handler.temporary_failures = 2
    case = fresh_case(subject_email="")
    later = timezone.now() + datetime.timedelta(days=1)
    emails = [
        planning.email_plan(kind="receipt", to=f"s{n}@example.org", case=case, planned_at=later)
        for n in range(3)
    ]
    # Their time has come (planned far ahead, they were left to the sweep).
    OutboundEmail.objects.update(planned_at=timezone.now())

    assert sorted(sweep.reminder_sweep().due) == sorted(e.pk for e in emails)

    def all_sent():
        return set(OutboundEmail.objects.values_list("state", flat=True)) == {State.SENT}

    assert wait_for(all_sent), list(OutboundEmail.objects.values_list("state", "attempts"))
    # One after the other: the first two fail once each and are retried on their own.
    assert sorted(OutboundEmail.objects.values_list("attempts", flat=True)) == [1, 2, 2]
    assert len(smtp_server.messages) == 3
