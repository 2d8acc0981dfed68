"""The deadline engine: pure functions, dates in, dates out.

The law is written down in docs/legal.md ("Time limits", "Dutch non-working days"
and "The project's deadline rules"), summarised in docs/deadlines.md. In short:

- A period in months ends on the same date in the later month, or on that month's last day when
  the date does not exist there (Regulation 1182/71, Art 3; EDPB Guidelines 01/2022 §159-161).
- A period ending on a Saturday, Sunday or public holiday ends on the next working day
  (Reg. 1182/71 Art 3(4); Algemene termijnenwet Art 1 and 3 for the Dutch list of holidays).

Nothing here touches the database or reads the clock: callers pass "today" in, so that the same
inputs always give the same answer and tests need no frozen time. The only outside input is two
settings, read when the caller passes ``None``: ``DSAR_DEADLINE_RULE`` and
``DSAR_EXTRA_NON_WORKING_DAYS``.
"""

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext, ngettext

FOUR_WEEKS = "four_weeks"
GDPR_MONTH = "gdpr_month"
RULES = (FOUR_WEEKS, GDPR_MONTH)

OVERDUE = "overdue"
SOON = "soon"
OK = "ok"

_ONE_DAY = timedelta(days=1)
# Only the plain calendar form: date.fromisoformat() would also take "20270506" or week dates,
# which nobody means in a list of holidays and which make typos harder to spot.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_months(d: date, months: int) -> date:
    """The same day of the month ``months`` later, or the last day of that month when the day
    does not exist there (Reg. 1182/71 Art 3(2)(c): 31 January + 1 month = 28/29 February).

    Never ``timedelta(days=30)``: months differ in length and the law counts calendar months.
    """
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the "anonymous" Meeus/Jones/Butcher algorithm).

    Good Friday, Easter Monday, Ascension Day and Whit Monday all hang off this date.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def dutch_non_working_days(year: int) -> frozenset[date]:
    """The "algemeen erkende feestdagen" of Algemene termijnenwet Art 3 in ``year``.

    This is the Atw list from docs/legal.md, not a general holiday calendar: Good Friday is on
    it, and Liberation Day (5 May) counts every year, not only every fifth. Saturdays and
    Sundays are non-working days anyway and are not listed. Days added by decree come from the
    ``DSAR_EXTRA_NON_WORKING_DAYS`` setting, not from here.

    The list applies as it reads today to every year: King's Day on 27 April dates from 2014
    (before that Queen's Day was 30 April), which matters to no case this product will see.
    """
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == calendar.SUNDAY:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),  # Nieuwjaarsdag
            easter - timedelta(days=2),  # Goede Vrijdag
            easter + timedelta(days=1),  # Tweede Paasdag
            kings_day,  # Koningsdag
            date(year, 5, 5),  # Bevrijdingsdag
            easter + timedelta(days=39),  # Hemelvaartsdag
            easter + timedelta(days=50),  # Tweede Pinksterdag
            date(year, 12, 25),  # Eerste Kerstdag
            date(year, 12, 26),  # Tweede Kerstdag
        }
    )


def parse_extra_non_working_days(values: Iterable[str]) -> frozenset[date]:
    """Parse a list of ISO dates (``YYYY-MM-DD``), e.g. the ``DSAR_EXTRA_NON_WORKING_DAYS``
    setting: days the government adds to the Atw list by decree.

    ``date`` objects are taken as they are. Raises ``ValueError`` naming the first bad value.
    """
    if isinstance(values, str | bytes):
        # A lone string would otherwise be split into characters, each a confusing error.
        raise ValueError(
            f"Expected a list of ISO dates (YYYY-MM-DD), got the single string {values!r}"
        )
    try:
        return _parse_extra_non_working_days(tuple(values))
    except TypeError as exc:  # not iterable, or an unhashable item (a nested list) as cache key
        raise ValueError(
            f"Expected a list of ISO dates (YYYY-MM-DD), got {values!r}: {exc}"
        ) from None


@lru_cache(maxsize=32)
def _parse_extra_non_working_days(values: tuple) -> frozenset[date]:
    # Cached by the tuple of values: the setting is read on every due-date calculation and
    # hardly ever changes, so parsing it each time would be wasted work.
    return frozenset(_parse_one_extra_day(value) for value in values)


