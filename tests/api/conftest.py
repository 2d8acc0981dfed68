"""Users in every role, API clients that authenticate with their token, and cases in any
status built through the services."""

import uuid

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.api_tokens import api_token_issue
from cases import ratelimit as public_ratelimit
from cases import services
from cases.audit import Actor
from cases.models import IdentityMethod, Outcome, PauseReason, Status
from casework import actions
from tests import factories

# Thursday 5 March 2026, 10:00 Amsterdam: four_weeks due Thursday 2 April, extended 2 June.
RECEIVED_AT = factories.at(2026, 3, 5)
# The clock in these tests: the morning after, well before the due date.
NOW = factories.at(2026, 3, 6, 9)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fresh_throttle_counters(monkeypatch):
    """Each test counts anonymous requests from zero, apart from other test runs that share
    the cache (Redis) and from the other tests."""
    counters = LocMemCache(f"api-throttle-{uuid.uuid4()}", {})
    monkeypatch.setattr(SimpleRateThrottle, "cache", counters)
    # The per-address limit of the public submission, shared with the web form.
    monkeypatch.setattr(public_ratelimit, "_cache", lambda: counters)


def api_token(user) -> str:
    """A new API token for ``user``, as an administrator issues it."""
    _row, token = api_token_issue(user=user)
    return token


def token_client(user=None) -> APIClient:
    """A client as an integrator's script: ``Authorization: Token <token>``, English."""
    client = APIClient(headers={"accept-language": "en"})
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def staff_user(db):
    """Staff, but not a privacy officer: no permission on cases."""
    return get_user_model().objects.create_user(
        username="receptie", password="pw-for-tests", is_staff=True
    )


@pytest.fixture
def viewer(db):
    """Staff who may read cases (cases.view_case) and do nothing else."""
    user = get_user_model().objects.create_user(
        username="lezer", password="pw-for-tests", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_case"))
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="beheer", password="pw-for-tests", email="beheer@example.nl"
    )


@pytest.fixture
def api(officer_user):
    """The officer "olga" with her token."""
    return token_client(officer_user)


@pytest.fixture
def case_in(officer_user):
    """``case_in(status, verified=False, **fields)``: a case received at RECEIVED_AT and moved
    to ``status`` by the services (as the officer, at NOW)."""
    actor = Actor.staff(officer_user)

    def build(status=Status.NEW, *, verified=False, received_at=RECEIVED_AT, **fields):
        case = factories.case(
            received_at=received_at,
            now=NOW,
            actor=actor,
            unconfirmed=status == Status.UNCONFIRMED,
            **fields,
        )
        steps = {"case_id": case.pk, "actor": actor, "now": NOW}
        if verified or status == Status.IN_PROGRESS:
            services.case_verify_identity(**steps, method=IdentityMethod.DOCUMENT)
        if status == Status.IDENTITY_CHECK:
            services.case_start_identity_check(**steps)
        elif status == Status.WAITING:
            if not verified:
                services.case_start_identity_check(**steps)
            actions.pause(**steps, reason=PauseReason.IDENTITY, note="Masked copy of ID")
        elif status == Status.CLOSED:
            outcome = Outcome.GRANTED if verified else Outcome.NOT_VALID
            actions.close(**steps, outcome=outcome, reason="Not about personal data.")
        elif status == Status.WITHDRAWN:
            actions.withdraw(**steps, reason="Withdrawn by phone.")
        case.refresh_from_db()
        assert case.status == status
        return case

    return build


@pytest.fixture
def private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def stored_letter(private_files, officer_user):
    """``stored_letter(case)``: ``factories.archived_letter`` by the officer, dated NOW."""

    def store(case, *, letter_type="acknowledgement", **options):
        return factories.archived_letter(
            case, user=officer_user, at=NOW, letter_type=letter_type, **options
        )

    return store
