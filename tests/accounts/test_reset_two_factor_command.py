"""An officer lost her phone: the DPO resets her second factor with a management command; the
reset is in the security log with who, when and why, and at her next login she sets up a new
app."""

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from tests import factories

from .conftest import enrol, password_login

pytestmark = [pytest.mark.django_db, pytest.mark.no_auto_2fa]


def test_a_lost_device_is_reset_and_logged(capsys):
    nina = factories.officer("nina")
    dpo = factories.staff_in_role("DPO", "dora")
    client = Client()
    password_login(client, "nina")
    enrol(client, nina)
    assert StaticDevice.objects.filter(user=nina).exists()

    with time_machine.travel(factories.at(2026, 11, 23, 9, 30), tick=False):
        call_command("reset_two_factor", "nina", reason="Telefoon verloren", by="dora")

    assert not TOTPDevice.objects.filter(user=nina).exists()
    assert not StaticDevice.objects.filter(user=nina).exists()
    event = SecurityEvent.objects.get(kind="two_factor_reset")
    assert event.account == nina and event.account_label == "nina"
    assert event.actor == dpo and event.actor_label == "dora"
    assert event.reason == "Telefoon verloren"
    assert event.at == factories.at(2026, 11, 23, 9, 30)
    assert event.details == {"devices_removed": 2}
    assert "Removed 2 two-factor device(s) of nina" in capsys.readouterr().out

    # Her session ends up at the enrolment page again.
    client.post("/admin/logout/")
    password_login(client, "nina")
    assert client.get("/admin/")["Location"].startswith("/admin/security/two-factor/setup/")


def test_the_operator_is_named_when_no_staff_account_runs_it():
    factories.officer("nina")

    call_command("reset_two_factor", "nina", reason="Phone stolen", by="ops-jan")

    event = SecurityEvent.objects.get()
    assert event.actor is None
    assert event.actor_label == "ops-jan (manage.py)"


def test_a_reason_is_required_and_the_user_must_exist():
    factories.officer("nina")
    with pytest.raises(CommandError, match="No user named 'niemand'"):
        call_command("reset_two_factor", "niemand", reason="x")
    with pytest.raises(CommandError, match="reason"):
        call_command("reset_two_factor", "nina", reason="  ")
    assert not SecurityEvent.objects.exists()


def test_the_security_log_cannot_be_changed():
    factories.officer("nina")
    call_command("reset_two_factor", "nina", reason="Phone stolen", by="x")
    event = SecurityEvent.objects.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        SecurityEvent.objects.update(reason="")
    with pytest.raises(TypeError):
        SecurityEvent.objects.all().delete()