def _parse_one_extra_day(value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()  # env lists are split on commas, so "a, b" leaves spaces
        if _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
    raise ValueError(f"Extra non-working day {value!r} is not an ISO date (YYYY-MM-DD)")


def validate_rule(rule: str) -> str:
    """Return ``rule`` if it is one of ``RULES``, else raise ``ValueError``."""
    if rule not in RULES:
        raise ValueError(f"Unknown deadline rule {rule!r}: use {FOUR_WEEKS!r} or {GDPR_MONTH!r}")
    return rule


def _resolve_rule(rule: str | None) -> str:
    if rule is None:
        rule = settings.DSAR_DEADLINE_RULE
    return validate_rule(rule)


def _resolve_extra_days(extra_non_working_days: Iterable[date] | None) -> frozenset[date]:
    if extra_non_working_days is None:
        return parse_extra_non_working_days(settings.DSAR_EXTRA_NON_WORKING_DAYS)
    return frozenset(extra_non_working_days)


def _is_working_day(d: date, extra: frozenset[date]) -> bool:
    return (
        d.weekday() < calendar.SATURDAY
        and d not in dutch_non_working_days(d.year)
        and d not in extra
    )


def is_working_day(d: date, extra_non_working_days: Iterable[date] | None = None) -> bool:
    """False on Saturdays, Sundays, the Atw holidays and the extra non-working days.

    ``extra_non_working_days=None`` reads them from ``settings.DSAR_EXTRA_NON_WORKING_DAYS``;
    pass an empty list to ignore the setting.
    """
    return _is_working_day(d, _resolve_extra_days(extra_non_working_days))


def _next_working_day(d: date, extra: frozenset[date]) -> date:
    while not _is_working_day(d, extra):
        d += _ONE_DAY
    return d


def next_working_day(d: date, extra_non_working_days: Iterable[date] | None = None) -> date:
    """``d`` itself if it is a working day, else the first working day after it
    (Reg. 1182/71 Art 3(4); Atw Art 1)."""
    return _next_working_day(d, _resolve_extra_days(extra_non_working_days))


def unmoved_due_date(received_on: date, rule: str | None = None) -> date:
    """The end of the period before it is moved off a non-working day.

    The day of receipt is not counted (Reg. 1182/71 Art 3(1)), which is why ``four_weeks`` is
    received + 28 and ``gdpr_month`` lands on the same date a month later (EDPB Guidelines
    01/2022 §159-161: received 5 March, due 5 April). ``rule=None`` uses the configured rule.
    """
    rule = _resolve_rule(rule)
    if rule == FOUR_WEEKS:
        return received_on + timedelta(weeks=4)
    return add_months(received_on, 1)


def due_date(received_on: date, rule: str | None = None) -> date:
    """The date by which the controller must reply: the unmoved due date, moved forward to a
    working day (docs/legal.md, "The project's deadline rules")."""
    return next_working_day(unmoved_due_date(received_on, rule))


def extended_due_date(received_on: date, rule: str | None = None) -> date:
    """The due date after an Art 12(3) extension by two further months.

    Counted from the *unmoved* due date, so that moving the first date off a holiday does not
    push the second one later (project rule in docs/legal.md); never later than three months
    after receipt, so it always meets Art 12(3).
    """
    return next_working_day(add_months(unmoved_due_date(received_on, rule), 2))


def days_left(due: date, today: date) -> int:
    """Calendar days from ``today`` to ``due``: 0 on the due date, negative when overdue.

    Calendar days because that is what the law counts (Reg. 1182/71 Art 3(3)).
    """
    return (due - today).days


def working_days_left(
    due: date, today: date, extra_non_working_days: Iterable[date] | None = None
) -> int:
    """Working days after ``today`` up to and including ``due``; for planning, not the law.

    0 when due today. When overdue, minus the working days after ``due`` up to and including
    ``today``. The result is never 0 on any other day, even when only weekend days lie in
    between (a Friday deadline seen on Saturday is -1, not 0), so its sign always agrees with
    ``days_left`` and a passed deadline never reads as "due today".
    """
    if due == today:
        return 0
    extra = _resolve_extra_days(extra_non_working_days)
    start, end = sorted((today, due))
    count = 0
    d = start + _ONE_DAY
    while d <= end:  # O(days): fine for display, and clearer than week arithmetic
        if _is_working_day(d, extra):
            count += 1
        d += _ONE_DAY
    count = max(count, 1)
    return count if due > today else -count


def describe_days_left(due: date, today: date) -> str:
    """A label such as "due today", "3 days left" or "2 days overdue".

    In calendar days, the count the law uses; the msgids are English, translated via gettext.
    """
    days = days_left(due, today)
    if days == 0:
        return gettext("due today")
    if days > 0:
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    overdue = -days
    return ngettext("%(days)d day overdue", "%(days)d days overdue", overdue) % {"days": overdue}


def urgency(due: date, today: date, soon_working_days: int) -> str:
    """``"overdue"`` once ``today`` is past ``due``; ``"soon"`` when at most
    ``soon_working_days`` working days are left; ``"ok"`` otherwise."""
    if today > due:
        return OVERDUE
    if working_days_left(due, today) <= soon_working_days:
        return SOON
    return OK


def add_working_days(d: date, n: int, extra_non_working_days: Iterable[date] | None = None) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself for ``n=0``)."""
    extra = _resolve_extra_days(extra_non_working_days)
    for _i in range(n):
        d = _next_working_day(d + _ONE_DAY, extra)
    return d


# "Due within 7 days", the queue's filter and the dashboard's tile: today and the seven calendar
# days after it. Weekends included, so that on a Saturday the cases due on Monday are in it (a
# "this week" that ended on Sunday showed none of them then).
NEXT_DAYS = 7


def last_of_next_days(today: date, days: int = NEXT_DAYS) -> date:
    """The last date "due within ``days`` days" of ``today`` includes."""
    return today + timedelta(days=days)


def last_day_within(
    today: date, working_days: int, extra_non_working_days: Iterable[date] | None = None
) -> date:
    """The last date that is at most ``working_days`` working days after ``today``, as
    ``working_days_left`` counts them: the day before the next working day after that many.

    A case due on or before it is "due soon" (:func:`urgency`); the weekend after the last of
    those working days still counts, as nothing can be done on it.
    """
    following = add_working_days(today, working_days + 1, extra_non_working_days)
    return following - _ONE_DAY
