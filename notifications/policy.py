"""The reminder policy as pure functions: dates in, dates and keys out; no ORM, no clock.

The sweep asks :func:`reminder_windows` which due dates call for which reminder today, then
queries only the open cases whose ``effective_due_date`` lies in those windows (an index
range scan on ``case_open_due_idx``). Each window is a range rather than one day, so that a
sweep that did not run on a day (beat down, say) catches up on the next; the deduplication
keys make sure each reminder is still planned once.

Default policy (docs/notifications.md): a reminder 7 days before the due date, 2 working days
before, on the due day, and on every working day while overdue; the DPO is told once when a
case becomes overdue.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from cases import deadlines

from .models import Kind

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """Open cases with ``first <= effective_due_date <= last`` get ``kind`` today
    (``first=None``: no lower bound)."""

    kind: str
    first: datetime.date | None
    last: datetime.date


def reminder_windows(
    today: datetime.date,
    *,
    days_before: int,
    working_days_before: int,
    extra_non_working_days: Iterable[datetime.date] | None = None,
) -> list[Window]:
    """The due-date windows of each reminder on ``today``; disjoint, latest first.

    - ``reminder_week``: due in at most ``days_before`` calendar days, but more than
      ``working_days_before`` working days away;
    - ``reminder_soon``: due in 1 to ``working_days_before`` working days;
    - ``reminder_due``: due today;
    - ``reminder_overdue``: due before today (the sweep plans the daily reminder on working
      days only, and the DPO's escalation once per due date).
    """
    soon_last = deadlines.add_working_days(today, working_days_before, extra_non_working_days)
    windows = []
    week_first, week_last = soon_last + _ONE_DAY, today + datetime.timedelta(days=days_before)
    if week_first <= week_last:
        windows.append(Window(Kind.REMINDER_WEEK, week_first, week_last))
    if today + _ONE_DAY <= soon_last:
        windows.append(Window(Kind.REMINDER_SOON, today + _ONE_DAY, soon_last))
    windows.append(Window(Kind.REMINDER_DUE, today, today))
    windows.append(Window(Kind.REMINDER_OVERDUE, None, today - _ONE_DAY))
    return windows


def reminder_key(kind: str, case_id: int, due: datetime.date, today: datetime.date) -> str:
    """One reminder per case, kind and due date; the overdue reminder once per day.

    The due date is part of the key so that an extension (a new due date) starts the
    reminders afresh for the new date.
    """
    if kind == Kind.REMINDER_OVERDUE:
        return f"{kind}:{case_id}:{due.isoformat()}:{today.isoformat()}"
    return f"{kind}:{case_id}:{due.isoformat()}"


def escalation_key(case_id: int, due: datetime.date) -> str:
    return f"{Kind.OVERDUE_ESCALATION}:{case_id}:{due.isoformat()}"


def digest_key(user_id: int, today: datetime.date) -> str:
    return f"{Kind.DAILY_DIGEST}:{user_id}:{today.isoformat()}"


def extension_untold_key(case_id: int, day: datetime.date) -> str:
    return f"{Kind.EXTENSION_UNTOLD}:{case_id}:{day.isoformat()}"


def retry_delay(attempts: int, *, base: float, maximum: float) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: base, 2×base, 4×base, …,
    never more than ``maximum`` (which stays far below the broker's visibility timeout)."""
    return min(base * 2 ** max(attempts - 1, 0), maximum)
