"""The county's calendar day, and moments as the field reports them.

The day: Contracts start and end, journal entries
happen and redistributions last on Romanian calendar days: at 00:30 in Cluj
UTC is still on the day before, and a contract starting today would look
not yet in force."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events.errors import InvalidCommand

LOCAL_TIME = ZoneInfo("Europe/Bucharest")
_MONTH = re.compile(r"\d{4}-\d{2}")


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()


def local_day(moment: datetime) -> date:
    """The county's calendar day of a moment: at 00:30 in Cluj on 1 January
    UTC still says 31 December."""
    return moment.astimezone(LOCAL_TIME).date()


def days_after(moment: datetime, days: int) -> datetime:
    """The same hour on the county's clock so many days on: a deadline in
    days (an incident's 14) falls at the hour it was set, also across a
    change to or from summer time, when such a day lasts 23 or 25 hours.
    (Python adds to an aware time on the wall clock of its zone.) Durations
    in hours are real hours instead: add them to the moment itself."""
    return moment.astimezone(LOCAL_TIME) + timedelta(days=days)


def parse_moment(value: str, field: str, error: type[InvalidCommand] = InvalidCommand) -> datetime:
    """An ISO date-time that says its time zone: a moment in the field is
    never ambiguous about which hour it was."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise error(f"{field} must be an ISO date-time, got {value!r}", field=field) from None
    if moment.tzinfo is None:
        raise error(f"{field} must carry its time zone (e.g. +02:00)", field=field)
    return moment


def parse_month(
    value: Any, field: str = "month", error: type[InvalidCommand] = InvalidCommand
) -> date:
    """``YYYY-MM`` -> the month's first day."""
    try:
        if not isinstance(value, str) or not _MONTH.fullmatch(value):
            raise ValueError(value)
        return date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        raise error(f"a month is YYYY-MM, not {value!r}", field=field) from None


def begun_month(
    value: Any, today: date, field: str = "month", error: type[InvalidCommand] = InvalidCommand
) -> date:
    """A month up to the current one: a month not begun has no figures."""
    first = parse_month(value, field, error)
    if first > today:
        raise error(f"month {value} has not begun; it has no figures yet", field=field)
    return first


def add_months(day: date, months: int) -> date:
    """The same day so many months on, or the month's last day when it is
    shorter (31 January + 1 month = 28 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
