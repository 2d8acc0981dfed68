"""The queue's "due" filters on a Saturday with cases due on Monday: "due within 7 days"
counts the weekend, and "soon" follows DSAR_DUE_SOON_WORKING_DAYS exactly as the orange badge
does."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from tests.factories import at, case

pytestmark = pytest.mark.django_db
URL = reverse("admin:cases_case_changelist")
SATURDAY = at(2026, 11, 28, 11)
MONDAY = datetime.date(2026, 11, 30)


@pytest.fixture
def due(frozen_saturday):
    """Cases due on Monday (three), Tuesday, Friday, and the Monday a week on. (No deadline
    ends on a weekend: it moves to the next working day, cases/deadlines.py.)"""

    def due_on(day: datetime.date, name: str):
        made = case(received_at=at(2026, 11, 2) + (day - MONDAY), subject_name=name)
        assert made.effective_due_date == day, (made.effective_due_date, day)
        return made.reference

    return {
        "monday": [due_on(MONDAY, f"Maandag {i}") for i in range(3)],
        "tuesday": due_on(MONDAY + datetime.timedelta(days=1), "Dinsdag"),
        "friday": due_on(MONDAY + datetime.timedelta(days=4), "Vrijdag"),
        "next_monday": due_on(MONDAY + datetime.timedelta(days=7), "Volgende maandag"),
    }


@pytest.fixture
def frozen_saturday():
    with time_machine.travel(SATURDAY, tick=False):
        assert datetime.date.today().weekday() == 5
        yield


def _listed(client, query, refs) -> set[str]:
    html = client.get(URL + query).content.decode()
    return {ref for ref in refs if ref in html}


def _all(due) -> list[str]:
    return [*due["monday"], due["tuesday"], due["friday"], due["next_monday"]]


def test_due_within_7_days_on_a_saturday_lists_mondays_cases(officer_client, due):
    listed = _listed(officer_client, "?due=7days", _all(due))
    # Saturday 28 November up to and including Saturday 5 December.
    assert listed == {*due["monday"], due["tuesday"], due["friday"]}
    html = officer_client.get(URL).content.decode()
    assert "Due within 7 days" in html
    assert "Due this week" not in html


def test_the_filter_is_labelled_binnen_7_dagen_in_dutch(officer_client, due):
    html = officer_client.get(URL, headers={"accept-language": "nl"}).content.decode()
    assert "Uiterste datum binnen 7 dagen" in html
    assert "deze week" not in html


@pytest.mark.parametrize(
    ("working_days", "expected"),
    [(0, ()), (1, ("monday",)), (2, ("monday", "tuesday"))],
)
def test_soon_follows_the_setting_like_the_badge(officer_client, due, working_days, expected):
    with override_settings(DSAR_DUE_SOON_WORKING_DAYS=working_days):
        refs = _all(due)
        listed = _listed(officer_client, "?due=soon", refs)
        wanted = set()
        for key in expected:
            wanted |= set(due[key]) if isinstance(due[key], list) else {due[key]}
        assert listed == wanted
        # The badge marks exactly the cases the filter lists.
        html = officer_client.get(URL + "?status=all").content.decode()
        assert html.count("dsar-badge-soon") == len(wanted)
        label = (
            "Due within 1 working day"
            if working_days == 1
            else (f"Due within {working_days} working days")
        )
        assert label in html
