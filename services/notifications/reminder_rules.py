"""The rules of the reminders (R6, R7, R8; ``reminders.py`` tells them):
when each falls due and whether it is still wanted when it does. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from events.clock import LOCAL_TIME

OBSERVATION_SHEET_HOURS = 24  # R7, unless the coordination plan tightens it
SAME_VISIT = timedelta(hours=12)  # a sheet this close to a visit is that visit's sheet
MIN_MONTH_MINUTES = 40 * 60  # R6: at least 40 coordination hours a month
CONTRACT_ENDING_NOTICE = timedelta(days=30)
PROGRESS_CHECK_DAY = 5  # the progress report of a month is looked for on the 5th of the next
DAY_HOUR = time(9, 0)  # reminders about a day go out at 09:00, county time
ACTIVE_STAGES = ("intervention", "monitoring")

OBSERVATION = "observation_sheet_due"
PROGRESS = "progress_report_missing"
HOURS = "coordination_hours_low"
FOLLOW_UP = "follow_up_due"
FOLLOW_UP_ACTION = "follow_up_action_due"  # R8: a visit or evaluation planned in the period
CONTRACT_ENDING = "contract_ending"
TASK = "task_overdue"
OBSTACLE = "task_obstacle_unanswered"  # 2.3.3: the coordinator, when the answer is due
OBSTACLE_ESCALATED = "task_obstacle_escalated"  # the SPAS head, as long again after
OBSTACLE_KINDS = (OBSTACLE, OBSTACLE_ESCALATED)
OBSTACLE_ESCALATION_AFTER = timedelta(hours=24)


# -- ids and time ---------------------------------------------------------------------
def reminder_id(kind: str, subject_key: str, period: str) -> UUID:
    """One reminder per kind, subject and period: a redelivered or repeated
    upstream fact finds it already there."""
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/reminder/{kind}/{subject_key}/{period}")


def case_record_id(case_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/case/{case_id}")


def document_record_id(document_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/document/{document_id}")


def case_key(case_id: str) -> str:
    return f"case/{case_id}"


def author_key(case_id: str, author_id: str) -> str:
    return f"case/{case_id}/author/{author_id}"


def follow_up_key(case_id: str, action: str) -> str:
    """A closed case's planned follow-up visits (or evaluations), below the
    case: archiving it cancels them with the rest."""
    return f"case/{case_id}/follow-up/{action}"


def contract_key(contract_id: str) -> str:
    return f"contract/{contract_id}"


def task_key(task_id: str) -> str:
    return f"task/{task_id}"


def moment(value: datetime) -> str:
    return value.isoformat()


def shown(value: datetime | str) -> str:
    """A moment as a person reads it: county time, to the minute."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def month_of(at: datetime) -> str:
    """The county's month of a moment, ``YYYY-MM``."""
    local = at.astimezone(LOCAL_TIME)
    return f"{local.year:04d}-{local.month:02d}"


def next_month(month: str) -> str:
    year, number = (int(p) for p in month.split("-"))
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return f"{year:04d}-{number:02d}"


def first_day(month: str) -> date:
    year, number = (int(p) for p in month.split("-"))
    return date(year, number, 1)


def on_day(day: date, at: time = DAY_HOUR) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TIME)


def month_end(month: str) -> datetime:
    """The first moment after the month, county time."""
    return on_day(first_day(next_month(month)), time(0, 0))


def progress_check_at(period: str) -> datetime:
    return on_day(first_day(next_month(period)).replace(day=PROGRESS_CHECK_DAY))


def observation_times(occurred_at: datetime, hours: int) -> tuple[datetime, datetime]:
    """(remind at, due at) of a visit's observation sheet: due ``hours``
    after the visit, reminded at five sixths of that (20 h of 24 h)."""
    due = occurred_at + timedelta(hours=hours)
    return due - timedelta(hours=hours) / 6, due


def contract_ending_at(ends_on: date, now: datetime) -> datetime | None:
    """When to remind of a contract's end: 30 days before it (at once when
    less remains); None when it has already ended."""
    if ends_on < now.astimezone(LOCAL_TIME).date():
        return None
    return on_day(ends_on - CONTRACT_ENDING_NOTICE)


def covers(sheet_occurred_at: str | None, visit_occurred_at: str) -> bool:
    """Whether an observation sheet is the one of that visit."""
    if sheet_occurred_at is None:
        return True
    distance = datetime.fromisoformat(sheet_occurred_at) - datetime.fromisoformat(visit_occurred_at)
    return abs(distance) <= SAME_VISIT


def hours_text(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:.0f}" if minutes % 60 == 0 else f"{hours:.2f}".rstrip("0")


# -- what is still wanted when a reminder falls due (None: send it) -----------------
def progress_verdict(stage: str | None, reported: Iterable[str], period: str) -> str | None:
    if stage not in ACTIVE_STAGES:
        return "case_not_active"
    if period in reported:
        return "reported"
    return None


def hours_verdict(minutes: int, contract_status: str | None) -> str | None:
    if contract_status == "terminated":
        return "contract_terminated"
    if minutes >= MIN_MONTH_MINUTES:
        return "compliant"
    if contract_status == "suspended":
        return "contract_suspended"
    return None


def listed(kind: str, payload: dict[str, Any]) -> bool:
    """Whether a pending reminder shows among what is coming: a month's hours
    check only while the month is under 40 hours (R6). At 40 it stays pending,
    for the month-end check schedules the next month's, but nothing is coming."""
    return kind != HOURS or payload.get("month_minutes", 0) < MIN_MONTH_MINUTES


def follow_up_verdict(stage: str | None) -> str | None:
    return None if stage in (None, "closed") else f"case_{stage}"


def follow_up_action_verdict(stage: str | None) -> str | None:
    """A planned follow-up action is wanted while the case is closed or in
    its follow-up (R8: archiving waits for the period's end)."""
    return None if stage in (None, "closed", "follow_up") else f"case_{stage}"


def contract_ending_verdict(
    contract_status: str | None, ends_on: str | None, period: str
) -> str | None:
    if contract_status == "terminated":
        return "contract_terminated"
    if ends_on is not None and ends_on != period:
        return "ends_on_changed"
    return None
