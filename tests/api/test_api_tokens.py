"""An administrator creates an officer's API token in the admin; the officer's script uses
it as curl would; revoking it in the admin locks the script out."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from cases.models import Status

pytestmark = pytest.mark.django_db


def test_a_token_made_in_the_admin_works_until_it_is_revoked(superuser, officer_user, case_in):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Staff tokens work only for accounts with two-factor login set up (accounts, issue 7).
    TOTPDevice.objects.create(user=officer_user, name="Phone", confirmed=True)
    case = case_in(Status.NEW)
    admin = Client(headers={"accept-language": "en"})
    admin.force_login(superuser)
    response = admin.post("/admin/authtoken/tokenproxy/add/", {"user": officer_user.pk})
    assert response.status_code == 302, response.content
    token = Token.objects.get(user=officer_user)

    # curl -H "Authorization: Token <key>" -H "Accept: application/json" .../api/cases/
    script = Client(headers={"authorization": f"Token {token.key}", "accept": "application/json"})
    response = script.get("/api/cases/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [row["reference"] for row in response.json()["results"]] == [case.reference]

    # curl -X POST -H "Authorization: Token <key>" -H "Content-Type: application/json" \
    #      -d '{"reason": "..."}' .../api/cases/<id>/extend/
    # (no CSRF token: a request authenticated by its token cannot be forged by a web page)
    response = script.post(
        f"/api/cases/{case.pk}/extend/",
        '{"reason": "Data in many systems."}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["extended_due_date"] == "2026-06-02"

    # Revoked in the admin: the script is locked out at once.
    response = admin.post(f"/admin/authtoken/tokenproxy/{token.user_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.exists()
    response = script.get("/api/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_the_session_of_the_admin_works_in_the_browsable_api(officer_user, case_in):
    case = case_in(Status.NEW)
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    browser.force_login(officer_user)
    response = browser.get("/api/cases/", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert case.reference in response.content.decode()
    # A session write needs the CSRF token, like any form in the admin.
    response = browser.post(f"/api/cases/{case.pk}/withdraw/", {}, content_type="application/json")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.NEW
