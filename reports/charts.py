"""The dashboard's charts as plain data for one SVG template (templates/admin/reports/chart.html).

Server-side: no JavaScript, no CDN. This module only computes geometry and labels from figures
the selectors already aggregated (a dozen months, six age buckets); the template draws them.
Every chart carries its numbers as a table too, for screen readers and for anyone who wants
the exact figures. Labels are translated when a chart is built, so build it in the request's
language.

Colours are chosen to have at least 3:1 contrast against the white chart background
(WCAG 1.4.11) and to stay apart for colour-blind readers; no chart relies on colour alone
(totals and percentages are written on the bars, lines differ in dash as well as colour).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import deadlines
from cases.models import RequestType

from .selectors import AgeCount, MonthAnswers

BLUE = "#1f5fa8"
RED = "#b00020"
ORANGE = "#b35900"
GREY = "#5a5a5a"
TYPE_COLOURS = {
    RequestType.ACCESS: "#0072b2",
    RequestType.RECTIFICATION: "#d55e00",
    RequestType.ERASURE: "#009e73",
    RequestType.RESTRICTION: "#332288",
    RequestType.PORTABILITY: "#8a6d00",
    RequestType.OBJECTION: "#aa4499",
}

WIDTH = 640
HEIGHT = 270
LEFT = 52
RIGHT = 12
TOP = 26  # room for the values written above the bars
BOTTOM = 44  # two lines of month labels


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # shown as a tooltip


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = ""


@dataclass
class Gridline:
    y: float
    label: str


@dataclass
class Polyline:
    points: str
    colour: str
    dash: str = ""


@dataclass
class Marker:
    x: float
    y: float
    colour: str
    title: str


@dataclass
class ReferenceLine:
    y: float
    label: str


@dataclass
class LegendItem:
    label: str
    colour: str
    line: bool = False
    dash: str = ""


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    slug: str
    title: str
    summary: str  # one sentence: what the chart shows now, for the SVG's description
    table: Table
    width: int = WIDTH
    height: int = HEIGHT
    gridlines: list[Gridline] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    polylines: list[Polyline] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    reference_lines: list[ReferenceLine] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def plot_top(self) -> int:
        return TOP


# --- Layout helpers ------------------------------------------------------------------------


def nice_ticks(maximum: float, *, integers: bool = True, target: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``maximum``: steps of 1, 2 or 5 × 10^k."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, round(step))
    top = math.ceil(maximum / step) * step
    return [i * step for i in range(round(top / step) + 1)]


class _Frame:
    """Maps values to SVG coordinates for ``n`` bands along the x-axis."""

    def __init__(self, chart: Chart, n: int, top_value: float):
        self.chart = chart
        self.n = max(n, 1)
        self.top_value = top_value or 1
        self.band = (chart.plot_right - chart.plot_left) / self.n

    def y(self, value: float) -> float:
        height = self.chart.plot_bottom - self.chart.plot_top
        return round(self.chart.plot_bottom - height * value / self.top_value, 1)

    def centre(self, i: int) -> float:
        return round(self.chart.plot_left + self.band * (i + 0.5), 1)

    def bar(self, i: int) -> tuple[float, float]:
        width = round(self.band * 0.62, 1)
        return round(self.centre(i) - width / 2, 1), width


def _gridlines(chart: Chart, frame: _Frame, ticks: Sequence[float], fmt: Callable) -> None:
    chart.gridlines = [Gridline(frame.y(t), fmt(t)) for t in ticks]


def _month_labels(chart: Chart, frame: _Frame, months) -> None:
    for i, month in enumerate(months):
        chart.x_labels.append(Label(frame.centre(i), chart.plot_bottom + 16, _short_month(month)))
        if i == 0 or month.month == 1:
            chart.x_labels.append(
                Label(frame.centre(i), chart.plot_bottom + 31, str(month.year), css="year")
            )


def _short_month(month) -> str:
    return date_format(month, "M")


def _month_name(month) -> str:
    return date_format(month, "F Y")


def count_label(value: int) -> str:
    return number_format(value, force_grouping=True)


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    return number_format(round(value, 1), decimal_pos=0 if value == int(value) else 1)


def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{round(share * 100)}%"


def _stack(chart, frame, i, parts: list[tuple[int, str, str]]) -> None:
    """Stack (value, colour, tooltip) parts from the x-axis upwards in band ``i``."""
    x, width = frame.bar(i)
    base = 0
    for value, colour, title in parts:
        if value <= 0:
            continue
        top = frame.y(base + value)
        chart.rects.append(Rect(x, top, width, round(frame.y(base) - top, 1), colour, title))
        base += value


# --- The four charts -----------------------------------------------------------------------


def received_per_month(months, counts: dict) -> Chart:
    """Stacked bars: requests received per month, by type."""
    types = list(RequestType)
    totals = [sum(counts[m].values()) for m in months]
    chart = Chart(
        slug="received",
        title=_("Requests received per month, by type"),
        summary=_("%(month)s: %(count)s requests received.")
        % {"month": _month_name(months[-1]), "count": count_label(totals[-1])},
        table=Table(
            [_("Month"), *[str(t.label) for t in types], _("Total")],
            [
                [
                    _month_name(m),
                    *[count_label(counts[m].get(t.value, 0)) for t in types],
                    count_label(tot),
                ]
                for m, tot in zip(months, totals, strict=True)
            ],
        ),
        legend=[LegendItem(str(t.label), TYPE_COLOURS[t]) for t in types],
    )
    ticks = nice_ticks(max(totals, default=0))
    frame = _Frame(chart, len(months), ticks[-1])
    _gridlines(chart, frame, ticks, count_label)
    _month_labels(chart, frame, months)
    for i, month in enumerate(months):
        parts = [
            (
                counts[month].get(t.value, 0),
                TYPE_COLOURS[t],
                f"{_month_name(month)} · {t.label}: {count_label(counts[month].get(t.value, 0))}",
            )
            for t in types
        ]
        _stack(chart, frame, i, parts)
        if totals[i]:
            chart.labels.append(
                Label(frame.centre(i), frame.y(totals[i]) - 5, count_label(totals[i]))
            )
    return chart


def on_time_per_month(answers: list[MonthAnswers]) -> Chart:
    """100 % stacked bars: of the requests answered each month, the share on time (blue) and
    late (red), with the percentage on time written above each bar."""
    latest = answers[-1]
    chart = Chart(
        slug="on-time",
        title=_("Answered on time per month"),
        summary=_("%(month)s: %(share)s of %(answered)s answered requests on time, %(late)s late.")
        % {
            "month": _month_name(latest.month),
            "share": percent(latest.share_on_time),
            "answered": count_label(latest.answered),
            "late": count_label(latest.late),
        },
        table=Table(
            [_("Month"), _("Answered"), _("On time"), _("Late"), _("Share on time")],
            [
                [
                    _month_name(a.month),
                    count_label(a.answered),
                    count_label(a.on_time),
                    count_label(a.late),
                    percent(a.share_on_time),
                ]
                for a in answers
            ],
        ),
        legend=[LegendItem(_("On time"), BLUE), LegendItem(_("Late"), RED)],
    )
    frame = _Frame(chart, len(answers), 100)
    _gridlines(chart, frame, [0, 25, 50, 75, 100], lambda t: f"{t}%")
    _month_labels(chart, frame, [a.month for a in answers])
    for i, a in enumerate(answers):
        if not a.answered:
            chart.labels.append(Label(frame.centre(i), frame.y(0) - 5, "–", css="muted"))
            continue
        on_time = 100 * a.on_time / a.answered
        name = _month_name(a.month)
        _stack(
            chart,
            frame,
            i,
            [
                (on_time, BLUE, f"{name} · {_('On time')}: {count_label(a.on_time)}"),
                (100 - on_time, RED, f"{name} · {_('Late')}: {count_label(a.late)}"),
            ],
        )
        chart.labels.append(
            Label(frame.centre(i), frame.y(100) - 6, percent(a.share_on_time), css="strong")
        )
    return chart


def handling_time_per_month(answers: list[MonthAnswers]) -> Chart:
    """Two lines: the median and the 90th percentile of the days taken, per month of answering,
    against the deadline of the configured rule."""
    term, term_label = _term()
    latest = answers[-1]
    chart = Chart(
        slug="handling-time",
        title=_("Handling time per month (days from receipt to answer)"),
        summary=_(
            "%(month)s: half of the requests answered within %(median)s days, "
            "90%% within %(p90)s days."
        )
        % {
            "month": _month_name(latest.month),
            "median": _days(latest.median_days),
            "p90": _days(latest.p90_days),
        },
        table=Table(
            [_("Month"), _("Answered"), _("Median (days)"), _("90th percentile (days)")],
            [
                [
                    _month_name(a.month),
                    count_label(a.answered),
                    _days(a.median_days),
                    _days(a.p90_days),
                ]
                for a in answers
            ],
        ),
        legend=[
            LegendItem(_("Median"), BLUE, line=True),
            LegendItem(_("90th percentile"), ORANGE, line=True, dash="6 4"),
            LegendItem(term_label, GREY, line=True, dash="2 3"),
        ],
    )
    highest = max([a.p90_days or 0 for a in answers] + [term])
    ticks = nice_ticks(highest)
    frame = _Frame(chart, len(answers), ticks[-1])
    _gridlines(chart, frame, ticks, count_label)
    _month_labels(chart, frame, [a.month for a in answers])
    chart.reference_lines.append(ReferenceLine(frame.y(term), term_label))
    for attr, colour, dash, label in (
        ("median_days", BLUE, "", _("Median")),
        ("p90_days", ORANGE, "6 4", _("90th percentile")),
    ):
        segment: list[str] = []
        for i, a in enumerate(answers):
            value = getattr(a, attr)
            if value is None:  # no answers that month: break the line
                if len(segment) > 1:
                    chart.polylines.append(Polyline(" ".join(segment), colour, dash))
                segment = []
                continue
            x, y = frame.centre(i), frame.y(value)
            segment.append(f"{x},{y}")
            chart.markers.append(
                Marker(x, y, colour, f"{_month_name(a.month)} · {label}: {_days(value)}")
            )
        if len(segment) > 1:
            chart.polylines.append(Polyline(" ".join(segment), colour, dash))
    return chart


def open_by_age(by_age: list[AgeCount]) -> Chart:
    """Stacked bars: open requests by days since receipt, overdue ones in red on top."""
    overdue = sum(a.overdue for a in by_age)
    total = sum(a.total for a in by_age)
    chart = Chart(
        slug="age",
        title=_("Open requests by age"),
        summary=ngettext(
            "%(total)s open request, of which %(overdue)s overdue.",
            "%(total)s open requests, of which %(overdue)s overdue.",
            total,
        )
        % {"total": count_label(total), "overdue": count_label(overdue)},
        table=Table(
            [_("Days since receipt"), _("Within the due date"), _("Overdue"), _("Total")],
            [
                [
                    age_label(a),
                    count_label(a.not_overdue),
                    count_label(a.overdue),
                    count_label(a.total),
                ]
                for a in by_age
            ],
        ),
        legend=[LegendItem(_("Within the due date"), BLUE), LegendItem(_("Overdue"), RED)],
    )
    ticks = nice_ticks(max((a.total for a in by_age), default=0))
    frame = _Frame(chart, len(by_age), ticks[-1])
    _gridlines(chart, frame, ticks, count_label)
    for i, a in enumerate(by_age):
        label = age_label(a)
        chart.x_labels.append(Label(frame.centre(i), chart.plot_bottom + 16, label))
        _stack(
            chart,
            frame,
            i,
            [
                (a.not_overdue, BLUE, f"{label} · {_('Within the due date')}: {a.not_overdue}"),
                (a.overdue, RED, f"{label} · {_('Overdue')}: {a.overdue}"),
            ],
        )
        if a.total:
            chart.labels.append(Label(frame.centre(i), frame.y(a.total) - 5, count_label(a.total)))
    chart.x_labels.append(
        Label(
            (chart.plot_left + chart.plot_right) / 2,
            chart.plot_bottom + 34,
            _("days since receipt"),
            css="muted",
        )
    )
    return chart


def age_label(age: AgeCount) -> str:
    bucket = age.bucket
    if bucket.last_day is None:
        return f"{bucket.first_day}+"
    return f"{bucket.first_day}–{bucket.last_day}"


def _term() -> tuple[int, str]:
    """The standard term of the configured deadline rule, in days, for the reference line."""
    if settings.DSAR_DEADLINE_RULE == deadlines.FOUR_WEEKS:
        return 28, _("four weeks")
    return 30, _("about one month")
