"""Every action endpoint: what it does through its service, and each of its errors in the
API's one error format (400 invalid input, 404 unknown case, 409 not in this state)."""

import pytest

from cases.models import CaseEvent, EventKind, RequestType, Status
from tests.factories import case

from .conftest import NOW, RECEIVED_AT

pytestmark = pytest.mark.django_db


def _post(api, case, action, body=None):
    return api.post(f"/api/cases/{case.pk}/{action}/", body or {}, format="json")


def _error(response, status_code, code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# --- What each action does ------------------------------------------------------------------


def test_it_assigns_and_unassigns(api, case_in, officer_user):
    case = case_in(Status.NEW)
    response = _post(api, case, "assign", {"assignee": officer_user.pk})
    assert response.status_code == 200
    assert response.json()["assignee"]["username"] == "olga"
    event = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).get()
    assert event.actor == officer_user and event.changes == {"assignee": [None, "olga"]}

    response = _post(api, case, "assign", {"assignee": None})
    assert response.status_code == 200
    assert response.json()["assignee"] is None


def test_it_refuses_to_assign_to_someone_who_is_not_active_staff(api, case_in, staff_user):
    case = case_in(Status.NEW)
    staff_user.is_active = False
    staff_user.save()
    error = _error(_post(api, case, "assign", {"assignee": staff_user.pk}), 400, "invalid")
    assert list(error["fields"]) == ["assignee"]
    _error(_post(api, case, "assign", {}), 400, "invalid")


def test_it_starts_the_identity_check_once(api, case_in):
    case = case_in(Status.NEW)
    response = _post(api, case, "start-identity-check")
    assert response.status_code == 200
    assert response.json()["status"] == "identity_check"
    _error(_post(api, case, "start-identity-check"), 409, "illegal_transition")


