"""The register: every request ever received, one row each, filterable and paginated."""

import html.parser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.admin import RegisterAdmin

from .conftest import client_for

pytestmark = pytest.mark.django_db
URL = reverse("admin:reports_registerentry_changelist")


class _Rows(html.parser.HTMLParser):
    """The cells of the admin list's result table."""

    def __init__(self):
        super().__init__()
        self.rows, self._in_table, self._cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == "result_list":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _rows(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    parser = _Rows()
    parser.feed(response.content.decode())
    return parser.rows[1:]  # without the header row


def _references(client, query=""):
    return [row[0] for row in _rows(client, query)]


def test_it_lists_every_request_newest_reference_first(dataset, dpo):
    refs = _references(client_for(dpo))
    expected = [dataset[x].reference for x in "HJABCDEFIGKLMNOP"]
    assert refs == sorted(expected, reverse=True)
    assert dataset["Q"].reference not in refs  # e-mail address never confirmed


def test_each_row_has_the_registers_columns(dataset, dpo):
    client = client_for(dpo)
    headers = _Rows()
    headers.feed(client.get(URL).content.decode())
    assert headers.rows[0] == [
        "Reference",
        "Type",
        "Channel",
        "Received",
        "Due",
        "Extended to",
        "Closed on",
        "Outcome",
        "On time",
        "Days taken",
    ]
    rows = {row[0]: row for row in _rows(client)}
    assert rows[dataset["B"].reference] == [
        dataset["B"].reference,
        "Erasure (Art 17)",
        "E-mail",
        "2026-09-03",
        "2026-10-01",
        "-",
        "2026-10-05",
        "Refused",
        "no",
        "32",
    ]
    assert rows[dataset["D"].reference][3:] == [
        "2026-10-01",
        "2026-10-29",
        "2026-12-29",
        "2026-11-10",
        "Granted",
        "yes",
        "40",
    ]
    # Closed at 00:30 on 1 November in Amsterdam: the date of closing is 1 November.
    assert rows[dataset["I"].reference][6:] == ["2026-11-01", "Refused", "yes", "27"]
    # Still open and already late; still open within the due date; withdrawn.
    assert rows[dataset["K"].reference][6:] == ["-", "New", "no", "-"]
    assert rows[dataset["N"].reference][6:] == ["-", "New", "-", "-"]
    assert rows[dataset["G"].reference][6:] == ["2026-10-25", "Withdrawn", "-", "5"]


def test_it_keeps_anonymised_requests_and_shows_no_personal_data(dataset, dpo):
    html = client_for(dpo).get(URL).content.decode()
    assert dataset["G"].reference in html  # anonymised: personal data blanked
    for personal in ("Zoë de Vries", "zoe@example.org"):
        assert personal not in html


@pytest.mark.parametrize(
    ("query", "letters"),
    [
        ("?request_type=erasure", "BIM"),
        ("?channel=phone", "F"),
        ("?outcome=refused", "BI"),
        ("?outcome=withdrawn", "G"),
        ("?on_time=yes", "ACDFHIJ"),
        ("?on_time=no", "BEKP"),
        ("?on_time=pending", "LMNO"),
        ("?received_on__gte=2026-10-01&received_on__lte=2026-10-31", "DEGIKLM"),
        ("?request_type=access&on_time=no", "EKP"),
        ("?q=" + "{K}", "K"),
    ],
)
def test_it_filters_by_type_outcome_received_dates_and_timeliness(dataset, dpo, query, letters):
    query = query.replace("{K}", dataset["K"].reference.lower())
    refs = _references(client_for(dpo), query)
    assert sorted(refs) == sorted(dataset[x].reference for x in letters)


def test_it_pages_through_the_register(dataset, dpo, monkeypatch):
    monkeypatch.setattr(RegisterAdmin, "list_per_page", 5)
    client = client_for(dpo)
    pages = [_references(client, f"?p={page}") for page in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [5, 5, 5, 1]
    everything = [ref for page in pages for ref in page]
    assert everything == sorted(everything, reverse=True)
    assert len(set(everything)) == 16


def test_it_offers_no_change_page_that_would_show_personal_data(dataset, dpo):
    response = client_for(dpo).get(f"{URL}{dataset['A'].pk}/change/")
    assert response.status_code == 404


def test_counting_one_types_late_requests_needs_only_the_type_index(dataset, dpo):
    """The register's paginator counts the filtered requests; for a type and "late" that count
    is read off case_type_idx alone (it includes status, closed_at and effective_due_date), not
    off the table: at a million cases 31 ms instead of 190-600 ms (docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("Reads PostgreSQL's EXPLAIN; run with DATABASE_URL=postgres://... (CI does)")
    with CaptureQueriesContext(connection) as queries:
        response = client_for(dpo).get(URL + "?request_type=erasure&on_time=no")
    assert response.status_code == 200
    [count] = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    with connection.cursor() as cursor:
        # Inside the test's transaction: no other way in than an index, and no bitmap scan
        # (which reads the table), so only a covering index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using case_type_idx" in plan, plan
