"""Figures for the DPO's dashboard and the register, computed by the database.

Every count, share and percentile here comes from one aggregate query (``annotate`` /
``aggregate`` with conditional counts); nothing loops over cases in Python. Months are calendar
months in ``settings.TIME_ZONE`` (Europe/Amsterdam), like every date of a case
(docs/architecture.md, "Time"). "Today" is passed in, as in ``cases.deadlines``.

Definitions (docs/reports.md):

- a *request* is every case except web requests whose e-mail address was never confirmed;
- *answered* means closed with an outcome; a withdrawn request is not answered and does not
  count for timeliness or handling time;
- *on time*: answered on or before the due date in force (the extended date after an extension);
- *days taken*: calendar days from the date of receipt to the date of closing;
- *handling time* percentiles are ``percentile_cont`` (linear interpolation), per month of
  answering.
"""

import datetime
from dataclasses import dataclass

from django.db import NotSupportedError, connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import TruncMonth

from cases import clock, deadlines
from cases.models import ANSWERED_ON_TIME, OPEN_STATUSES, Case, Status, closed_on

MONTHS_SHOWN = 12
# Percentiles of the handling time shown per month.
MEDIAN = 0.5
P90 = 0.9


# --- SQL building blocks -------------------------------------------------------------------


class DaysBetween(Func):
    """Whole calendar days from the date ``start`` to the date ``end`` (``end - start``)."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, start, end, **extra):
        super().__init__(start, end, **extra)

    def _compile_args(self, compiler):
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        return start_sql, end_sql, (*end_params, *start_params)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"DaysBetween is not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        start, end, params = self._compile_args(compiler)
        return f"({end} - {start})", params  # date - date is an integer in PostgreSQL

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end, params = self._compile_args(compiler)
        return f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)", params


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY expression)``: the
    ``p``-quantile, interpolated linearly between the two nearest values."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, percentile: float, **extra):
        percentile = float(percentile)  # rendered into the SQL: only ever a float literal
        if not 0 <= percentile <= 1:
            raise ValueError("percentile must be between 0 and 1")
        super().__init__(expression, percentile=repr(percentile), **extra)


def requests() -> QuerySet:
    """Every request ever received: web requests count once the address is confirmed."""
    return Case.objects.requests()


# --- Months --------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_months(today: datetime.date, count: int = MONTHS_SHOWN) -> list[datetime.date]:
    """The first days of the ``count`` calendar months up to and including today's, oldest
    first."""
    index = today.year * 12 + today.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def _as_date(value) -> datetime.date:
    """A month key from the database as a date ('2026-11-01', a date or a datetime)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


# --- The officers' workload: open requests -------------------------------------------------


@dataclass(frozen=True)
class AgeBucket:
    """Open requests received between ``first_day`` and ``last_day`` days ago (inclusive);
    ``last_day=None``: or longer ago."""

    first_day: int
    last_day: int | None


# Weeks up to the four-week term, then up to the extended term and beyond.
AGE_BUCKETS = (
    AgeBucket(0, 6),
    AgeBucket(7, 13),
    AgeBucket(14, 20),
    AgeBucket(21, 27),
    AgeBucket(28, 55),
    AgeBucket(56, None),
)


@dataclass(frozen=True)
class AgeCount:
    bucket: AgeBucket
    not_overdue: int
    overdue: int

    @property
    def total(self) -> int:
        return self.not_overdue + self.overdue


@dataclass(frozen=True)
class Workload:
    open_by_status: dict[str, int]  # in the order of OPEN_STATUSES
    overdue: int
    due_next_days: int  # due within deadlines.NEXT_DAYS days
    mine: int
    by_age: list[AgeCount]

    @property
    def open_total(self) -> int:
        return sum(self.open_by_status.values())


