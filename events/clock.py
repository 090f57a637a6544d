"""The county's calendar day, and moments as the field reports them.

The day: Contracts start and end, journal entries
happen and redistributions last on Romanian calendar days: at 00:30 in Cluj
UTC is still on the day before, and a contract starting today would look
not yet in force."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime
from zoneinfo import ZoneInfo

from events.errors import InvalidCommand

LOCAL_TIME = ZoneInfo("Europe/Bucharest")


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()


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


def add_months(day: date, months: int) -> date:
    """The same day so many months on, or the month's last day when it is
    shorter (31 January + 1 month = 28 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
