"""A request is assigned only to staff who may work requests: the action refuses anyone else,
and neither the admin's nor the API's list of assignees offers them."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.test import APIClient

from accounts import permissions
from accounts.api_tokens import api_token_issue
from accounts.roles import AUDITOR, DPO, PRIVACY_OFFICER
from cases.audit import Actor
from cases.models import Case, CaseEvent, EventKind
from cases.services import CaseActionError
from casework import actions
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/admin/cases/case/"


@pytest.fixture
def people(db):
    factories.ensure_roles()
    users = {
        "officer": factories.staff_in_role(PRIVACY_OFFICER, "officer"),
        "dpo": factories.staff_in_role(DPO, "dpo"),
        "auditor": factories.staff_in_role(AUDITOR, "auditor"),
        "receptionist": factories.staff_in_role(None, "receptionist"),
        "root": get_user_model().objects.create_superuser("root", "root@example.nl", "pw"),
        "not_staff": get_user_model().objects.create_user("subject", password="pw"),
    }
    # Both permissions, but one through a group and one directly.
    direct = factories.staff_in_role(None, "direct")
    direct.user_permissions.add(
        Permission.objects.get(codename="view_case"), Permission.objects.get(codename="work_case")
    )
    users["direct"] = direct
    half = factories.staff_in_role(None, "half")
    half.user_permissions.add(Permission.objects.get(codename="work_case"))
    users["half"] = half
    gone = factories.staff_in_role(PRIVACY_OFFICER, "gone")
    gone.is_active = False
    gone.save()
    users["gone"] = gone
    return users


def test_the_assignees_are_exactly_those_who_may_work_requests(people):
    chosen = set(permissions.users_with(permissions.WORK).values_list("username", flat=True))
    may = {name for name, user in people.items() if permissions.may(user, permissions.WORK)}
    assert chosen == may == {"officer", "dpo", "root", "direct"}


def test_the_action_refuses_an_assignee_who_may_not_work_requests(people):
    case = factories.case()
    actor = Actor.staff(people["officer"])
    for name in ("auditor", "receptionist", "half", "gone", "not_staff"):
        with pytest.raises(CaseActionError) as refused:
            actions.assign(case_id=case.pk, actor=actor, assignee=people[name])
        assert refused.value.code == "assignee_not_allowed"
    case.refresh_from_db()
    assert case.assignee is None
    assert not CaseEvent.objects.filter(kind=EventKind.ASSIGNED).exists()

    actions.assign(case_id=case.pk, actor=actor, assignee=people["dpo"])
    case.refresh_from_db()
    assert case.assignee == people["dpo"]


def test_the_admin_offers_and_accepts_only_those_who_may_work_requests(people):
    case = factories.case()
    admin = Client(headers={"accept-language": "en"})
    admin.force_login(people["officer"])
    response = admin.post(LIST, {"action": "assign", ACTION_CHECKBOX_NAME: [str(case.pk)]})
    assert response.status_code == 200
    offered = {user.username for user in response.context["form"].fields["assignee"].queryset}
    assert offered == {"officer", "dpo", "root", "direct"}

    response = admin.post(
        LIST,
        {
            "action": "assign",
            ACTION_CHECKBOX_NAME: [str(case.pk)],
            "assignee": people["auditor"].pk,
            "apply": "1",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    case.refresh_from_db()
    assert case.assignee is None


def test_the_api_lists_and_accepts_only_those_who_may_work_requests(people):
    case = factories.case()
    _row, token = api_token_issue(user=people["officer"])
    api = APIClient(headers={"accept-language": "en"})
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    listed = {row["username"] for row in api.get("/api/assignees/").json()}
    assert listed == {"officer", "dpo", "root", "direct"}

    response = api.post(
        f"/api/cases/{case.pk}/assign/", {"assignee": people["auditor"].pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["assignee"]
    assert Case.objects.get(pk=case.pk).assignee is None
