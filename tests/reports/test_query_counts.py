"""The dashboard, the register and the export cost the same number of queries whatever the
number of requests: every figure is aggregated by the database."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.audit import Actor
from cases.models import Outcome, RequestType
from casework import actions
from tests import factories
from tests.factories import at

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _more_requests(actor, n, offset):
    for i in range(n):
        received = at(2026, 6, 1) + datetime.timedelta(days=(i * 7 + offset) % 150)
        made = factories.case(
            received_at=received,
            actor=actor,
            now=received,
            request_type=list(RequestType)[i % 6],
        )
        if i % 2:
            actions.close(
                case_id=made.pk,
                actor=actor,
                outcome=Outcome.REFUSED,
                reason="Bewaarplicht.",
                now=received + datetime.timedelta(days=i % 40),
            )
        elif i % 3 == 0:
            services.case_assign(case_id=made.pk, actor=actor, assignee=actor.user, now=received)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:reports_registerentry_changelist"),
        reverse("admin:reports_registerentry_changelist") + "?on_time=no&request_type=access",
        reverse("admin:reports_registerentry_export_csv"),
        reverse("admin:reports_registerentry_export_xlsx"),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_number_of_requests(frozen_clock, dpo, url):
    actor = Actor.staff(dpo)
    client = client_for(dpo)
    _more_requests(actor, 3, 0)
    few = _queries(client, url)
    _more_requests(actor, 40, 3)
    assert _queries(client, url) == few


def test_the_dashboard_needs_few_queries(frozen_clock, dpo):
    client = client_for(dpo)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:index"))
    figures = [q["sql"] for q in queries if "cases_case" in q["sql"]]
    assert len(figures) == 3  # open requests, received per month, answered per month
    assert len(queries) <= 10
