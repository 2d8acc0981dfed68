"""A new officer logs in for the first time: password, then the enrolment page with a QR code
drawn on the page itself, a first code from the app, backup codes shown once. The next login
asks for a code; a backup code works once."""

import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from accounts.two_factor import backup_code_digest
from tests import factories

from .conftest import backup_codes_in, enrol, password_login

pytestmark = [pytest.mark.django_db, pytest.mark.no_auto_2fa]


def test_the_first_login_sets_up_an_authenticator_app(browser_client):
    user = factories.officer("nina")

    response = password_login(browser_client, "nina", next_url="/admin/cases/case/")
    assert response.status_code == 302
    # The password alone opens nothing: the first page asks to set up the app.
    response = browser_client.get("/admin/cases/case/")
    assert response.status_code == 302
    assert response["Location"] == (
        "/admin/security/two-factor/setup/?next=%2Fadmin%2Fcases%2Fcase%2F"
    )

    page = browser_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    # The QR code is an inline SVG made on the server: no image from elsewhere, no script.
    assert "<svg" in html and "<script" not in html.split("</header>")[-1]
    assert "otpauth" not in html  # the secret URI is only inside the QR code's pixels
    assert 'autocomplete="one-time-code"' in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    # Reloading shows the same secret (the app may already have scanned it).
    again = browser_client.get("/admin/security/two-factor/setup/")
    secret = re.search(r'class="dsar-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret in again.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1

    device, codes_page = enrol(browser_client, user, next_url="/admin/cases/case/")

    codes = backup_codes_in(codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "only time they are shown" in codes_page.content.decode()
    assert 'href="/admin/cases/case/"' in codes_page.content.decode()
    assert browser_client.get("/admin/cases/case/").status_code == 200
    event = SecurityEvent.objects.get()
    assert (event.kind, event.account, event.actor) == ("two_factor_enrolled", user, user)


def test_a_wrong_first_code_is_refused_with_a_clear_message(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    browser_client.get("/admin/security/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(factories.totp_code(device)) + 1) % 1_000_000:06d}"

    response = browser_client.post("/admin/security/two-factor/setup/", {"code": wrong})

    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert browser_client.get("/admin/").status_code == 302


def test_the_next_login_asks_for_a_code_from_the_app(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    device, _page = enrol(browser_client, user)
    browser_client.post("/admin/logout/")

    # A new day, a new login.
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=20), tick=False):
        assert password_login(browser_client, "nina").status_code == 302
        response = browser_client.get("/admin/")
        assert response["Location"] == "/admin/security/two-factor/verify/?next=%2Fadmin%2F"
        page = browser_client.get(response["Location"])
        assert "enter the 6-digit code" in page.content.decode()

        response = browser_client.post(
            "/admin/security/two-factor/verify/",
            {"code": factories.totp_code(device), "next": "/admin/"},
        )

        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert browser_client.get("/admin/").status_code == 200


@time_machine.travel(factories.at(2026, 3, 6, 9, 0), tick=False)
def test_a_code_is_accepted_once_and_a_wrong_one_is_refused(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    device, _page = enrol(browser_client, user)
    browser_client.post("/admin/logout/")
    password_login(browser_client, "nina")

    # The code used for enrolment cannot be used again (replay).
    response = browser_client.post(
        "/admin/security/two-factor/verify/", {"code": factories.totp_code(device)}
    )
    assert response.status_code == 200
    assert "used before" in response.content.decode()
    response = browser_client.post("/admin/security/two-factor/verify/", {"code": "12 34"})
    assert response.status_code == 200
    assert browser_client.get("/admin/").status_code == 302


def test_a_backup_code_works_once(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    _device, page = enrol(browser_client, user)
    code = backup_codes_in(page)[3]
    browser_client.post("/admin/logout/")

    password_login(browser_client, "nina")
    response = browser_client.post("/admin/security/two-factor/verify/", {"code": code.upper()})
    assert response.status_code == 302
    assert browser_client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    browser_client.post("/admin/logout/")
    password_login(browser_client, "nina")
    response = browser_client.post("/admin/security/two-factor/verify/", {"code": code})
    assert response.status_code == 200


def test_new_backup_codes_replace_the_old_ones(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    _device, page = enrol(browser_client, user)
    old = set(backup_codes_in(page))

    assert (
        "10 unused backup codes"
        in browser_client.get("/admin/security/two-factor/backup-codes/").content.decode()
    )
    response = browser_client.post("/admin/security/two-factor/backup-codes/")

    new = set(backup_codes_in(response))
    assert len(new) == 10 and not new & old
    # Stored as digests only (tests/accounts/test_secrets_at_rest.py).
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {backup_code_digest(code) for code in new}
    assert SecurityEvent.objects.filter(kind="backup_codes_renewed", account=user).exists()


def test_only_a_local_next_page_is_followed(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    device, _page = enrol(browser_client, user)
    browser_client.post("/admin/logout/")
    password_login(browser_client, "nina")

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1), tick=False):
        response = browser_client.post(
            "/admin/security/two-factor/verify/",
            {"code": factories.totp_code(device), "next": "https://evil.example/"},
        )

    assert response["Location"] == "/admin/"
