"""Every officer action of the table, for every role, through every interface: the admin's list
actions, the case page's action view, the API's endpoint and the case's ``allowed_actions``.
Each lets a role through exactly where the expected matrix below says so, so the table, the
permissions module and the interfaces cannot drift apart."""

import pytest
import time_machine
from django.contrib import admin
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts.roles import AUDITOR, DPO, PRIVACY_OFFICER
from api.views import ACTION_DOCS
from cases.models import Case
from casework.actions import OFFICER_ACTIONS
from tests import factories

pytestmark = pytest.mark.django_db

NOW = factories.at(2026, 3, 6, 9)
NONE = "staff without a role"
ROLES = [PRIVACY_OFFICER, DPO, AUDITOR, NONE]
# The spec: which rights each role has (accounts/roles.py grants the permissions behind them).
RIGHTS = {
    PRIVACY_OFFICER: {"work", "extend", "close"},
    DPO: {"work", "extend", "close"},
    AUDITOR: set(),
    NONE: set(),
}
MATRIX = [(role, name) for role in ROLES for name in OFFICER_ACTIONS]


def expected(role, name) -> bool:
    return OFFICER_ACTIONS[name].right in RIGHTS[role]


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case():
    return factories.case(received_at=factories.at(2026, 3, 5), now=NOW)


def user_for(role):
    factories.ensure_roles()
    return factories.staff_in_role(None if role == NONE else role, "actor")


@pytest.mark.parametrize(("role", "name"), MATRIX)
def test_the_admin_offers_the_list_action_exactly_to_those_with_its_right(role, name):
    request = RequestFactory().get("/admin/cases/case/")
    request.user = user_for(role)
    offered = admin.site.get_model_admin(Case).get_actions(request)
    assert (name in offered) is expected(role, name)


@pytest.mark.parametrize(("role", "name"), MATRIX)
def test_the_case_page_action_refuses_exactly_those_without_its_right(role, name, case):
    client = Client()
    client.force_login(user_for(role))
    response = client.get(f"/admin/cases/case/{case.pk}/do/{name}/")
    if expected(role, name):
        assert response.status_code in (200, 403)  # 403 only: a one-click action needs a POST
        response = client.post(f"/admin/cases/case/{case.pk}/do/{name}/")
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
        assert client.post(f"/admin/cases/case/{case.pk}/do/{name}/").status_code == 403


API_MATRIX = [(role, name) for role, name in MATRIX if OFFICER_ACTIONS[name].in_api]


@pytest.mark.parametrize(("role", "name"), API_MATRIX)
def test_the_api_endpoint_refuses_exactly_those_without_its_right(role, name, case):
    client = APIClient()
    client.force_authenticate(user_for(role))
    response = client.post(f"/api/cases/{case.pk}/{ACTION_DOCS[name]['path']}/", {}, "json")
    if expected(role, name):
        assert response.status_code != 403, response.content
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [PRIVACY_OFFICER, DPO])
def test_allowed_actions_lists_the_api_actions_the_role_may_take_now(role, case):
    client = APIClient()
    client.force_authenticate(user_for(role))
    allowed = client.get(f"/api/cases/{case.pk}/").json()["allowed_actions"]
    assert set(allowed) == {"assign", "start_identity_check", "verify_identity", "pause", "extend",
                            "close", "withdraw"}  # fmt: skip


def test_every_action_with_inputs_has_a_form_and_a_serializer_with_exactly_those_fields():
    from api.views import ACTION_INPUTS
    from officers.forms import ACTION_FORMS

    for name, action in OFFICER_ACTIONS.items():
        form = ACTION_FORMS.get(name)
        assert set(form.base_fields if form else ()) == set(action.inputs), name
        if action.in_api:
            serializer = ACTION_INPUTS[name]
            fields = serializer().fields if serializer else {}
            assert set(fields) == set(action.inputs), name
