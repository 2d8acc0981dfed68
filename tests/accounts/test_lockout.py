"""Failed logins are recorded; after DSAR_LOGIN_FAILURE_LIMIT failures the user name is blocked
from that address for DSAR_LOGIN_COOLOFF_MINUTES, with a page that says so; the DPO unblocks it
in the admin or with a command."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests import factories

from .conftest import password_login

pytestmark = pytest.mark.django_db
LIMIT = 5  # DSAR_LOGIN_FAILURE_LIMIT's default


def fail(client, username="nina", times=1):
    for _i in range(times):
        response = password_login(client, username, password="wrong-password")
    return response


def test_the_login_is_blocked_after_the_limit_and_says_so_in_dutch():
    factories.officer("nina")
    client = Client(REMOTE_ADDR="192.0.2.10")

    response = fail(client, times=LIMIT - 1)
    assert response.status_code == 200  # the form again, with Django's message
    response = fail(client)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Inloggen geblokkeerd" in html
    assert "na 5 mislukte pogingen" in html
    assert "over 30 minuten" in html
    assert "functionaris gegevensbescherming" in html
    assert "wrong-password" not in html
    # Even the right password does not get in now.
    response = password_login(client, "nina")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_are_recorded_without_the_password():
    factories.officer("nina")
    client = Client(REMOTE_ADDR="192.0.2.10")
    fail(client, times=2)

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "nina",
        "192.0.2.10",
        2,
    )
    assert "wrong-password" not in str(attempt.post_data)


def test_the_block_is_per_user_name_and_address():
    factories.officer("nina")
    factories.officer("piet")
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    fail(attacker, "nina", times=LIMIT)

    # Nina from her own desk, and Piet from the attacker's address, still get in.
    assert password_login(Client(REMOTE_ADDR="192.0.2.10"), "nina").status_code == 302
    assert password_login(attacker, "piet").status_code == 302


def test_the_block_ends_after_the_cool_off_period():
    factories.officer("nina")
    client = Client(REMOTE_ADDR="192.0.2.10")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, times=LIMIT)
        assert password_login(client, "nina").status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert password_login(client, "nina").status_code == 302


def test_the_dpo_unblocks_with_the_command():
    factories.officer("nina")
    client = Client(REMOTE_ADDR="192.0.2.10")
    fail(client, times=LIMIT)

    call_command("axes_reset_username", "nina")

    assert password_login(client, "nina").status_code == 302


def test_the_dpo_unblocks_in_the_admin(client):
    factories.officer("nina")
    locked = Client(REMOTE_ADDR="192.0.2.10")
    fail(locked, times=LIMIT)
    dpo = Client(headers={"accept-language": "en"})
    dpo.force_login(factories.staff_in_role("DPO", "dora"))
    attempt = AccessAttempt.objects.get(username="nina")

    assert dpo.get("/admin/axes/accessattempt/").status_code == 200
    response = dpo.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert password_login(locked, "nina").status_code == 302


def test_an_auditor_sees_the_attempts_but_cannot_unblock():
    factories.officer("nina")
    fail(Client(REMOTE_ADDR="192.0.2.10"), times=LIMIT)
    auditor = Client()
    auditor.force_login(factories.staff_in_role("Auditor", "ada"))
    attempt = AccessAttempt.objects.get(username="nina")

    assert auditor.get("/admin/axes/accessattempt/").status_code == 200
    response = auditor.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_the_test_clients_login_still_works_with_lockout_on():
    """Django's test client calls authenticate() without a request, which django-axes
    refuses; the suite's fixture passes one (tests/conftest.py)."""
    factories.officer("nina")
    client = Client()
    assert client.login(username="nina", password="pw-for-tests")
    assert not client.login(username="nina", password="wrong")
    assert AccessFailureLog.objects.count() in (0, 1)  # the failure log is optional in axes
