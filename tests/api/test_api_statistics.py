"""Read-only statistics, counted by the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.audit import Actor
from cases.models import IdentityMethod, Outcome, RequestType, Status
from casework import actions
from tests.factories import at

pytestmark = pytest.mark.django_db


def test_it_counts_by_status_and_type_with_the_on_time_rate(
    api, case_in, officer_user, frozen_clock
):
    case_in(Status.NEW, received_at=at(2026, 1, 5))  # overdue since 2 Feb
    case_in(Status.WAITING, request_type=RequestType.ERASURE)
    case_in(Status.CLOSED)  # closed on 6 March, due 2 April: on time
    case_in(Status.WITHDRAWN)  # not counted as closed
    case_in(Status.UNCONFIRMED)  # not a request yet
    late = case_in(Status.IN_PROGRESS, received_at=at(2026, 1, 5))
    actor = Actor.staff(officer_user)
    # Closed at 23:30 Amsterdam time on the due date (22:30 UTC): still on time.
    in_time = case_in(Status.NEW, received_at=at(2026, 2, 6))  # due Fri 6 March
    services.case_verify_identity(case_id=in_time.pk, actor=actor, method=IdentityMethod.DOCUMENT)
    frozen_clock.move_to(at(2026, 3, 6, 23, 30))
    actions.close(case_id=late.pk, actor=actor, outcome=Outcome.GRANTED)
    actions.close(case_id=in_time.pk, actor=actor, outcome=Outcome.GRANTED)

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/statistics/")
    assert response.status_code == 200
    assert len(queries) <= 6  # token, permissions (2), by status, by type, totals
    body = response.json()
    assert body["today"] == "2026-03-06"
    assert body["total"] == 6
    assert body["open"] == 2
    assert body["overdue"] == 1
    assert body["by_status"] == {
        "new": 1, "identity_check": 0, "in_progress": 0, "waiting": 1, "closed": 3,
        "withdrawn": 1,
    }  # fmt: skip
    assert body["by_type"]["erasure"] == 1 and body["by_type"]["access"] == 5
    assert body["closed"] == {"total": 3, "on_time": 2, "late": 1, "on_time_rate": 0.6667}


def test_it_counts_cases_received_in_a_period(api, case_in):
    case_in(Status.NEW, received_at=at(2026, 1, 5))
    case_in(Status.NEW)
    body = api.get("/api/statistics/?received_after=2026-03-01&received_before=2026-03-31").json()
    assert body["total"] == 1
    assert body["closed"]["on_time_rate"] is None
    response = api.get("/api/statistics/?received_after=maart")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["received_after"]
