"""The server-side SVG charts: geometry from aggregated figures, no JavaScript, no CDN, and
coordinates that stay machine-readable in Dutch."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from reports import charts, selectors
from reports.selectors import AgeCount, MonthAnswers

from .conftest import client_for

MONTHS = selectors.last_months(datetime.date(2026, 11, 18), 3)


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (95, [0, 50, 100]),
        (316, [0, 100, 200, 300, 400]),
        (3835, [0, 1000, 2000, 3000, 4000]),
    ],
)
def test_ticks_are_round_numbers_up_to_the_highest_value(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_bars_are_as_tall_as_their_values():
    counts = {
        MONTHS[0]: {"access": 2},
        MONTHS[1]: {"access": 3, "erasure": 1},
        MONTHS[2]: {},
    }
    with translation.override("en"):
        chart = charts.received_per_month(MONTHS, counts)
    height = chart.plot_bottom - chart.plot_top
    # Ticks 0..4: one request is a quarter of the plot's height.
    assert [(r.height, r.colour) for r in chart.rects] == [
        (height / 2, charts.TYPE_COLOURS["access"]),
        (height * 3 / 4, charts.TYPE_COLOURS["access"]),
        (height / 4, charts.TYPE_COLOURS["erasure"]),
    ]
    assert [label.text for label in chart.labels] == ["2", "4"]  # totals above the bars
    assert chart.rects[2].y + chart.rects[2].height == chart.rects[1].y  # stacked


def test_the_on_time_bars_split_each_month_into_on_time_and_late():
    answers = [
        MonthAnswers(MONTHS[0]),
        MonthAnswers(MONTHS[1], answered=4, on_time=3, median_days=10, p90_days=20),
        MonthAnswers(MONTHS[2], answered=2, on_time=2, median_days=5, p90_days=6),
    ]
    with translation.override("en"):
        chart = charts.on_time_per_month(answers)
    height = chart.plot_bottom - chart.plot_top
    assert [(round(r.height, 1), r.colour) for r in chart.rects] == [
        (round(height * 0.75, 1), charts.BLUE),
        (round(height * 0.25, 1), charts.RED),
        (height, charts.BLUE),
    ]
    assert [label.text for label in chart.labels] == ["–", "75%", "100%"]
    assert chart.summary == "November 2026: 100% of 2 answered requests on time, 0 late."


def test_the_handling_time_lines_break_where_a_month_had_no_answers():
    answers = [
        MonthAnswers(MONTHS[0], answered=1, on_time=1, median_days=10, p90_days=12),
        MonthAnswers(MONTHS[1]),
        MonthAnswers(MONTHS[2], answered=1, on_time=1, median_days=14, p90_days=30),
    ]
    with translation.override("en"):
        chart = charts.handling_time_per_month(answers)
    assert chart.polylines == []  # no two neighbouring months to join
    assert len(chart.markers) == 4
    assert chart.reference_lines[0].label == "four weeks"


def test_the_age_chart_puts_overdue_requests_in_red_on_top():
    by_age = [
        AgeCount(bucket, 2, 1 if i == 4 else 0) for i, bucket in enumerate(selectors.AGE_BUCKETS)
    ]
    with translation.override("en"):
        chart = charts.open_by_age(by_age)
    assert [r.colour for r in chart.rects].count(charts.RED) == 1
    assert chart.summary == "13 open requests, of which 1 overdue."
    assert [row[0] for row in chart.table.rows] == ["0–6", "7–13", "14–20", "21–27", "28–55", "56+"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_page_draws_accessible_svg_without_scripts_or_outside_resources(dataset, zoe, language):
    html = client_for(zoe, language).get(reverse("admin:index")).content.decode()
    dashboard = html[html.index('class="dsar-dashboard"') : html.index("</section>")]
    assert dashboard.count('role="img"') == 4
    assert dashboard.count("<title id=") == 4 and dashboard.count("<desc id=") == 4
    assert dashboard.count("<details") == 4 and dashboard.count("<table>") == 4
    assert "<script" not in dashboard
    assert not re.search(r"(src|href)=\"https?://", dashboard)
    # SVG numbers use a decimal point in every language (the Dutch "12,5" would break them).
    for attribute in re.findall(r' (?:x|y|width|height|cx|cy|x1|x2|y1|y2)="([^"]*)"', dashboard):
        assert re.fullmatch(r"-?\d+(\.\d+)?", attribute), attribute
    for points in re.findall(r'points="([^"]*)"', dashboard):
        assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", points), points
