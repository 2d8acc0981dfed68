"""A real Celery worker delivers what the services plan, through a real SMTP server."""

import pytest

from notifications.models import Kind, OutboundEmail, State
from tests.notifications.conftest import fresh_case, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_worker_delivers_the_receipt_after_the_registration_commits(celery_worker, smtp_server):
    case = fresh_case(subject_email="zoe@example.org")

    assert wait_for(lambda: smtp_server.to("zoe@example.org"))
    email = OutboundEmail.objects.get(case=case)
    assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).state == State.SENT)
    (received,) = smtp_server.messages
    assert received.reference == case.reference
    email.refresh_from_db()
    assert email.kind == Kind.RECEIPT
    assert email.attempts == 1
    assert email.subject == received.subject
