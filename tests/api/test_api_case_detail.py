"""One case: its details, deadlines, pauses, timeline and the actions open to the caller."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.audit import Actor
from cases.models import Status
from casework import actions

from .conftest import NOW, token_client

pytestmark = pytest.mark.django_db


def test_it_shows_deadlines_and_timeline(api, case_in):
    case = case_in(Status.WAITING, verified=True)
    body = api.get(f"/api/cases/{case.pk}/").json()
    assert body["reference"] == case.reference
    assert body["due_date"] == "2026-04-02"
    assert body["extended_due_date"] is None
    assert body["days_left"] == 27
    assert body["working_days_left"] == 19  # 9 Mar to 2 Apr; Good Friday is 3 Apr
    assert body["urgency"] == "ok"
    assert body["can_extend"] is True
    assert body["identity_method"] == "document"
    assert body["pauses"][0]["reason"] == "identity"
    kinds = [event["kind"] for event in body["timeline"]]
    assert kinds == ["created", "identity_verified", "transition", "transition", "paused"]
    assert body["timeline"][0]["actor"] == "olga"
    assert body["timeline"][-1]["message"] == "Masked copy of ID"
    assert body["allowed_actions"] == ["assign", "resume", "extend", "close", "withdraw"]


def test_a_reader_is_offered_no_actions(viewer, case_in):
    case = case_in(Status.NEW)
    body = token_client(viewer).get(f"/api/cases/{case.pk}/").json()
    assert body["allowed_actions"] == []


def test_an_unknown_case_is_a_404(api):
    response = api.get("/api/cases/424242/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_number_of_queries_does_not_grow_with_the_timeline(api, case_in, officer_user):
    case = case_in(Status.NEW)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/cases/{case.pk}/").status_code == 200
        return len(queries)

    few = count()
    actor = Actor.staff(officer_user)
    for _i in range(3):
        actions.pause(case_id=case.pk, actor=actor, reason="clarification", note="?", now=NOW)
        services.case_resume(case_id=case.pk, actor=actor, now=NOW)
    assert count() == few


def test_each_event_comes_with_a_sentence_in_the_language_asked_for(api, case_in):
    case = case_in(Status.WAITING, verified=True)
    english = api.get(f"/api/cases/{case.pk}/").json()["timeline"]
    assert english[0]["text"] == "Request received by post and registered."
    assert english[-1]["text"] == (
        "The data subject was asked for proof of identity; waiting for it."
    )
    dutch = api.get(f"/api/cases/{case.pk}/", headers={"accept-language": "nl"}).json()
    assert dutch["timeline"][-1]["text"] == (
        "De betrokkene is om een identiteitsbewijs gevraagd; wachten daarop."
    )
