"""The thread in the DPO's export of a request, and its text gone with the retention purge
(the shape kept: kind, direction, dates)."""

import datetime

import pytest

from cases.models import CaseEvent, EventKind
from cases.services import case_close
from casework.export import case_export_data
from casework.retention import REDACTED, purge_expired
from correspondence.models import Message, MessageKind
from correspondence.services import message_send, subject_reply
from tests.factories import at

from .conftest import pdf

pytestmark = pytest.mark.django_db

QUESTION = "Welk klantnummer hoort bij uw verzoek?"


@pytest.fixture
def answered(case_in, actor):
    case = case_in("in_progress")
    message_send(
        case_id=case.pk,
        actor=actor,
        body=QUESTION,
        kind=MessageKind.CLARIFICATION_QUESTION,
        now=at(2026, 3, 6),
    )
    subject_reply(
        case_id=case.pk, message="4711", files=[(pdf(), "application/pdf")], now=at(2026, 3, 9)
    )
    return case


def test_the_export_carries_the_thread(answered):
    data = case_export_data(answered)
    assert [(m["direction"], m["kind"], m["text"]) for m in data["messages"]] == [
        ("to_subject", "clarification_question", QUESTION),
        ("from_subject", "reply", ""),  # its text and files are the submission's
    ]
    assert data["messages"][0]["reply_by"] == "2026-03-20"
    assert data["messages"][1]["submission_at"] == data["subject_submissions"][0]["submitted_at"]


def test_the_purge_removes_the_text_and_keeps_the_shape(answered, actor, settings):
    case_close(case_id=answered.pk, actor=actor, outcome="granted", now=at(2026, 3, 20))
    later = at(2026, 3, 20) + datetime.timedelta(days=settings.DSAR_CASE_RETENTION_DAYS + 1)
    purge_expired(now=later)

    question, reply = Message.objects.thread(answered.pk)
    assert question.body == REDACTED and question.kind == MessageKind.CLARIFICATION_QUESTION
    assert question.reply_by == datetime.date(2026, 3, 20)
    assert reply.submission.message == REDACTED
    assert not reply.submission.files.exists()
    event = CaseEvent.objects.get(case=answered, kind=EventKind.MESSAGE)
    assert event.message == REDACTED
    # The shape stays: which message, of what kind, by when.
    assert event.changes == {
        "message": question.pk,
        "kind": "clarification_question",
        "reply_by": "2026-03-20",
    }
