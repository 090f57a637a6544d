"""The county's calendar day. Contracts start and end, journal entries
happen and redistributions last on Romanian calendar days: at 00:30 in Cluj
UTC is still on the day before, and a contract starting today would look
not yet in force."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Europe/Bucharest")


def local_today() -> date:
    return datetime.now(LOCAL_TIME).date()
