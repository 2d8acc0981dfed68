"""Done means: a staff account without a second factor reaches no case, in the admin or the
API, whether it comes with a session or with a token."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api_tokens import api_token_issue
from cases.models import Status
from tests import factories

from .conftest import enrol, password_login

pytestmark = [pytest.mark.django_db, pytest.mark.no_auto_2fa]


@pytest.fixture
def case():
    return factories.case(subject_name="Zoë de Vries", subject_email="zoe@example.org")


ADMIN_PAGES = [
    "/admin/",
    "/admin/cases/case/",
    "/admin/cases/case/{id}/change/",
    "/admin/cases/case/{id}/history/",
    "/admin/cases/caseevent/",
    "/admin/cases/case/{id}/do/close/",
    "/admin/reports/registerentry/",
    "/admin/reports/registerentry/export.csv",
    "/admin/cases/subject-files/1/",
    "/admin/letters/letter/",
    "/admin/security/cases/{id}/export.json",
    "/admin/security/two-factor/backup-codes/",
    "/admin/password_change/",
]


@pytest.mark.parametrize("with_device", [False, True], ids=["never-set-up", "not-verified"])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_no_admin_page_opens_after_the_password_alone(page, with_device, case):
    user = factories.staff_in_role("DPO", "dora")
    if with_device:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client = Client(headers={"accept-language": "en"})
    assert password_login(client, "dora").status_code == 302

    response = client.get(page.format(id=case.pk))

    assert response.status_code == 302
    step = "verify" if with_device else "setup"
    assert response["Location"].startswith(f"/admin/security/two-factor/{step}/?next=")
    assert "Zo" not in response.content.decode()


def test_a_form_post_is_refused_too(case):
    factories.staff_in_role("DPO", "dora")
    client = Client()
    password_login(client, "dora")

    response = client.post(f"/admin/cases/case/{case.pk}/do/close/", {"outcome": "granted"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/security/two-factor/setup/"
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_the_api_refuses_a_session_without_the_second_factor(case):
    factories.staff_in_role("DPO", "dora")
    client = Client(headers={"accept-language": "en"})
    password_login(client, "dora")

    for path in ("/api/cases/", f"/api/cases/{case.pk}/", "/api/statistics/"):
        response = client.get(path, headers={"accept": "application/json"})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "two_factor_required"
        assert "Zo" not in response.content.decode()
    # Another Authorization scheme does not slip past: the session still needs the code.
    response = client.get("/api/cases/", headers={"authorization": "Basic ZG9yYTp4"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_the_api_refuses_the_token_of_a_staff_account_without_a_second_factor(case):
    user = factories.staff_in_role("DPO", "dora")
    _row, token = api_token_issue(user=user)
    client = Client(headers={"authorization": f"Token {token}", "accept-language": "en"})

    response = client.get("/api/cases/")

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "two_factor_required",
        "message": "Staff accounts need two-factor login. Log in to the admin and set up an "
        "authenticator app first.",
        "fields": {},
    }
    # An unconfirmed device (enrolment started, never finished) does not count.
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=False)
    assert client.get(f"/api/cases/{case.pk}/").status_code == 403

    TOTPDevice.objects.filter(user=user).update(confirmed=True)
    response = client.get("/api/cases/")
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == [case.reference]


def test_after_the_second_factor_the_admin_and_the_api_open(case):
    user = factories.staff_in_role("DPO", "dora")
    client = Client(headers={"accept-language": "en"})
    password_login(client, "dora")

    enrol(client, user)

    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert client.get("/api/cases/", headers={"accept": "application/json"}).status_code == 200


def test_the_public_pages_and_the_login_page_need_no_second_factor(case):
    factories.staff_in_role("DPO", "dora")
    client = Client()
    password_login(client, "dora")

    assert client.get("/").status_code == 200
    # The login page itself is open (for a logged-in staff user it sends on to the admin).
    assert client.get("/admin/login/")["Location"] == "/admin/"
    assert client.get("/api/schema/").status_code == 403  # the API as a whole waits
    response = client.post("/admin/logout/")
    assert response.status_code in (200, 302)
    assert client.get("/api/schema/").status_code == 200


def test_a_user_who_is_not_staff_never_sees_the_two_factor_pages():
    user = get_user_model().objects.create_user(username="klant", password="pw-for-tests")
    client = Client()
    client.force_login(user)

    assert client.get("/admin/security/two-factor/setup/").status_code == 403
    assert client.get("/admin/").status_code == 302  # the admin's own login page
