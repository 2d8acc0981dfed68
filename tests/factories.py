"""Test data, made through the services so that tests see what the app would produce."""

import datetime
import itertools
import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases import services
from cases.audit import Actor
from cases.models import Channel, RequestType

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
_seq = itertools.count(1)


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    """A moment in Amsterdam time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMS)


def officer(username=None, **extra):
    """A staff user in the Privacy officer group."""
    username = username or f"officer{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests", is_staff=True, **extra
    )
    user.groups.add(Group.objects.get(name="Privacy officer"))
    return user


def case(*, received_at=None, actor=None, now=None, **fields):
    """A new case registered by an officer (or the system)."""
    defaults = {
        "request_type": RequestType.ACCESS,
        "channel": Channel.POST,
        "subject_name": "Zoë de Vries",
        "subject_email": "zoe@example.org",
    }
    defaults.update(fields)
    received_at = received_at or at(2026, 3, 5)
    return services.case_create(
        actor=actor or Actor.system(),
        received_at=received_at,
        now=now or max(received_at, at(2026, 11, 22)),
        **defaults,
    )
