"""The dashboard on the admin index: the hand-computed figures of conftest.py's data set, in
English and in Dutch, each number a link to the list of exactly those requests."""

import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.audit import Actor
from cases.models import Outcome
from casework import actions

from .conftest import TODAY, client_for, read_dashboard

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")
CASES = reverse("admin:cases_case_changelist")


def _dashboard(user, language):
    response = client_for(user, language).get(INDEX)
    assert response.status_code == 200
    return response, read_dashboard(response.content.decode())


def test_it_shows_the_officers_numbers_in_english(dataset, zoe):
    _response, page = _dashboard(zoe, "en")
    assert {key: tile["number"] for key, tile in page.tiles.items()} == {
        "overdue": "2",
        "7days": "2",
        "mine": "2",
        "open": "6",
        "on-time": "71%",
    }
    assert page.tiles["overdue"]["label"] == "Overdue"
    assert page.tiles["overdue"]["url"] == f"{CASES}?due=overdue"
    assert page.tiles["7days"]["label"] == "Due within 7 days"
    assert page.tiles["7days"]["url"] == f"{CASES}?due=7days"
    assert page.tiles["7days"]["help"] == "due from today up to and including Wednesday 25 November"
    assert page.tiles["mine"]["url"] == f"{CASES}?assignee=me"
    assert page.tiles["open"]["url"] == f"{CASES}?status=open"
    assert page.tiles["on-time"]["label"] == "Answered on time, Sep–Nov 2026"
    assert page.tiles["on-time"]["help"] == "5 of 7 answered, 2 late"
    assert page.tiles["on-time"]["trend"] == "▼ 29 percentage points worse than Jun–Aug 2026 (100%)"
    assert {s: (link["text"], link["url"]) for s, link in page.status_links.items()} == {
        "new": ("New 2", f"{CASES}?status=new"),
        "identity_check": ("Identity check 1", f"{CASES}?status=identity_check"),
        "in_progress": ("In progress 2", f"{CASES}?status=in_progress"),
        "waiting": ("Waiting for the data subject 1", f"{CASES}?status=waiting"),
    }


def test_its_charts_carry_their_numbers_as_tables_in_english(dataset, zoe):
    _response, page = _dashboard(zoe, "en")
    assert list(page.tables) == ["on-time", "age", "handling-time", "received"]
    on_time = page.tables["on-time"]
    assert on_time[0] == ["Month", "Answered", "On time", "Late", "Share on time"]
    assert len(on_time) == 13
    assert on_time[1] == ["December 2025", "1", "1", "0", "100%"]
    assert on_time[2] == ["January 2026", "0", "0", "0", "–"]
    assert on_time[-2:] == [
        ["October 2026", "2", "1", "1", "50%"],
        ["November 2026", "4", "3", "1", "75%"],
    ]
    assert page.tables["handling-time"][-2:] == [
        ["October 2026", "2", "29", "31.4"],
        ["November 2026", "4", "31", "38.5"],
    ]
    assert page.tables["age"] == [
        ["Days since receipt", "Within the due date", "Overdue", "Total"],
        ["0–6", "1", "0", "1"],
        ["7–13", "1", "0", "1"],
        ["14–20", "0", "0", "0"],
        ["21–27", "1", "0", "1"],
        ["28–55", "1", "1", "2"],
        ["56+", "0", "1", "1"],
    ]
    received = page.tables["received"]
    assert received[0] == [
        "Month",
        "Access (Art 15)",
        "Rectification (Art 16)",
        "Erasure (Art 17)",
        "Restriction (Art 18)",
        "Portability (Art 20)",
        "Objection (Art 21)",
        "Total",
    ]
    assert received[-2:] == [
        ["October 2026", "4", "1", "2", "0", "0", "0", "7"],
        ["November 2026", "0", "0", "0", "1", "0", "2", "3"],
    ]


def test_it_shows_the_same_numbers_in_dutch(dataset, zoe):
    response, page = _dashboard(zoe, "nl")
    assert response.headers["Content-Language"] == "nl"
    assert page.tiles["overdue"]["label"] == "Termijn verstreken"
    assert page.tiles["overdue"]["number"] == "2"
    assert page.tiles["mine"]["label"] == "Mijn verzoeken"
    assert page.tiles["on-time"]["label"] == "Op tijd beantwoord, Sep–Nov 2026"
    assert page.tiles["on-time"]["help"] == "5 van 7 beantwoord, 2 te laat"
    assert page.tiles["on-time"]["trend"] == "▼ 29 procentpunten slechter dan Jun–Aug 2026 (100%)"
    assert page.status_links["identity_check"]["text"] == "Identiteitscontrole 1"
    assert page.tables["on-time"][0] == [
        "Maand",
        "Beantwoord",
        "Op tijd",
        "Te laat",
        "Aandeel op tijd",
    ]
    assert page.tables["on-time"][-1] == ["november 2026", "4", "3", "1", "75%"]
    assert page.tables["handling-time"][-2:] == [
        ["oktober 2026", "2", "29", "31,4"],
        ["november 2026", "4", "31", "38,5"],
    ]
    assert page.tables["received"][0][1] == "Inzage (art. 15)"
    html = response.content.decode()
    assert "Op tijd beantwoord per maand" in html
    assert "Openstaande verzoeken naar leeftijd" in html


