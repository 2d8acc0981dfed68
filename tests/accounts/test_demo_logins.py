"""`make run` prints two demo logins (scripts/run-dev.sh: manage.py create_demo_logins): a
privacy officer and a DPO, each in their role's group, each with a password that works."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import DPO, PRIVACY_OFFICER

pytestmark = pytest.mark.django_db


def _logins() -> dict[str, tuple[str, str]]:
    out = io.StringIO()
    call_command("create_demo_logins", stdout=out)
    found = re.findall(r"  (.+): username '(\w+)', password '([^']+)'", out.getvalue())
    return {role: (username, password) for role, username, password in found}


def test_it_prints_an_officer_and_a_dpo_login_that_work(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    logins = _logins()
    assert set(logins) == {PRIVACY_OFFICER, DPO}
    for role, (username, password) in logins.items():
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert client.login(username=username, password=password)
    assert (tmp_path / "demo-credentials.txt").read_text().count("password") == 2


def test_only_the_dpo_opens_the_register(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    logins = _logins()
    register = reverse("admin:reports_registerentry_changelist")
    client.login(username=logins[DPO][0], password=logins[DPO][1])
    assert client.get(register).status_code == 200
    client.login(username=logins[PRIVACY_OFFICER][0], password=logins[PRIVACY_OFFICER][1])
    assert client.get(register).status_code == 403


def test_running_it_again_gives_new_passwords(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = _logins(), _logins()
    assert get_user_model().objects.filter(username__in=["officer", "dpo"]).count() == 2
    assert first[DPO][1] != second[DPO][1]
