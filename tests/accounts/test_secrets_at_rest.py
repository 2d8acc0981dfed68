"""What a copy of the database does not give away: backup codes are stored as keyed digests,
and the session key changes once the second factor is given."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from tests import factories

from .conftest import backup_codes_in, enrol, password_login

pytestmark = [pytest.mark.django_db, pytest.mark.no_auto_2fa]


def _login_with_code(client, username, code):
    password_login(client, username)
    return client.post("/admin/security/two-factor/verify/", {"code": code})


def test_backup_codes_are_not_stored_as_they_are_shown(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    _device, page = enrol(browser_client, user)
    codes = backup_codes_in(page)
    stored = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    for code in codes:
        assert code not in str(list(StaticToken.objects.values()))

    browser_client.post("/admin/logout/")
    assert _login_with_code(browser_client, "nina", codes[0]).status_code == 302
    assert browser_client.get("/admin/").status_code == 200


def test_a_backup_code_made_before_the_secret_key_was_rotated_still_works(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    _device, page = enrol(browser_client, user)
    code = backup_codes_in(page)[0]
    browser_client.post("/admin/logout/")

    old_key = settings.SECRET_KEY
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old_key]):
        response = _login_with_code(browser_client, "nina", code)
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_the_migration_replaces_stored_codes_by_their_digests(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    enrol(browser_client, user)
    browser_client.post("/admin/logout/")
    # A code as the old code stored it: in the clear.
    device = StaticDevice.objects.get(user=user)
    device.token_set.all().delete()
    device.token_set.create(token="abcd2345")

    migration = importlib.import_module("accounts.migrations.0003_hash_backup_codes")
    migration.hash_backup_codes(apps, None)

    assert StaticToken.objects.get().token != "abcd2345"
    assert _login_with_code(browser_client, "nina", "ABCD 2345").status_code == 302
    assert not StaticToken.objects.exists()


def test_the_session_key_changes_after_the_second_factor(browser_client):
    user = factories.officer("nina")
    password_login(browser_client, "nina")
    before_enrolment = browser_client.session.session_key
    device, _page = enrol(browser_client, user)
    after_enrolment = browser_client.session.session_key
    assert after_enrolment != before_enrolment
    assert not SessionStore().exists(before_enrolment)
    browser_client.post("/admin/logout/")

    password_login(browser_client, "nina")
    before = browser_client.session.session_key
    response = browser_client.post(
        "/admin/security/two-factor/verify/", {"code": factories.totp_code(device, offset_steps=1)}
    )
    assert response.status_code == 302
    after = browser_client.session.session_key
    assert after != before
    assert not SessionStore().exists(before)
    # The new key carries the login and its second factor; the old one opens nothing.
    assert browser_client.get("/admin/").status_code == 200
    browser_client.cookies[settings.SESSION_COOKIE_NAME] = before
    assert browser_client.get("/admin/").status_code == 302
