"""An administrator issues an officer's API token in the admin and sees it once; the officer's
script uses it as curl would; the database keeps only a digest; the token expires; revoking it
in the admin locks the script out. Tokens from before (DRF's, in the clear) keep working after
the migration until the new expiry."""

import datetime
import hashlib
import importlib
import io
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from accounts.models import SecurityEvent
from cases.models import Status

from .conftest import NOW, api_token

pytestmark = pytest.mark.django_db

# Expiry is a duration from the moment of issue (90 × 24 hours), not a wall-clock date.
EXPIRY = NOW.astimezone(datetime.UTC) + datetime.timedelta(days=90)


def _script(token):
    return Client(headers={"authorization": f"Token {token}", "accept": "application/json"})


def test_a_token_issued_in_the_admin_works_until_it_is_revoked(superuser, officer_user, case_in):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Staff tokens work only for accounts with two-factor login set up (accounts, issue 7).
    TOTPDevice.objects.create(user=officer_user, name="Phone", confirmed=True)
    case = case_in(Status.NEW)
    admin = Client(headers={"accept-language": "en"})
    admin.force_login(superuser)
    response = admin.post("/admin/accounts/apitoken/add/", {"user": officer_user.pk})
    assert response.status_code == 200, response.content
    page = response.content.decode()
    assert "only time it is shown" in page
    token = re.search(r'<code class="dsar-token">([0-9a-f]+)</code>', page).group(1)
    row = AuthToken.objects.get(user=officer_user)
    # Stored: a digest and the first characters, never the token.
    assert token not in str(list(AuthToken.objects.values()))
    assert row.token_key == token[:15] and row.digest == hashlib.sha512(token.encode()).hexdigest()
    assert row.expiry == EXPIRY
    # The list shows no token either.
    assert token not in admin.get("/admin/accounts/apitoken/").content.decode()
    issued = SecurityEvent.objects.get(kind="api_token_issued")
    assert (issued.actor, issued.account) == (superuser, officer_user)

    # curl -H "Authorization: Token <token>" -H "Accept: application/json" .../api/cases/
    script = _script(token)
    response = script.get("/api/cases/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [row["reference"] for row in response.json()["results"]] == [case.reference]

    # curl -X POST -H "Authorization: Token <token>" -H "Content-Type: application/json" \
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
    response = admin.post(f"/admin/accounts/apitoken/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert SecurityEvent.objects.filter(kind="api_token_revoked", account=officer_user).exists()
    response = script.get("/api/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_token_stops_working_when_it_expires(officer_user, frozen_clock):
    token = api_token(officer_user)
    assert _script(token).get("/api/cases/").status_code == 200
    frozen_clock.move_to(EXPIRY - datetime.timedelta(seconds=1))
    assert _script(token).get("/api/cases/").status_code == 200
    frozen_clock.move_to(EXPIRY)
    response = _script(token).get("/api/cases/", headers={"accept-language": "en"})
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]
    assert not AuthToken.objects.exists()


def test_a_wrong_token_with_the_right_first_characters_is_refused(officer_user):
    token = api_token(officer_user)
    forged = token[:15] + "0" * (len(token) - 15)
    assert _script(forged).get("/api/cases/").status_code == 401
    assert _script(token + "x").get("/api/cases/").status_code == 401
    assert _script("é" * 20).get("/api/cases/").status_code == 401


def test_the_command_issues_a_token_printed_once_and_revokes_them(officer_user):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "olga", "--by", "ops", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert "shown only now" in err.getvalue()
    assert _script(token).get("/api/cases/").status_code == 200
    assert SecurityEvent.objects.get(kind="api_token_issued").actor_label == "ops (manage.py)"

    call_command("issue_api_token", "olga", "--revoke-all", stdout=out, stderr=err)
    assert _script(token).get("/api/cases/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_an_old_plain_token_keeps_working_after_the_migration(officer_user):
    """The table DRF's authtoken app left behind, with a key in the clear, as a database
    from before this change has it."""
    old_key = "9e4103657398d199ce9674d02398038c97fe7a88"
    with connection.schema_editor() as editor:
        editor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp "
            "with time zone NOT NULL, user_id integer NOT NULL UNIQUE)"
        )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                [old_key, NOW, officer_user.pk],
            )
        migration = importlib.import_module("accounts.migrations.0005_api_tokens_from_drf")
        with connection.schema_editor() as editor:
            migration.move_drf_tokens(apps, editor)

        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone() == (0,)  # no key left in the clear
        row = AuthToken.objects.get()
        assert old_key not in str(list(AuthToken.objects.values()))
        assert row.expiry == EXPIRY
        assert _script(old_key).get("/api/cases/").status_code == 200
        with time_machine.travel(row.expiry, tick=False):
            assert _script(old_key).get("/api/cases/").status_code == 401
    finally:
        with connection.schema_editor() as editor:
            editor.execute("DROP TABLE authtoken_token")


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
