"""Messages through the API: the thread of a case (both ways, oldest first) and writing to the
data subject, a question pausing the request; the same rules and rights as in the admin."""

import pytest

from cases.models import CaseEvent, EventKind, Status
from correspondence.models import Message
from correspondence.services import subject_reply
from notifications.models import Kind, OutboundEmail
from tests.factories import at

from .conftest import token_client

pytestmark = pytest.mark.django_db

QUESTION = "Which of your accounts is the request about?"


def send(api, case, **data):
    return api.post(f"/api/cases/{case.pk}/messages/send/", data, format="json")


def test_a_question_is_sent_and_pauses_the_request(api, case_in):
    case = case_in(Status.IN_PROGRESS, verified=True, subject_language="en")
    response = send(api, case, kind="clarification_question", body=QUESTION)
    assert response.status_code == 201, response.content
    message = response.json()
    assert message["direction"] == "to_subject"
    assert message["kind"] == "clarification_question"
    assert message["text"] == QUESTION and message["language"] == "en"
    assert message["reply_by"] == "2026-03-20"  # 14 days after 6 March
    assert message["sent_by"] == "olga" and message["files"] == []
    case.refresh_from_db()
    assert case.status == Status.WAITING
    assert CaseEvent.objects.filter(case=case, kind=EventKind.MESSAGE).exists()
    assert OutboundEmail.objects.get(kind=Kind.NEW_MESSAGE).language == "en"


def test_the_thread_lists_both_ways_with_the_reply_s_files(api, case_in, settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = case_in(Status.IN_PROGRESS, verified=True)
    send(api, case, body="We found two accounts.")
    pdf = SimpleUploadedFile("id.pdf", b"%PDF-1.7\n%%EOF\n")
    subject_reply(case_id=case.pk, message="The first.", files=[(pdf, "application/pdf")],
                  now=at(2026, 3, 7))  # fmt: skip

    rows = api.get(f"/api/cases/{case.pk}/messages/").json()
    assert [(r["direction"], r["text"]) for r in rows] == [
        ("to_subject", "We found two accounts."),
        ("from_subject", "The first."),
    ]
    [file] = rows[1]["files"]
    assert (file["name"], file["content_type"], file["size"]) == ("id.pdf", "application/pdf", 15)
    assert len(file["sha256"]) == 64


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 4001}, "body"),
        ({"kind": "reply", "body": "x"}, "kind"),
    ],
)
def test_bad_input_is_a_400_with_the_field(api, case_in, data, field):
    case = case_in(Status.IN_PROGRESS, verified=True)
    response = send(api, case, **data)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Message.objects.exists()


def test_a_question_on_a_waiting_request_is_a_409(api, case_in):
    case = case_in(Status.IN_PROGRESS, verified=True)
    assert send(api, case, kind="identity_question", body=QUESTION).status_code == 201
    response = send(api, case, kind="clarification_question", body=QUESTION)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"


def test_a_reply_by_date_in_the_past_is_a_400(api, case_in):
    case = case_in(Status.IN_PROGRESS, verified=True)
    response = send(api, case, kind="clarification_question", body=QUESTION, reply_by="2026-03-01")
    assert response.status_code == 400


def test_unknown_cases_are_404(api):
    assert api.get("/api/cases/999999/messages/").status_code == 404
    assert (
        api.post("/api/cases/999999/messages/send/", {"body": "x"}, format="json").status_code
        == 404
    )


def test_rights_decide(case_in, viewer, staff_user):
    case = case_in(Status.IN_PROGRESS, verified=True)
    reader = token_client(viewer)
    assert reader.get(f"/api/cases/{case.pk}/messages/").status_code == 200
    assert send(reader, case, body="Hello").status_code == 403
    assert token_client(staff_user).get(f"/api/cases/{case.pk}/messages/").status_code == 403
    assert token_client().get(f"/api/cases/{case.pk}/messages/").status_code == 401
    assert not Message.objects.exists()


def test_the_schema_describes_both_operations(api):
    schema = api.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert paths["/api/cases/{case_id}/messages/"]["get"]["operationId"] == "cases_messages_list"
    send_op = paths["/api/cases/{case_id}/messages/send/"]["post"]
    assert send_op["operationId"] == "cases_messages_send"
    assert set(send_op["responses"]) >= {"201", "400", "403", "404", "409"}