def test_it_verifies_the_identity_once(api, case_in, officer_user):
    case = case_in(Status.IDENTITY_CHECK)
    response = _post(api, case, "verify-identity", {"method": "known_contact", "note": "Klant"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress"
    assert body["identity_method"] == "known_contact"
    assert body["identity_verified_by"]["username"] == officer_user.username
    error = _error(_post(api, case, "verify-identity", {"method": "document"}), 409, "already_done")
    assert case.reference in error["message"]


def test_verifying_by_another_method_needs_a_note(api, case_in):
    case = case_in(Status.NEW)
    error = _error(_post(api, case, "verify-identity", {"method": "other"}), 400, "invalid")
    assert list(error["fields"]) == ["note"]
    error = _error(_post(api, case, "verify-identity", {"method": "passport"}), 400, "invalid")
    assert list(error["fields"]) == ["method"]


def test_it_pauses_and_resumes(api, case_in):
    case = case_in(Status.IDENTITY_CHECK)
    body = {"reason": "identity", "note": "Please send a copy of your ID, BSN masked."}
    response = _post(api, case, "pause", body)
    assert response.status_code == 200
    paused = response.json()
    assert paused["status"] == "waiting"
    assert paused["pauses"][0]["reason"] == "identity"
    assert paused["pauses"][0]["ended_at"] is None
    assert paused["effective_due_date"] == "2026-04-02"  # a pause does not move the deadline

    _error(_post(api, case, "pause", body), 409, "illegal_transition")

    response = _post(api, case, "resume", {"note": "Documents received."})
    assert response.status_code == 200
    assert response.json()["status"] == "identity_check"
    assert response.json()["pauses"][0]["ended_at"] is not None
    _error(_post(api, case, "resume"), 409, "illegal_transition")


def test_a_pause_needs_a_reason_and_what_was_asked(api, case_in):
    case = case_in(Status.NEW)
    error = _error(_post(api, case, "pause", {"reason": "holiday"}), 400, "invalid")
    assert set(error["fields"]) == {"reason", "note"}


def test_it_extends_once_with_reasons(api, case_in):
    case = case_in(Status.IN_PROGRESS)
    error = _error(_post(api, case, "extend", {"reason": "  "}), 400, "invalid")
    assert list(error["fields"]) == ["reason"]

    response = _post(api, case, "extend", {"reason": "Data in twelve systems."})
    assert response.status_code == 200
    body = response.json()
    assert body["due_date"] == "2026-04-02"
    assert body["extended_due_date"] == "2026-06-02"
    assert body["effective_due_date"] == "2026-06-02"
    assert body["extension_reason"] == "Data in twelve systems."
    assert "extend" not in body["allowed_actions"]
    assert "record_extension_notice" in body["allowed_actions"]

    _error(_post(api, case, "extend", {"reason": "Again."}), 409, "already_done")


def test_it_refuses_an_extension_after_the_due_date(api, case_in, frozen_clock):
    case = case_in(Status.IN_PROGRESS)
    frozen_clock.move_to(NOW.replace(month=4, day=3))
    error = _error(_post(api, case, "extend", {"reason": "Late."}), 409, "too_late")
    assert "2026-04-02" in error["message"]


def test_it_records_the_extension_notice(api, case_in):
    case = case_in(Status.IN_PROGRESS)
    _error(_post(api, case, "extension-notice"), 409, "not_extended")
    _post(api, case, "extend", {"reason": "Data in twelve systems."})
    error = _error(
        _post(api, case, "extension-notice", {"notified_on": "2026-03-07"}), 400, "invalid"
    )
    assert "future" in error["message"]
    error = _error(
        _post(api, case, "extension-notice", {"notified_on": "2026-03-05"}), 400, "invalid"
    )
    assert list(error["fields"]) == ["notified_on"]  # before the extension was decided

    response = _post(api, case, "extension-notice", {"notified_on": "2026-03-06"})
    assert response.status_code == 200
    assert response.json()["extension_notified_at"].startswith("2026-03-06")
    assert "record_extension_notice" not in response.json()["allowed_actions"]


def test_it_closes_with_an_outcome(api, case_in):
    case = case_in(Status.IN_PROGRESS)
    response = _post(api, case, "close", {"outcome": "granted"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"] == "granted"
    assert body["closed_at"].startswith("2026-03-06")
    assert body["days_left"] is None
    assert body["allowed_actions"] == []
    _error(_post(api, case, "close", {"outcome": "granted"}), 409, "illegal_transition")


def test_closing_needs_an_outcome_and_reasons_for_a_refusal(api, case_in):
    case = case_in(Status.IN_PROGRESS)
    error = _error(_post(api, case, "close"), 400, "invalid")
    assert list(error["fields"]) == ["outcome"]
    error = _error(_post(api, case, "close", {"outcome": "withdrawn"}), 400, "invalid")
    assert list(error["fields"]) == ["outcome"]
    error = _error(_post(api, case, "close", {"outcome": "refused"}), 400, "invalid")
    assert list(error["fields"]) == ["reason"]


def test_granting_needs_a_verified_identity(api, case_in):
    case = case_in(Status.NEW)
    _error(_post(api, case, "close", {"outcome": "granted"}), 409, "identity_required")


def test_it_records_a_withdrawal(api, case_in):
    case = case_in(Status.WAITING)
    response = _post(api, case, "withdraw", {"reason": "By phone."})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["outcome"] == "withdrawn"
    _error(_post(api, case, "withdraw"), 409, "illegal_transition")


@pytest.mark.parametrize(
    "action",
    ["assign", "start-identity-check", "verify-identity", "pause", "resume", "extend",
     "extension-notice", "close", "withdraw"],
)  # fmt: skip
def test_each_action_answers_404_for_an_unknown_case(api, action):
    _error(api.post(f"/api/cases/987654/{action}/", {}, format="json"), 404, "not_found")


@pytest.mark.parametrize(
    "action, body",
    [("assign", {"assignee": None}), ("start-identity-check", {}),
     ("verify-identity", {"method": "document"}),
     ("pause", {"reason": "identity", "note": "ID please"}), ("resume", {}),
     ("extend", {"reason": "Complex."}), ("extension-notice", {}),
     ("close", {"outcome": "refused", "reason": "No."}), ("withdraw", {})],
)  # fmt: skip
def test_each_action_answers_409_on_a_closed_case(api, case_in, action, body):
    case = case_in(Status.CLOSED)
    before = CaseEvent.objects.filter(case=case).count()
    error = _error(_post(api, case, action, body), 409, error_code_on_closed(action))
    assert error["fields"] == {}
    assert CaseEvent.objects.filter(case=case).count() == before


def error_code_on_closed(action):
    return "not_extended" if action == "extension-notice" else "illegal_transition"


def test_the_message_is_in_the_language_asked_for(api, case_in):
    case = case_in(Status.CLOSED)
    response = api.post(
        f"/api/cases/{case.pk}/withdraw/", {}, format="json", headers={"accept-language": "nl"}
    )
    error = _error(response, 409, "illegal_transition")
    assert "Kan" in error["message"] or "kan" in error["message"]


# --- An objection to direct marketing (GDPR Art 21(3)) ----------------------------------------

REASON = "Wij hebben een gerechtvaardigd belang bij onze nieuwsbrief."


def test_the_api_refuses_it_with_a_clear_error(api, officer_user):
    c = case(
        received_at=RECEIVED_AT,
        now=NOW,
        request_type=RequestType.OBJECTION,
        objection_direct_marketing=True,
    )

    response = api.post(
        f"/api/cases/{c.pk}/close/", {"outcome": "refused", "reason": REASON}, format="json"
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "21" in error["fields"]["outcome"][0]  # Art 21(3), in the language of the API
    c.refresh_from_db()
    assert c.status != Status.CLOSED
    assert api.get(f"/api/cases/{c.pk}/").json()["objection_direct_marketing"] is True


def test_the_api_registers_the_objection_as_one_to_direct_marketing(api):
    response = api.post(
        "/api/cases/create/",
        {
            "request_type": "objection",
            "channel": "email",
            "received_at": "2026-03-05T10:00:00+01:00",
            "subject_name": "Zoë de Vries",
            "subject_email": "zoe@example.org",
            "objection_direct_marketing": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["objection_direct_marketing"] is True