@pytest.mark.parametrize("tile", ["overdue", "7days", "mine", "open"])
def test_each_number_opens_the_list_of_exactly_those_requests(dataset, zoe, tile):
    client = client_for(zoe, "en")
    page = read_dashboard(client.get(INDEX).content.decode())
    listed = client.get(page.tiles[tile]["url"])
    assert listed.status_code == 200
    assert str(listed.context["cl"].result_count) == page.tiles[tile]["number"]


@pytest.mark.parametrize("status", ["new", "identity_check", "in_progress", "waiting"])
def test_each_status_opens_the_list_of_its_requests(dataset, zoe, status):
    client = client_for(zoe, "en")
    link = read_dashboard(client.get(INDEX).content.decode()).status_links[status]
    listed = client.get(link["url"])
    assert link["text"].endswith(f" {listed.context['cl'].result_count}")


def test_it_links_the_register_only_for_those_allowed_to_see_it(dataset, zoe, dpo):
    register = reverse("admin:reports_registerentry_changelist")
    assert f'href="{register}"' not in client_for(zoe).get(INDEX).content.decode()
    html = client_for(dpo).get(INDEX).content.decode()
    assert f'<a href="{register}">Register of all requests' in html


def test_every_admin_page_links_to_the_dashboard(dataset, zoe, dpo):
    case_page = reverse("admin:cases_case_change", args=[dataset["A"].pk])
    html = client_for(zoe).get(case_page).content.decode()
    assert f'<a href="{INDEX}">Dashboard</a>' in html
    assert "Register of requests</a>" not in html
    html = client_for(dpo).get(CASES).content.decode()
    assert f'<a href="{INDEX}">Dashboard</a>' in html
    register = reverse("admin:reports_registerentry_changelist")
    assert f'<a href="{register}">Register of requests</a>' in html


def test_it_shows_an_empty_dashboard_without_errors(frozen_clock, zoe):
    _response, page = _dashboard(zoe, "en")
    assert {key: tile["number"] for key, tile in page.tiles.items()} == {
        "overdue": "0",
        "7days": "0",
        "mine": "0",
        "open": "0",
        "on-time": "–",
    }
    assert page.tiles["on-time"]["trend"] == "Nothing answered in Jun–Aug 2026 to compare with"
    assert page.tables["on-time"][-1] == ["November 2026", "0", "0", "0", "–"]


def test_the_monthly_figures_are_kept_a_few_minutes_and_the_open_work_never(dataset, zoe, settings):
    """DSAR_DASHBOARD_CACHE_SECONDS keeps the two costly monthly aggregates in the cache; the
    page says as of when. The tiles of open work are counted on every view."""
    settings.DSAR_DASHBOARD_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"dashboard-{uuid.uuid4().hex}",
        }
    }
    counted = _queries_of_dashboard(zoe)
    _response, page = _dashboard(zoe, "en")
    assert _queries_of_dashboard(zoe) == counted - 2  # received and answered per month
    assert page.tiles["on-time"]["help"] == "5 of 7 answered, 2 late"
    assert "Figures per month as of 12:00, counted again every 5 minutes." in _response.text

    actions.close(
        case_id=dataset["L"].pk,
        actor=Actor.staff(zoe),
        outcome=Outcome.REFUSED,
        reason="Bewaarplicht.",
    )
    with time_machine.travel(TODAY + datetime.timedelta(minutes=4), tick=False):
        _response, page = _dashboard(zoe, "en")
        assert page.tiles["open"]["number"] == "5"  # at once
        assert page.tiles["on-time"]["help"] == "5 of 7 answered, 2 late"  # not yet
    with time_machine.travel(TODAY + datetime.timedelta(minutes=6), tick=False):
        response, page = _dashboard(zoe, "nl")
        assert page.tiles["on-time"]["help"] == "6 van 8 beantwoord, 2 te laat"
        assert "Cijfers per maand van 12:06, elke 5 minuten opnieuw geteld." in response.text


def test_without_the_cache_the_dashboard_still_shows(dataset, zoe, settings, caplog):
    settings.DSAR_DASHBOARD_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0"}
    }  # fmt: skip
    _response, page = _dashboard(zoe, "en")
    assert page.tiles["on-time"]["help"] == "5 of 7 answered, 2 late"
    assert "Figures per month as of" not in _response.text
    assert "the cache is unavailable" in caplog.text


def _queries_of_dashboard(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX).status_code == 200
    return len(queries)


def test_the_benchmark_empties_the_cache_entry_the_dashboard_fills(dataset, zoe, settings):
    """``make bench`` times the dashboard uncached by deleting its monthly figures before each
    request (bench/pages.py); the key it deletes is the one the page stores."""
    from bench.pages import _forget_monthly_figures

    settings.DSAR_DASHBOARD_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"dashboard-{uuid.uuid4().hex}",
        }
    }
    counted = _queries_of_dashboard(zoe)
    assert _queries_of_dashboard(zoe) == counted - 2  # cached
    _forget_monthly_figures()
    assert _queries_of_dashboard(zoe) == counted
