"""The officers' queue: what it shows, how it filters and what it costs."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.audit import Actor
from cases.models import Channel, RequestType
from tests.factories import at, case, officer

pytestmark = pytest.mark.django_db
URL = reverse("admin:cases_case_changelist")
NOW = at(2026, 11, 23, 9)  # a Monday


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _make_cases(n, assignee=None, **kwargs):
    made = []
    for i in range(n):
        c = case(received_at=NOW - datetime.timedelta(days=i % 40, hours=1), **kwargs)
        if assignee:
            services.case_assign(case_id=c.pk, actor=Actor.system(), assignee=assignee)
        made.append(c)
    return made


def _count_queries(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_uses_the_same_number_of_queries_whatever_the_number_of_cases(officer_client):
    other = officer("bram")
    _make_cases(3, assignee=other)
    few = _count_queries(officer_client)
    _make_cases(40, assignee=officer("anouk"))
    _make_cases(10)
    many = _count_queries(officer_client)
    assert few == many
    assert many <= 8


@pytest.mark.parametrize(
    "query",
    ["?due=overdue", "?assignee=me", "?assignee=none", "?status=all", "?q=DSAR-2026",
     "?q=zoe@example.org", "?q=Vries", "?received_on__gte=2026-11-01&received_on__lte=2026-11-20",
     "?request_type=access&channel=post"],
)  # fmt: skip
def test_filtered_lists_keep_a_constant_query_count(officer_client, query):
    _make_cases(3, assignee=officer("bram"))
    few = _count_queries(officer_client, URL + query)
    _make_cases(25, assignee=officer("anouk"))
    assert _count_queries(officer_client, URL + query) == few


def test_it_shows_open_cases_most_urgent_first_with_badges(officer_client):
    late = case(received_at=at(2026, 10, 1))  # due 29 Oct: overdue
    soon = case(received_at=at(2026, 10, 28))  # due 25 Nov: within 5 working days
    later = case(received_at=at(2026, 11, 20))  # due 18 Dec
    closed = case(received_at=at(2026, 9, 1))
    services.case_close(
        case_id=closed.pk, actor=Actor.system(), outcome="not_valid", reason="Geen verzoek."
    )
    html = officer_client.get(URL).content.decode()
    assert closed.reference not in html  # the queue shows open requests by default
    positions = [html.index(c.reference) for c in (late, soon, later)]
    assert positions == sorted(positions)
    assert 'dsar-badge-overdue">25 days overdue' in html
    assert 'dsar-badge-soon">2 days left' in html
    assert 'dsar-badge-ok">25 days left' in html


def test_it_filters_overdue_mine_and_unassigned(officer_client, officer_user):
    mine = case(received_at=at(2026, 11, 20))
    services.case_assign(case_id=mine.pk, actor=Actor.system(), assignee=officer_user)
    late = case(received_at=at(2026, 10, 1))
    html = officer_client.get(URL + "?due=overdue").content.decode()
    assert late.reference in html and mine.reference not in html
    html = officer_client.get(URL + "?assignee=me").content.decode()
    assert mine.reference in html and late.reference not in html
    html = officer_client.get(URL + "?assignee=none").content.decode()
    assert late.reference in html and mine.reference not in html


def test_it_filters_by_received_date_range(officer_client):
    inside = case(received_at=at(2026, 11, 10))
    outside = case(received_at=at(2026, 11, 2))
    html = officer_client.get(
        URL + "?received_on__gte=2026-11-05&received_on__lte=2026-11-15"
    ).content.decode()
    assert inside.reference in html and outside.reference not in html


def test_search_finds_reference_email_and_name(officer_client):
    target = case(subject_name="IJsbrand Nguyễn", subject_email="IJ@Example.org")
    other = case(subject_name="Kees Bakker", subject_email="kees@example.org")
    for term in (target.reference, "ij@example.org", "nguyễn"):
        html = officer_client.get(URL, {"q": term}).content.decode()
        assert target.reference in html, term
        assert other.reference not in html, term


def test_unconfirmed_web_requests_stay_out_of_the_queue(officer_client):
    pending = case(channel=Channel.WEB, unconfirmed=True, subject_name="Pending Pietersen")
    html = officer_client.get(URL + "?status=all").content.decode()
    assert pending.reference is None  # numbered once confirmed
    assert "Pending Pietersen" not in html
    response = officer_client.get(reverse("admin:cases_case_change", args=[pending.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect


def test_html_typed_by_a_subject_is_shown_as_text(officer_client):
    c = case(subject_name='<img src=x onerror="alert(1)">', request_type=RequestType.ERASURE)
    html = officer_client.get(URL + "?status=all").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html
    page = officer_client.get(reverse("admin:cases_case_change", args=[c.pk])).content.decode()
    assert "<img src=x" not in page


def test_staff_without_case_permissions_see_nothing(client, django_user_model):
    user = django_user_model.objects.create_user("nosy", password="x", is_staff=True)
    case()
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
