"""Staff in each role, and the steps of a real login: password through the admin's login form,
then the second step with a code computed from the device's key."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

PASSWORD = "pw-for-tests"


@pytest.fixture
def browser_client():
    """A browser that reads the admin in English and sends a client address (REMOTE_ADDR) of
    its own, so that lockout counts are its own."""
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR="192.0.2.10")


def password_login(client, username, password=PASSWORD, next_url="/admin/"):
    """The admin's login form, as a browser posts it."""
    return client.post(
        f"/admin/login/?next={next_url}",
        {"username": username, "password": password, "next": next_url},
    )


def enrol(client, user, next_url="/admin/"):
    """The enrolment page, as the user would do it: open it, read the key the app would scan,
    enter the app's code. Returns the confirmed device and the page with the backup codes."""
    response = client.get(f"/admin/security/two-factor/setup/?next={next_url}")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The page shows the same secret the device holds (for typing it into the app by hand).
    shown = re.search(r'class="dsar-secret">([A-Z2-7 ]+)<', response.content.decode())
    assert shown is not None
    response = client.post(
        "/admin/security/two-factor/setup/",
        {"code": factories.totp_code(device), "next": next_url},
    )
    assert response.status_code == 200, response.content
    device.refresh_from_db()
    assert device.confirmed
    return device, response


def backup_codes_in(response) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
