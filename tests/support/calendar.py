"""The moments a story may run at: the calendar is the test's, never the
day CI happens to run (issue 13).

``QUIET`` is where every in-process story runs unless it asks for another:
a weekday morning in the middle of a month, far from a month end, a year
end or a clock change, so a story that moves time forward by a day does
not meet a month-end reminder it is not about.

``MOMENTS`` are where such code breaks: the last day of a month late in
the evening (still the month in Bucharest, a day from the next), New
Year's Eve before and after midnight in Bucharest while UTC is still on
31 December, 29 February, and both clock changes of Europe/Bucharest (the
spring one skips 03:00–04:00, the autumn one repeats 03:00–04:00). The
calendar sweep (``tests/integration/test_calendar.py``) runs the
date-sensitive stories at each, one test parameter a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from events.clock import LOCAL_TIME, add_months

QUIET = datetime(2026, 11, 16, 10, 0, tzinfo=LOCAL_TIME)

MOMENTS: dict[str, datetime] = {
    # 23:30 in Cluj on 30 November (21:30 UTC): half an hour of the month left
    "month-end-23:30": datetime(2026, 11, 30, 23, 30, tzinfo=LOCAL_TIME),
    # 23:30 in Cluj on New Year's Eve (21:30 UTC)
    "new-years-eve-23:30": datetime(2026, 12, 31, 23, 30, tzinfo=LOCAL_TIME),
    # 22:30 UTC on 31 December: already 00:30 on 1 January in Cluj
    "new-year-in-cluj-utc-22:30": datetime(2026, 12, 31, 22, 30, tzinfo=UTC),
    # the leap day, late in the evening
    "leap-day-2028-23:30": datetime(2028, 2, 29, 23, 30, tzinfo=LOCAL_TIME),
    # 02:30 EET on 28 March 2027 (00:30 UTC): at 03:00 the clock jumps to 04:00
    "spring-forward-02:30": datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
    # 03:30 EEST on 31 October 2027 (00:30 UTC): at 04:00 the clock goes back to 03:00
    "fall-back-03:30": datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
}


def local_day(moment: datetime | None = None) -> date:
    """The county's calendar day of a moment (now, by default)."""
    return (moment or datetime.now(UTC)).astimezone(LOCAL_TIME).date()


def local_month(moment: datetime | None = None) -> str:
    day = local_day(moment)
    return f"{day.year:04d}-{day.month:02d}"


def contract_period(moment: datetime | None = None) -> tuple[str, str]:
    """A contract in force from 1 January of the county's current year to
    the end of the next: in force at any moment a story runs at."""
    day = local_day(moment)
    return date(day.year, 1, 1).isoformat(), date(day.year + 1, 12, 31).isoformat()


def months_ahead(months: int, moment: datetime | None = None) -> str:
    return add_months(local_day(moment), months).isoformat()


def hours_after(moment: datetime, hours: float) -> datetime:
    """Real elapsed hours, whatever the clock on the wall does meanwhile."""
    return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(LOCAL_TIME)
