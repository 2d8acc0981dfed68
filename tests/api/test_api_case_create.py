"""Registering a request received elsewhere (e-mail, post, phone, another system)."""

import pytest

from cases.models import Case, CaseEvent, EventKind

pytestmark = pytest.mark.django_db

URL = "/api/cases/create/"
BODY = {
    "request_type": "erasure",
    "channel": "email",
    "received_at": "2026-03-05T23:30:00+01:00",
    "subject_name": "Fenna de Boer",
    "subject_email": "fenna@example.org",
    "description": "Verwijder alstublieft mijn account.",
}


def test_it_registers_a_request_with_its_deadline(api, officer_user):
    response = api.post(URL, BODY, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert response["Location"] == f"http://testserver/api/cases/{case.pk}/"
    assert body["reference"] == case.reference == "DSAR-2026-00001"
    assert body["status"] == "new"
    assert body["received_on"] == "2026-03-05"  # 23:30 Amsterdam time is still the 5th
    assert body["due_date"] == "2026-04-02"
    assert body["subject_language"] == "nl"
    assert body["deadline_rule"] == "four_weeks"
    event = CaseEvent.objects.get(case=case)
    assert event.kind == EventKind.CREATED and event.actor == officer_user
    assert [e["kind"] for e in body["timeline"]] == ["created"]


def test_a_time_without_offset_is_amsterdam_time(api):
    response = api.post(URL, {**BODY, "received_at": "2026-03-05T23:30:00"}, format="json")
    assert response.status_code == 201
    assert response.json()["received_on"] == "2026-03-05"
    assert response.json()["received_at"] == "2026-03-05T23:30:00+01:00"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"request_type": "complaint"}, "request_type"),
        ({"channel": None}, "channel"),
        ({"received_at": "2026-03-07T10:00:00+01:00"}, "received_at"),  # the future
        ({"received_at": "gisteren"}, "received_at"),
        ({"received_at": "0900-09-14T21:17:05+05:08"}, "received_at"),  # found by fuzzing
        ({"subject_name": ""}, "subject_name"),
        ({"subject_name": "x" * 201}, "subject_name"),
        ({"subject_email": "not-an-address"}, "subject_email"),
        ({"subject_language": "de"}, "subject_language"),
        # (Control characters are removed rather than refused, as on every interface:
        # tests/cases/test_text_cleaning.py.)
        ({"description": "x" * 10001}, "description"),
    ],
)
def test_it_refuses_invalid_input_with_the_field(api, change, field):
    response = api.post(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Case.objects.exists()


def test_status_deadlines_and_audit_data_cannot_be_written(api):
    sneaky = {
        **BODY,
        "status": "closed",
        "due_date": "2027-01-01",
        "effective_due_date": "2027-01-01",
        "outcome": "granted",
        "reference": "DSAR-1999-00001",
        "timeline": [{"kind": "closed"}],
    }
    body = api.post(URL, sneaky, format="json").json()
    assert body["status"] == "new"
    assert body["due_date"] == body["effective_due_date"] == "2026-04-02"
    assert body["outcome"] == ""
    assert body["reference"] == "DSAR-2026-00001"
    assert len(body["timeline"]) == 1


def test_there_is_no_generic_update(api, case_in):
    case = case_in()
    for method in ("put", "patch", "delete"):
        response = getattr(api, method)(
            f"/api/cases/{case.pk}/", {"status": "closed"}, format="json"
        )
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
    case.refresh_from_db()
    assert case.status == "new"


def test_it_wants_json(api):
    response = api.post(
        URL, "request_type=access", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
