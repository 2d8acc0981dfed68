"""The roles as a matrix: each role tries each action, in the admin and (where the API has the
action) in the API, and is let through exactly where the table says so."""

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.api_tokens import api_token_issue
from accounts.roles import AUDITOR, DPO, PRIVACY_OFFICER
from cases.models import Case, Status
from tests import factories

pytestmark = pytest.mark.django_db

NOW = factories.at(2026, 3, 6, 9)
NONE = "staff without a role"
ROLES = [PRIVACY_OFFICER, DPO, AUDITOR, NONE]
ACTIONS = [
    "list",
    "view",
    "create",
    "assign",
    "extend",
    "close",
    "export",
    "purge",
    "unlock",
    "view audit",
]
ALLOWED = {
    PRIVACY_OFFICER: {"list", "view", "create", "assign", "extend", "close", "view audit"},
    DPO: set(ACTIONS),
    AUDITOR: {"list", "view", "view audit"},
    NONE: set(),
}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    case = factories.case(received_at=factories.at(2026, 3, 5), now=NOW)
    AccessAttempt.objects.create(
        username="nina",
        ip_address="192.0.2.10",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
    )
    return case


def user_for(role):
    return factories.staff_in_role(None if role == NONE else role, "actor")


def admin_try(client, action, case):
    """(response, did it happen?) for one action through the admin."""
    do = f"/admin/cases/case/{case.pk}/do/"
    if action == "list":
        return client.get("/admin/cases/case/"), None
    if action == "view":
        return client.get(f"/admin/cases/case/{case.pk}/change/"), None
    if action == "create":
        return client.get("/admin/cases/case/add/"), None
    if action == "assign":
        response = client.post(do + "assign_to_me/")
        return response, Case.objects.get(pk=case.pk).assignee_id is not None
    if action == "extend":
        response = client.post(do + "extend/", {"reason": "Many systems.", "apply": "1"})
        return response, Case.objects.get(pk=case.pk).extended_due_date is not None
    if action == "close":
        response = client.post(
            do + "close/", {"outcome": "not_valid", "reason": "Not personal.", "apply": "1"}
        )
        return response, Case.objects.get(pk=case.pk).status == Status.CLOSED
    if action == "export":
        return client.get(f"/admin/security/cases/{case.pk}/export.json"), None
    if action == "purge":
        return client.get("/admin/security/retention/"), None
    if action == "unlock":
        attempt = AccessAttempt.objects.get()
        response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        return response, not AccessAttempt.objects.exists()
    if action == "view audit":
        return client.get("/admin/cases/caseevent/"), None
    raise AssertionError(action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_lets_each_role_do_what_the_table_says(role, action, world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user_for(role))

    response, happened = admin_try(client, action, world)

    allowed = action in ALLOWED[role]
    if allowed:
        assert response.status_code in (200, 302), response.content[:300]
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
        if happened is not None:
            assert happened
    else:
        assert response.status_code == 403
        if happened is not None:
            assert not happened


API = {
    "list": ("get", "/api/cases/", None, 200),
    "view": ("get", "/api/cases/{id}/", None, 200),
    "create": (
        "post",
        "/api/cases/create/",
        {
            "request_type": "access",
            "channel": "email",
            "received_at": "2026-03-05T10:00:00+01:00",
            "subject_name": "Sanne Visser",
        },
        201,
    ),
    "assign": ("post", "/api/cases/{id}/assign/", {"assignee": "{me}"}, 200),
    "extend": ("post", "/api/cases/{id}/extend/", {"reason": "Many systems."}, 200),
    "close": ("post", "/api/cases/{id}/close/", {"outcome": "not_valid", "reason": "No."}, 200),
}


@pytest.mark.parametrize("action", list(API))
@pytest.mark.parametrize("role", ROLES)
def test_the_api_lets_each_role_do_what_the_table_says(role, action, world):
    user = user_for(role)
    _row, token = api_token_issue(user=user)
    client = Client(headers={"authorization": f"Token {token}", "accept-language": "en"})
    method, path, body, allowed_code = API[action]
    if body and body.get("assignee") == "{me}":
        body = {**body, "assignee": user.pk}
    before = Case.objects.filter(pk=world.pk).values().get()

    response = getattr(client, method)(
        path.format(id=world.pk), body, content_type="application/json"
    )

    if action in ALLOWED[role]:
        assert response.status_code == allowed_code, response.content
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert Case.objects.filter(pk=world.pk).values().get() == before
        assert Case.objects.count() == 1
