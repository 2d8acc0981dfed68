"""email_plan(): the outbox row is written in the caller's transaction and its delivery is
enqueued only once that transaction commits."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import planning
from notifications.models import OutboundEmail, State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(fake_broker):
    """Ids handed to the broker."""
    return fake_broker


def plan(**kwargs):
    defaults = {"kind": "receipt", "to": "zoe@example.org", "dedupe_key": "test:1"}
    return planning.email_plan(**{**defaults, **kwargs})


def test_it_writes_a_pending_row_and_enqueues_it_after_commit(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        email = plan(context={"note": "Masked copy of your passport"}, language="en")
        assert enqueued == []  # not before the commit

    for callback in callbacks:
        callback()
    assert enqueued == [email.pk]
    email.refresh_from_db()
    assert email.state == State.PENDING
    assert email.attempts == 0
    assert email.language == "en"
    assert email.context == {"note": "Masked copy of your passport"}
    assert email.enqueued_at is not None


def test_it_writes_nothing_for_a_known_key(enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = plan()
        second = plan(to="someone.else@example.org")

    assert first is not None
    assert second is None
    assert OutboundEmail.objects.count() == 1
    assert enqueued == [first.pk]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_email_and_enqueues_nothing(enqueued):
    with pytest.raises(RuntimeError), transaction.atomic():
        plan()
        raise RuntimeError("the service failed after planning")

    assert not OutboundEmail.objects.exists()
    assert enqueued == []


def test_a_row_planned_far_ahead_is_left_to_the_sweep(enqueued, django_capture_on_commit_callbacks):
    later = timezone.now() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        email = plan(planned_at=later)

    assert enqueued == []
    email.refresh_from_db()
    assert email.enqueued_at is None
    assert email.planned_at == later


def test_it_stores_the_attachments_it_is_given_once(enqueued, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path
    case = factories.case(subject_email="")
    letter = {"storage_path": "letters/1.pdf", "filename": "antwoord.pdf", "mimetype": "x/pdf"}

    email = plan(kind="closure_notice", case=case, dedupe_key="closure:test", attachments=[letter])
    again = plan(kind="closure_notice", case=case, dedupe_key="closure:test", attachments=[letter])
    other = plan(kind="receipt", case=case, dedupe_key="receipt:test")

    assert email.attachments == [letter]
    assert again is None
    assert other.attachments == []


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "a/../../b"])
def test_it_refuses_an_attachment_outside_the_private_files(enqueued, settings, tmp_path, path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    attachment = {"storage_path": path, "filename": "x", "mimetype": "text/plain"}

    with pytest.raises(ValueError, match="PRIVATE_FILES_ROOT"):
        plan(attachments=[attachment])
    assert not OutboundEmail.objects.exists()


def test_it_refuses_a_context_that_is_not_json(enqueued):
    with pytest.raises(TypeError):
        plan(context={"when": datetime.date(2026, 3, 5)})
    assert not OutboundEmail.objects.exists()


def test_it_refuses_an_email_without_an_address(enqueued):
    with pytest.raises(ValueError, match="recipient"):
        plan(to="")