def workload(*, today: datetime.date, user) -> Workload:
    """Open requests by status, overdue, due within 7 days, assigned to ``user``, and by age:
    one aggregate query over the open cases."""
    overdue = Q(effective_due_date__lt=today)
    counts = {f"status_{s.value}": Count("id", filter=Q(status=s)) for s in OPEN_STATUSES}
    counts["overdue"] = Count("id", filter=overdue)
    # As the case list's ``?due=7days`` filter, which the tile links to.
    last = deadlines.last_of_next_days(today)
    counts["due_next_days"] = Count(
        "id", filter=Q(effective_due_date__gte=today, effective_due_date__lte=last)
    )
    counts["mine"] = Count("id", filter=Q(assignee_id=user.pk))
    for i, bucket in enumerate(AGE_BUCKETS):
        received = Q(received_on__lte=today - datetime.timedelta(days=bucket.first_day))
        if bucket.last_day is not None:
            received &= Q(received_on__gte=today - datetime.timedelta(days=bucket.last_day))
        counts[f"age_{i}_ok"] = Count("id", filter=received & ~overdue)
        counts[f"age_{i}_overdue"] = Count("id", filter=received & overdue)
    row = Case.objects.open().aggregate(**counts)
    return Workload(
        open_by_status={s.value: row[f"status_{s.value}"] for s in OPEN_STATUSES},
        overdue=row["overdue"],
        due_next_days=row["due_next_days"],
        mine=row["mine"],
        by_age=[
            AgeCount(bucket, row[f"age_{i}_ok"], row[f"age_{i}_overdue"])
            for i, bucket in enumerate(AGE_BUCKETS)
        ],
    )


# --- Requests received per month -----------------------------------------------------------


def received_by_month(*, months: list[datetime.date]) -> dict[datetime.date, dict[str, int]]:
    """``{month: {request_type: count}}`` for the given months (zeros left out)."""
    last = months[-1]
    after_last = datetime.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    rows = (
        requests()
        .filter(received_on__gte=months[0], received_on__lt=after_last)
        .annotate(month=TruncMonth("received_on"))
        .values("month", "request_type")
        .annotate(count=Count("id"))
        .order_by()
    )
    result: dict[datetime.date, dict[str, int]] = {month: {} for month in months}
    for row in rows:  # at most months × types rows, already counted by the database
        result[_as_date(row["month"])][row["request_type"]] = row["count"]
    return result


# --- Requests answered per month: on time, handling time -----------------------------------


@dataclass(frozen=True)
class MonthAnswers:
    month: datetime.date
    answered: int = 0
    on_time: int = 0
    median_days: float | None = None
    p90_days: float | None = None

    @property
    def late(self) -> int:
        return self.answered - self.on_time

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


def _answered_since(months: list[datetime.date]) -> QuerySet:
    start = datetime.datetime.combine(months[0], datetime.time(0), tzinfo=clock.tz())
    return (
        Case.objects.filter(status=Status.CLOSED, closed_at__gte=start)
        .annotate(
            month=TruncMonth("closed_at", tzinfo=clock.tz(), output_field=DateField()),
            closed_on=closed_on(),
            days=DaysBetween("received_on", "closed_on"),
        )
        .order_by()
    )


