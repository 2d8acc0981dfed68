"""The case list: filters, search, ordering, pagination, and its cost."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.audit import Actor
from cases.models import Channel, ReferenceCounter, RequestType, Status
from casework import actions
from tests.factories import at, officer

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _references(response):
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


@pytest.fixture
def mixed(case_in, officer_user):
    """Five cases, received on different days, in different states."""
    piet = officer("piet")
    made = {
        "old_new": case_in(Status.NEW, received_at=at(2026, 1, 5), subject_name="Bram Bakker"),
        "waiting": case_in(
            Status.WAITING, received_at=at(2026, 2, 16), request_type=RequestType.ERASURE
        ),
        "in_progress": case_in(
            Status.IN_PROGRESS,
            received_at=at(2026, 3, 2),
            channel=Channel.PHONE,
            subject_email="Emma.Jansen@Example.org",
            subject_name="Emma Jansen",
        ),
        "closed": case_in(Status.CLOSED, received_at=at(2026, 1, 20)),
        "withdrawn": case_in(Status.WITHDRAWN, received_at=at(2026, 3, 4)),
    }
    services.case_assign(case_id=made["waiting"].pk, actor=Actor.system(), assignee=officer_user)
    services.case_assign(case_id=made["in_progress"].pk, actor=Actor.system(), assignee=piet)
    made["piet"] = piet
    return {k: (v.reference if hasattr(v, "reference") else v) for k, v in made.items()}


def test_it_lists_every_case_most_urgent_first(api, mixed):
    refs = _references(api.get("/api/cases/"))
    # Due: old_new 2 Feb (overdue), closed 17 Feb, waiting 16 Mar, in_progress 30 Mar,
    # withdrawn 1 Apr.
    assert refs == [mixed[k] for k in ("old_new", "closed", "waiting", "in_progress", "withdrawn")]


def test_a_row_has_the_deadline_and_the_assignee(api, mixed):
    rows = {row["reference"]: row for row in api.get("/api/cases/").json()["results"]}
    old = rows[mixed["old_new"]]
    assert old["due_date"] == "2026-02-02"
    assert old["effective_due_date"] == "2026-02-02"
    assert old["days_left"] == -32
    assert old["overdue"] is True
    assert old["assignee"] is None
    assert old["url"] == f"http://testserver/api/cases/{old['id']}/"
    closed = rows[mixed["closed"]]
    assert closed["days_left"] is None and closed["overdue"] is False
    assert rows[mixed["waiting"]]["assignee"]["username"] == "olga"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=open", ["old_new", "waiting", "in_progress"]),
        ("status=final", ["closed", "withdrawn"]),
        ("status=waiting", ["waiting"]),
        ("request_type=erasure", ["waiting"]),
        ("channel=phone", ["in_progress"]),
        ("assignee=me", ["waiting"]),
        ("assignee=none", ["old_new", "closed", "withdrawn"]),
        ("overdue=true", ["old_new"]),
        ("overdue=false", ["closed", "waiting", "in_progress", "withdrawn"]),
        ("due_after=2026-03-16&due_before=2026-03-30", ["waiting", "in_progress"]),
        ("received_after=2026-03-01", ["in_progress", "withdrawn"]),
        ("received_after=2026-01-20&received_before=2026-02-16", ["closed", "waiting"]),
        ("search=bakker", ["old_new"]),
        ("search=emma.jansen@example.ORG", ["in_progress"]),
        ("search=jansen", ["in_progress"]),
        ("status=open&assignee=none&overdue=true", ["old_new"]),
    ],
)
def test_it_filters(api, mixed, query, expected):
    assert _references(api.get(f"/api/cases/?{query}")) == [mixed[k] for k in expected]


def test_it_filters_by_assignee_id(api, mixed):
    assert _references(api.get(f"/api/cases/?assignee={mixed['piet'].pk}")) == [
        mixed["in_progress"]
    ]


def test_it_searches_references_by_their_beginning(api, mixed):
    assert _references(api.get(f"/api/cases/?search={mixed['waiting'].lower()}")) == [
        mixed["waiting"]
    ]
    assert len(_references(api.get("/api/cases/?search=DSAR-2026"))) == 5


@pytest.mark.parametrize(
    "term", ["00174", "2026-00174", "DSAR-2026-00174", "emma.clarke", "Ozturk", "öZTÜRK"]
)
def test_it_searches_like_the_admin_does(api, case_in, term):
    """The four searches of issue 19, through the same ``CaseQuerySet.search``."""
    ReferenceCounter.objects.create(year=2026, last_number=173)
    found = case_in(Status.NEW, subject_name="Ayşe Öztürk", subject_email="Emma.Clarke@Example.org")
    case_in(Status.NEW, subject_name="Emma Clark", subject_email="emma.clark@example.org")
    assert _references(api.get("/api/cases/", {"search": term})) == ["DSAR-2026-00174"]
    assert found.reference == "DSAR-2026-00174"


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("-effective_due_date", ["withdrawn", "in_progress", "waiting", "closed", "old_new"]),
        ("received_at", ["old_new", "closed", "waiting", "in_progress", "withdrawn"]),
        ("-reference", ["withdrawn", "closed", "in_progress", "waiting", "old_new"]),
    ],
)
def test_it_orders_by_whitelisted_fields(api, mixed, ordering, expected):
    refs = _references(api.get(f"/api/cases/?ordering={ordering}"))
    assert refs == [mixed[k] for k in expected]


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=unconfirmed", "status"),
        ("status=bogus", "status"),
        ("ordering=subject_email", "ordering"),
        ("ordering=password", "ordering"),
        ("assignee=someone", "assignee"),
        ("overdue=perhaps", "overdue"),
        ("due_before=2026-02-30", "due_before"),
        ("received_after=yesterday", "received_after"),
        ("search=%00", "search"),
    ],
)
def test_a_bad_filter_is_a_400_not_ignored(api, mixed, query, field):
    response = api.get(f"/api/cases/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == [field]


def _make_cases(n):
    for i in range(n):
        actions.register(
            actor=Actor.system(),
            received_at=NOW - datetime.timedelta(days=i % 30, hours=1),
            now=NOW,
            request_type=RequestType.ACCESS,
            channel=Channel.EMAIL,
            subject_name=f"Subject {i}",
        )


def test_it_pages_with_a_maximum_page_size(api, settings):
    _make_cases(7)
    first = api.get("/api/cases/?page_size=3").json()
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    assert third["next"] is None
    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(seen) == len(set(seen)) == 7

    from api.views import CasePagination

    assert CasePagination.max_page_size == settings.DSAR_API_MAX_PAGE_SIZE == 200
    assert len(api.get("/api/cases/?page_size=100000").json()["results"]) == 7
    response = api.get("/api/cases/?page=9")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_number_of_queries_does_not_grow_with_the_page_size(api, officer_user):
    _make_cases(30)
    for case_id in list(services.Case.objects.values_list("pk", flat=True))[::2]:
        services.case_assign(case_id=case_id, actor=Actor.system(), assignee=officer(f"x{case_id}"))

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200
        return len(queries)

    small = count("/api/cases/?page_size=2")
    large = count("/api/cases/?page_size=30")
    assert small == large
    # token + user's permissions (2) + count + page
    assert large <= 5
