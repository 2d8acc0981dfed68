"""The subject answers on the status page in any open state: stored whole (text and files),
on the timeline, the officer is told by e-mail (without the text), and the queue shows that a
reply waits until an officer writes back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import filecrypt, services
from cases.models import Case, CaseEvent, EventKind, IdentityMethod, Status, SubjectFile
from correspondence import selectors
from correspondence.models import Direction, Message
from correspondence.services import message_send, subject_reply
from notifications.models import Kind, OutboundEmail
from tests.factories import at

from .conftest import OFFICER_EMAIL, deliver_pending, pdf

pytestmark = pytest.mark.django_db

REPLY = "Mijn klantnummer is 4711."


def test_a_reply_in_progress_is_stored_and_the_assignee_told(case_in, private_root):
    case = case_in("in_progress")
    reply = subject_reply(
        case_id=case.pk, message=REPLY, files=[(pdf(), "application/pdf")], now=at(2026, 3, 9)
    )

    assert reply.direction == Direction.FROM_SUBJECT and reply.pause is None
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS  # nothing to resume
    stored = SubjectFile.objects.get()
    assert filecrypt.read_bytes(private_root / stored.storage_path).startswith(b"%PDF")
    event = CaseEvent.objects.get(case=case, kind=EventKind.DOCUMENT)
    assert event.actor_type == "subject" and event.message == REPLY
    assert event.changes["files"] == "paspoort.pdf"

    alert = OutboundEmail.objects.get(kind=Kind.SUBJECT_REPLY)
    assert (alert.to, alert.recipient_user.username) == (OFFICER_EMAIL, "olga")
    [sent] = deliver_pending(Kind.SUBJECT_REPLY)
    assert sent.subject == f"De betrokkene heeft gereageerd: {case.reference}"
    assert "De reactie heeft 1 bestand." in sent.body
    assert "4711" not in sent.body and "Zoë" not in sent.body
    assert f"/admin/cases/case/{case.pk}/change/" in sent.body


def test_nobody_assigned_the_privacy_team_is_told(case_in, settings):
    case = case_in("new", assigned=False)
    subject_reply(case_id=case.pk, message=REPLY, files=[], now=at(2026, 3, 9))
    assert OutboundEmail.objects.get(kind=Kind.SUBJECT_REPLY).to == settings.DSAR_PRIVACY_TEAM_EMAIL


def test_a_failure_stores_nothing(case_in, private_root, monkeypatch):
    from correspondence import services

    case = case_in("in_progress")

    def broken(*args, **kwargs):
        raise RuntimeError("mail planning failed")

    monkeypatch.setattr(services.notices, "plan_reply_alert", broken)
    with pytest.raises(RuntimeError):
        subject_reply(case_id=case.pk, message=REPLY, files=[(pdf(), "application/pdf")])
    assert not Message.objects.exists() and not SubjectFile.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]


def test_the_queue_marks_a_reply_until_an_officer_writes_back(case_in, actor):
    waiting = case_in("in_progress")
    quiet = case_in("in_progress", subject_email="ander@example.org")
    message_send(case_id=waiting.pk, actor=actor, body="Wij kijken ernaar.", now=at(2026, 3, 7))
    subject_reply(case_id=waiting.pk, message=REPLY, files=[], now=at(2026, 3, 9))

    assert list(selectors.waiting_for_us(Case.objects.all())) == [waiting]
    annotated = {
        c.pk: selectors.is_reply_waiting(c)
        for c in selectors.with_reply_waiting(Case.objects.all())
    }
    assert annotated == {waiting.pk: True, quiet.pk: False}

    message_send(case_id=waiting.pk, actor=actor, body="Dank u.", now=at(2026, 3, 10))
    assert not selectors.waiting_for_us(Case.objects.all()).exists()
    assert not selectors.is_reply_waiting(waiting)


def test_any_officer_action_after_the_reply_clears_the_marker(case_in, actor):
    case = case_in("identity_check")
    subject_reply(case_id=case.pk, message="Mijn paspoort.", files=[], now=at(2026, 3, 9))
    assert selectors.is_reply_waiting(case)
    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.DOCUMENT, now=at(2026, 3, 10)
    )
    assert not selectors.is_reply_waiting(case)
    # A new reply marks it again; the system's e-mail events do not count as acting.
    subject_reply(case_id=case.pk, message="Nog een vraag.", files=[], now=at(2026, 3, 11))
    assert list(selectors.waiting_for_us(Case.objects.all())) == [case]


def test_a_closed_request_is_not_waiting_for_us(case_in, actor):
    case = case_in("in_progress")
    subject_reply(case_id=case.pk, message="Dank.", files=[], now=at(2026, 3, 9))
    services.case_close(case_id=case.pk, actor=actor, outcome="granted", now=at(2026, 3, 10))
    case.refresh_from_db()
    assert not selectors.is_reply_waiting(case)
    [annotated] = selectors.with_reply_waiting(Case.objects.filter(pk=case.pk))
    assert annotated.reply_waiting is False


def test_the_thread_is_in_order_both_ways(case_in, actor):
    case = case_in("in_progress")
    message_send(case_id=case.pk, actor=actor, body="Vraag één", now=at(2026, 3, 7))
    subject_reply(case_id=case.pk, message=REPLY, files=[], now=at(2026, 3, 8))
    message_send(case_id=case.pk, actor=actor, body="Dank u.", now=at(2026, 3, 9))
    thread = selectors.thread(case)
    assert [(i.from_subject, i.text) for i in thread] == [
        (False, "Vraag één"),
        (True, REPLY),
        (False, "Dank u."),
    ]


def test_a_file_with_a_wrong_name_is_named_after_its_content(case_in):
    case = case_in("in_progress")
    upload = SimpleUploadedFile("scan.exe", pdf().read(), content_type="application/x-msdownload")
    subject_reply(case_id=case.pk, message="", files=[(upload, "application/pdf")])
    assert SubjectFile.objects.get().original_name == "scan.pdf"
