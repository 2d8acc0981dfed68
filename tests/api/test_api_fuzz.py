"""Schemathesis fuzzes every operation of the running API (the WSGI application, with an
officer's token) against the API's own OpenAPI schema: no 5xx, and every response matches
the schema. Bounded so that it runs in well under a minute; derandomized so that CI sees
the same examples on every run.

To search harder, e.g. before a release: DSAR_API_FUZZ_EXAMPLES=300 (random examples).
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from cases.models import Status

from .conftest import api_token

pytestmark = pytest.mark.django_db

_EXAMPLES = os.environ.get("DSAR_API_FUZZ_EXAMPLES")


# Loaded once, when pytest collects this module (the schema view needs no database).
# (schemathesis.pytest.from_fixture would load it per test, but does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
# Ids of the cases and letters made for the running test; the hook below sends most
# requests to them.
_ids: dict[str, list[int]] = {"case_id": [], "letter_id": []}


@schema.hook
def map_path_parameters(context, path_parameters):
    # Most generated ids are replaced by a real one; one in eleven stays unknown.
    for name, ids in _ids.items():
        value = (path_parameters or {}).get(name)
        if ids and isinstance(value, int) and value % 11 != 10:
            path_parameters[name] = ids[value % len(ids)]
    return path_parameters


@pytest.fixture(autouse=True)
def inside_the_test_transaction():
    """The WSGI handler closes the database connection at the start and end of each request;
    like Django's test client, keep it open, inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def cases_in_every_state(case_in, stored_letter):
    """Cases in every state, with a letter each, so that the fuzzed ids often name a real
    case or letter."""
    cases = [
        case_in(status, verified=verified)
        for status, verified in [
            (Status.NEW, False),
            (Status.IDENTITY_CHECK, False),
            (Status.IN_PROGRESS, True),
            (Status.WAITING, False),
            (Status.WAITING, True),
            (Status.CLOSED, False),
            (Status.WITHDRAWN, False),
        ]
    ]
    cases.append(case_in(Status.UNCONFIRMED))
    _ids["case_id"][:] = [case.pk for case in cases]
    _ids["letter_id"][:] = [stored_letter(case).pk for case in cases]
    yield
    for ids in _ids.values():
        ids.clear()


@pytest.fixture(autouse=True)
def no_throttling(monkeypatch, settings):
    """Throttling has its own tests; here every generated submission is worked through."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None})
    settings.DSAR_RATE_LIMITS = {
        **settings.DSAR_RATE_LIMITS,
        "submit_ip": "100000/h",
        "submit_email": "100000/d",
    }


@pytest.fixture
def officer_token(officer_user):
    return api_token(officer_user)


@schema.parametrize()
@settings(
    max_examples=int(_EXAMPLES or 15),
    deadline=None,
    derandomize=not _EXAMPLES,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_the_api_keeps_to_its_schema(case, cases_in_every_state, officer_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {officer_token}", "Accept-Language": "en"},
        checks=[not_a_server_error, response_schema_conformance],
    )
