"""The officers' search box in the admin's queue: the four searches officers found returned
nothing (issue 19), what they find now, and what a search costs. The matching itself is
``CaseQuerySet.search`` (tests/cases/test_case_search.py); these tests go through the page."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.audit import Actor
from cases.models import Outcome, ReferenceCounter
from tests.factories import at, case, officer

pytestmark = pytest.mark.django_db
URL = reverse("admin:cases_case_changelist")
NOW = at(2026, 11, 23, 9)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def target():
    """DSAR-2026-00174, of Ayşe Öztürk, who writes from Emma.Clarke's address; and others."""
    ReferenceCounter.objects.create(year=2026, last_number=173)
    found = case(
        received_at=at(2026, 11, 2),
        subject_name="Ayşe Öztürk",
        subject_email="Emma.Clarke@Example.org",
    )
    assert found.reference == "DSAR-2026-00174"
    for name, email in [("Emma Clark", "emma.clark@example.org"), ("Kees Oz", "kees@example.org")]:
        case(received_at=at(2026, 11, 3), subject_name=name, subject_email=email)
    return found


def _search(client, term, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": term, **params})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize(
    "term", ["00174", "2026-00174", "DSAR-2026-00174", "dsar-2026-00174", "emma.clarke", "Ozturk"]
)
def test_each_search_finds_the_case_alone_in_at_most_8_queries(officer_client, target, term):
    officer("bram")  # another officer in the assignee filter: no query per officer
    html, queries = _search(officer_client, term)
    assert target.reference in html
    assert html.count('class="field-summary"') == 1
    assert queries <= 8


def test_a_search_looks_through_closed_requests_unless_a_status_is_chosen(officer_client, target):
    services.case_close(
        case_id=target.pk, actor=Actor.system(), outcome=Outcome.NOT_VALID, reason="Geen verzoek."
    )
    assert target.reference not in officer_client.get(URL).content.decode()  # the queue
    html, _queries = _search(officer_client, "00174")
    assert target.reference in html
    html, _queries = _search(officer_client, "00174", status="open")
    assert target.reference not in html
