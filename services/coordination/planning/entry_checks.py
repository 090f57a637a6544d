"""The rules on each field of a coordination journal entry (instrument
D.3): when it happened, how long, who took part, which cases and
situations were discussed, what was decided and followed up. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from events.vocabulary.coordination import FOLLOW_UP_OWNERS
from services.coordination.planning.domain import (
    ContractTerms,
    EntryOutsideContract,
    FutureJournalEntry,
    InvalidJournalEntry,
    one_of,
    unique,
)
from services.coordination.planning.limits import MAX_ENTRY_MINUTES, MAX_TEXT


def parse_day(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidJournalEntry(
            f"{field} must be a date (YYYY-MM-DD), got {value!r}", field=field
        ) from None


def check_entry_day(occurred_on: Any, terms: ContractTerms, today: date) -> date:
    day = parse_day(occurred_on, "occurred_on")
    if day > today:
        raise FutureJournalEntry(
            f"the journal records what happened: {day.isoformat()} is after today",
            field="occurred_on",
        )
    if not terms.covers(day):
        period = f"{terms.starts_on.isoformat()} – {terms.ends_on or 'open-ended'}"
        raise EntryOutsideContract(
            f"{day.isoformat()} is outside contract {terms.contract_id} ({period})",
            field="occurred_on",
        )
    return day


def check_minutes(minutes: Any) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise InvalidJournalEntry(
            f"a coordination activity lasts a positive number of minutes, not {minutes!r}",
            field="minutes",
        )
    if minutes > MAX_ENTRY_MINUTES:
        raise InvalidJournalEntry(
            f"one entry lasts at most {MAX_ENTRY_MINUTES} minutes; record separate ones",
            field="minutes",
        )
    return minutes


def check_participants(ids: Iterable[str] | None, terms: ContractTerms) -> list[str]:
    """The contract's parties by id: the coordinator always, the technician
    when present (both unless said); it counts either way (2.1 §2, 3.1)."""
    parties = [terms.coordinator_id, terms.technician_id]
    given = unique(ids or parties, "participant_ids", InvalidJournalEntry)
    strangers = [i for i in given if i not in parties]
    if strangers:
        raise InvalidJournalEntry(
            "participants by id are the contract's coordinator and technician; name others "
            "by role in external_roles",
            field="participant_ids",
        )
    if terms.coordinator_id not in given:
        raise InvalidJournalEntry("the coordinator takes part", field="participant_ids")
    return [p for p in parties if p in given]


def check_case_ids(ids: Iterable[str]) -> list[str]:
    checked = []
    for value in unique(ids, "case_ids", InvalidJournalEntry):
        try:
            checked.append(str(UUID(str(value))))
        except ValueError:
            raise InvalidJournalEntry(f"{value!r} is not a case id", field="case_ids") from None
    return checked


def check_texts(texts: Iterable[str], field: str) -> list[str]:
    checked = [str(t).strip() for t in texts]
    if any(not t or len(t) > MAX_TEXT for t in checked):
        raise InvalidJournalEntry(
            f"each item of {field} is 1 to {MAX_TEXT} characters", field=field
        )
    return checked


def check_follow_ups(items: Iterable[Any], day: date) -> list[dict[str, Any]]:
    follow_ups = []
    for item in items:
        if not isinstance(item, Mapping) or "action" not in item or "owner" not in item:
            raise InvalidJournalEntry("a follow-up has an action and an owner", field="follow_ups")
        due = item.get("due_on")
        if due is not None and parse_day(due, "follow_ups.due_on") < day:
            raise InvalidJournalEntry(
                "a follow-up is due on or after the meeting", field="follow_ups.due_on"
            )
        follow_ups.append(
            {
                "action": check_texts([item["action"]], "follow_ups.action")[0],
                "owner": one_of(
                    item["owner"], FOLLOW_UP_OWNERS, "follow_ups.owner", InvalidJournalEntry
                ),
                "due_on": due,
            }
        )
    return follow_ups


def check_feedback(is_feedback: bool, strengths: Any, improvements: Any) -> dict[str, str]:
    """What went well and what to improve (E.3; 3.1: "atât aspectele pozitive
    … cât și aspectele ce necesită îmbunătățire") belong to a feedback
    session; on another kind of entry they would be read as one."""
    said = {
        field: ("" if value is None else str(value).strip())
        for field, value in (("strengths", strengths), ("improvements", improvements))
    }
    for field, value in said.items():
        if value and not is_feedback:
            raise InvalidJournalEntry(
                f"{field} is recorded on a feedback session (kind feedback_session)",
                field=field,
            )
        if len(value) > MAX_TEXT:
            raise InvalidJournalEntry(f"{field} is at most {MAX_TEXT} characters", field=field)
    return said