def answered_by_month(*, months: list[datetime.date]) -> list[MonthAnswers]:
    """Per month of answering: how many requests were answered, how many on time, and the
    median and 90th percentile of the days taken. One query; the percentiles are computed by
    the database on both PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        rows = _answered_postgresql(months)
    else:
        rows = _answered_window_functions(months)
    by_month = {_as_date(row[0]): row for row in rows}
    result = []
    for month in months:
        row = by_month.get(month)
        if row is None:
            result.append(MonthAnswers(month))
        else:
            _m, answered, on_time, median, p90 = row
            result.append(MonthAnswers(month, answered, on_time or 0, median, p90))
    return result


def _answered_postgresql(months):
    return (
        _answered_since(months)
        .values("month")
        .annotate(
            answered=Count("id"),
            on_time=Count("id", filter=ANSWERED_ON_TIME),
            median=PercentileCont("days", MEDIAN),
            p90=PercentileCont("days", P90),
        )
        .values_list("month", "answered", "on_time", "median", "p90")
    )


def _percentile_sql(p: float) -> str:
    """percentile_cont(p) over a partition, from the row number ``rn`` (1-based, ordered by
    ``days``) and the partition size ``n``: the value at position p·(n-1), interpolated
    between its two neighbours. Summed over the partition, only those two rows contribute."""
    p = float(p)  # a float literal in the SQL, never user input
    position = f"({p!r} * (n - 1))"
    lower = f"CAST({position} AS INTEGER)"  # floor: the position is never negative
    fraction = f"({position} - {lower})"
    return (
        f"SUM(CASE WHEN rn = {lower} + 1 THEN days * (1 - {fraction}) "
        f"WHEN rn = {lower} + 2 THEN days * {fraction} ELSE 0 END)"
    )


def _answered_window_functions(months):
    """The same figures for databases without ``percentile_cont`` (SQLite), in SQL: the
    ORM's query of the answered requests, ranked per month with window functions."""
    base = _answered_since(months).annotate(
        on_time=SqlCase(
            When(ANSWERED_ON_TIME, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )
    inner_sql, params = base.values_list("month", "days", "on_time").query.sql_with_params()
    sql = f"""
        WITH base (month, days, on_time) AS ({inner_sql}),
        ranked AS (
            SELECT month, days, on_time,
                   ROW_NUMBER() OVER (PARTITION BY month ORDER BY days) AS rn,
                   COUNT(*) OVER (PARTITION BY month) AS n
            FROM base
        )
        SELECT month, COUNT(*), SUM(on_time), {_percentile_sql(MEDIAN)}, {_percentile_sql(P90)}
        FROM ranked
        GROUP BY month
        ORDER BY month
    """  # noqa: S608  (only the ORM's own SQL and float literals are interpolated)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class PeriodComparison:
    """Answered on time in the latest months against the same number of months before."""

    recent: list[MonthAnswers]
    before: list[MonthAnswers]

    @staticmethod
    def _share(months) -> tuple[int, int, float | None]:
        answered = sum(m.answered for m in months)
        on_time = sum(m.on_time for m in months)
        return answered, on_time, (on_time / answered if answered else None)

    @property
    def recent_figures(self):
        return self._share(self.recent)

    @property
    def before_figures(self):
        return self._share(self.before)

    @property
    def change(self) -> float | None:
        """Percentage points gained (positive) or lost since the months before."""
        recent, before = self.recent_figures[2], self.before_figures[2]
        if recent is None or before is None:
            return None
        return (recent - before) * 100


def compare_periods(answers: list[MonthAnswers], months: int = 3) -> PeriodComparison:
    """The last ``months`` months (including the current one) against the ``months`` before."""
    return PeriodComparison(recent=answers[-months:], before=answers[-2 * months : -months])


# --- The register --------------------------------------------------------------------------

REGISTER_FIELDS = (
    "reference",
    "reference_year",
    "reference_number",
    "request_type",
    "channel",
    "status",
    "received_on",
    "due_date",
    "extended_due_date",
    "effective_due_date",
    "closed_at",
    "outcome",
    "assignee",
)


def register(*, today: datetime.date, model=Case) -> QuerySet:
    """Every request ever received, anonymised ones included, with the date of closing, the
    days taken and whether it was (or can still be) answered on time.

    ``on_time`` is True or False for answered requests, False for open requests already past
    their due date, and None for open requests still within it and for withdrawn requests.
    Only the register's columns are loaded: no name, address or request text.
    """
    return (
        model.objects.requests()
        .select_related("assignee")
        .only(
            *REGISTER_FIELDS,
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
        .with_on_time(today)
        .annotate(days_taken=DaysBetween("received_on", "closed_on"))
    )
