"""Who may call what: every endpoint for an anonymous caller, staff without the officer
permissions, staff who may only read cases, an officer and a superuser."""

import pytest

from cases.audit import Actor
from cases.models import Case, CaseEvent, Status
from casework import actions

from .conftest import token_client

pytestmark = pytest.mark.django_db

NEW_CASE = {
    "request_type": "access",
    "channel": "email",
    "received_at": "2026-03-05T10:00:00+01:00",
    "subject_name": "Sanne Visser",
    "subject_email": "sanne@example.org",
}

# name: (method, path with {id} (a case) or {letter}, status of the case it needs, body,
#        code when allowed, who is allowed: "read" = cases.view_case, "act" = the matching
#        action permission, "public" = anyone)
ENDPOINTS = {
    "list": ("get", "/api/cases/", None, None, 200, "read"),
    "detail": ("get", "/api/cases/{id}/", Status.NEW, None, 200, "read"),
    "assignees": ("get", "/api/assignees/", None, None, 200, "read"),
    "statistics": ("get", "/api/statistics/", None, None, 200, "read"),
    "create": ("post", "/api/cases/create/", None, NEW_CASE, 201, "act"),
    "assign": ("post", "/api/cases/{id}/assign/", Status.NEW, {"assignee": "{me}"}, 200, "act"),
    "start-identity-check": (
        "post", "/api/cases/{id}/start-identity-check/", Status.NEW, {}, 200, "act"
    ),
    "verify-identity": (
        "post", "/api/cases/{id}/verify-identity/", Status.NEW, {"method": "document"}, 200,
        "act",
    ),
    "pause": (
        "post", "/api/cases/{id}/pause/", Status.NEW,
        {"reason": "clarification", "note": "Which accounts?"}, 200, "act",
    ),
    "resume": ("post", "/api/cases/{id}/resume/", Status.WAITING, {}, 200, "act"),
    "extend": (
        "post", "/api/cases/{id}/extend/", Status.NEW, {"reason": "Many systems."}, 200, "act"
    ),
    "close": (
        "post", "/api/cases/{id}/close/", Status.NEW,
        {"outcome": "not_valid", "reason": "Not about personal data."}, 200, "act",
    ),
    "withdraw": ("post", "/api/cases/{id}/withdraw/", Status.NEW, {}, 200, "act"),
    "extension-notice": (
        "post", "/api/cases/{id}/extension-notice/", "extended", {}, 200, "act"
    ),
    "letters": ("get", "/api/cases/{id}/letters/", Status.NEW, None, 200, "act"),
    "letter-types": ("get", "/api/letter-types/", None, None, 200, "read"),
    "letter-download": ("get", "/api/letters/{letter}/download/", Status.NEW, None, 200, "act"),
    "letter-generate": (
        "post", "/api/cases/{id}/letters/generate/", Status.NEW,
        {"letter_type": "acknowledgement"}, 201, "act",
    ),
    "public-submit": (
        "post", "/api/public/requests/", None,
        {"request_type": "access", "name": "Noor Smit", "email": "noor@example.org"}, 202,
        "public",
    ),
}  # fmt: skip
PUBLIC = {"root": "/api/", "schema": "/api/schema/", "docs": "/api/docs/"}

ROLES = ["anonymous", "staff", "viewer", "officer", "superuser"]


@pytest.fixture
def user_for(staff_user, viewer, officer_user, superuser):
    return {
        "anonymous": None,
        "staff": staff_user,
        "viewer": viewer,
        "officer": officer_user,
        "superuser": superuser,
    }.get


def _expected(role: str, needs: str, allowed_code: int) -> int:
    if needs == "public":
        return allowed_code
    if role == "anonymous":
        return 401
    if role == "staff":
        return 403
    if role == "viewer" and needs == "act":
        return 403
    return allowed_code


def _fill(value, user):
    if isinstance(value, dict):
        return {k: _fill(v, user) for k, v in value.items()}
    return user.pk if value == "{me}" else value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_endpoint_answers_each_role(
    name, role, user_for, case_in, snapshot_of_cases, stored_letter, officer_user
):
    method, path, case_status, body, allowed_code, needs = ENDPOINTS[name]
    user = user_for(role)
    if case_status == "extended":
        case = case_in(Status.IN_PROGRESS)
        actions.extend(case_id=case.pk, actor=Actor.staff(officer_user), reason="Complex.")
    else:
        case = case_in(case_status or Status.NEW)
    letter = stored_letter(case)
    before = snapshot_of_cases()
    client = token_client(user)
    url = path.format(id=case.pk, letter=letter.pk)
    kwargs = {"format": "json"} if method == "post" else {}
    if body is not None:
        kwargs["data"] = _fill(body, user or case.events.first().actor)
    response = getattr(client, method)(url, **kwargs)

    expected = _expected(role, needs, allowed_code)
    assert response.status_code == expected, response.content
    if expected >= 400:
        # No data at all: only the error, and nothing changed.
        assert set(response.json()) == {"error"}
        assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")
        assert snapshot_of_cases() == before
    elif response["Content-Type"] == "application/json":
        assert "error" not in response.json()
    else:
        assert response["Content-Type"] == "application/pdf"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PUBLIC)
def test_the_schema_and_its_docs_are_public(name, role, user_for):
    response = token_client(user_for(role)).get(PUBLIC[name])
    assert response.status_code == 200


def test_an_invalid_token_is_refused_with_401(db):
    client = token_client()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_an_inactive_officer_is_refused(officer_user, case_in):
    case_in(Status.NEW)
    client = token_client(officer_user)
    officer_user.is_active = False
    officer_user.save()
    response = client.get("/api/cases/")
    assert response.status_code == 401
    assert "results" not in response.json()


def test_an_officer_without_staff_status_is_refused(officer_user, case_in):
    case_in(Status.NEW)
    officer_user.is_staff = False
    officer_user.save()
    response = token_client(officer_user).get("/api/cases/")
    assert response.status_code == 403
    assert "results" not in response.json()


def test_unconfirmed_web_requests_are_invisible(api, case_in):
    unconfirmed = case_in(Status.UNCONFIRMED)
    assert api.get(f"/api/cases/{unconfirmed.pk}/").status_code == 404
    assert api.post(f"/api/cases/{unconfirmed.pk}/withdraw/", {}, format="json").status_code == 404
    assert api.get("/api/cases/").json()["count"] == 0


@pytest.fixture
def snapshot_of_cases():
    def take():
        return (list(Case.objects.order_by("pk").values()), CaseEvent.objects.count())

    return take
