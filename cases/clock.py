""" "Today" and other moments in the organisation's time zone (``TIME_ZONE``, Europe/Amsterdam).

The law counts in the calendar dates of the place where the request arrived (EDPB Guidelines
01/2022 §159): a request received at 23:30 on 31 December Amsterdam time is received on
31 December. Every caller that needs today's date asks here; the deadline engine
(``cases.deadlines``) itself never reads the clock.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar date of ``moment`` in the organisation's time zone."""
    return timezone.localtime(moment, tz()).date()


def today() -> datetime.date:
    return local_date(timezone.now())


def local_moment(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """``day`` at the local time ``at``, as an aware datetime."""
    return datetime.datetime.combine(day, at, tzinfo=tz())
