"""What the coordination plan and journal share: the contract as they see it
(``ContractTerms``), their errors, the guards both apply, the checks of
single values, and the months R6 counts in.

Pure domain: no nameko, no database.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from events import clock
from events.actor import Actor
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation
from services.coordination.competence import NoActiveCoordination

# Plan and journal ids derive from it (``plan_id``, ``journal_id``): changing
# it would orphan every stored plan and journal.
IDS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination/planning")


# -- errors --------------------------------------------------------------------
class InvalidPlan(InvalidCommand):
    code = "invalid_plan"


class InvalidJournalEntry(InvalidCommand):
    code = "invalid_journal_entry"


class EntryOutsideContract(InvalidJournalEntry):
    code = "journal_entry_outside_contract"


class FutureJournalEntry(InvalidJournalEntry):
    code = "journal_entry_in_future"


class InvalidMonth(InvalidCommand):
    code = "invalid_month"


class PlanAccessDenied(Forbidden):
    code = "plan_access_denied"
    instrument = "coordination plan"


class JournalAccessDenied(Forbidden):
    code = "journal_access_denied"
    instrument = "coordination journal"


class JournalReadDenied(Forbidden):
    code = "journal_read_denied"


def inactive_contract(contract_id: str, why: str) -> NoActiveCoordination:
    return NoActiveCoordination(
        "R1",
        f"contract {contract_id} {why}; plan and journal are kept under an active contract",
        contract_id=contract_id,
    )


class ReportingRuleViolated(RuleViolation):
    code = "reporting_rule_violated"


class PlanAlreadyDrawnUp(Conflict):
    code = "plan_already_drawn_up"


class PlanChangedMeanwhile(Conflict):
    code = "plan_changed_meanwhile"


class JournalChangedMeanwhile(Conflict):
    code = "journal_changed_meanwhile"


class EntryAlreadyWithdrawn(Conflict):
    code = "journal_entry_already_withdrawn"


class EntryAlreadyCommented(Conflict):
    code = "journal_entry_already_commented"


class PlanNotFound(NotFound):
    code = "plan_not_found"


class UnknownJournalEntry(NotFound):
    code = "journal_entry_not_found"


# -- the contract, as plan and journal see it ----------------------------------
@dataclass(frozen=True)
class ContractTerms:
    """What plan and journal need of a coordination contract (its view)."""

    contract_id: str
    municipality: str
    technician_id: str
    coordinator_id: str
    status: str
    hours_per_month: int
    starts_on: date
    ends_on: date | None

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> ContractTerms:
        ends_on = view.get("ends_on")
        return cls(
            contract_id=view["contract_id"],
            municipality=view["municipality"],
            technician_id=view["technician_id"],
            coordinator_id=view["coordinator_id"],
            status=view["status"],
            hours_per_month=view["hours_per_month"],
            starts_on=date.fromisoformat(view["starts_on"]),
            ends_on=date.fromisoformat(ends_on) if ends_on else None,
        )

    def parties(self) -> dict[str, str]:
        return {
            "contract_id": self.contract_id,
            "municipality": self.municipality,
            "technician_id": self.technician_id,
            "coordinator_id": self.coordinator_id,
        }

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


# -- guards shared by plan and journal -----------------------------------------
def check_is_coordinator(
    actor: Actor, terms: ContractTerms, error: type[PlanAccessDenied | JournalAccessDenied]
) -> None:
    """Plan and journal are the coordinator's instruments (3.2 C, D); the
    technician reads them."""
    if actor.role != "social_worker" or actor.id != terms.coordinator_id:
        raise error(
            f"only the coordinator of contract {terms.contract_id} keeps its {error.instrument}; "
            f"a {actor.role} reads it",
            role=actor.role,
        )


def check_contract_active(terms: ContractTerms) -> None:
    """R1: a draft, suspended or ended contract is no coordination."""
    if terms.status != "active":
        raise inactive_contract(terms.contract_id, f"is {terms.status}")


def check_not_expired(terms: ContractTerms, today: date) -> None:
    if terms.ends_on is not None and today > terms.ends_on:
        raise inactive_contract(terms.contract_id, f"ended on {terms.ends_on.isoformat()}")


# -- single values (the domain is called without the command schema too) ------
def one_of(value: Any, allowed: Iterable[str], field: str, error: type[InvalidCommand]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise error(f"{field}: {value!r} is not one of {', '.join(allowed)}", field=field)
    return str(value)


def whole_number(value: Any, low: int, high: int, field: str, error: type[InvalidCommand]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(
            f"{field} must be a whole number from {low} to {high}, not {value!r}", field=field
        )
    return value


def unique(values: Any, field: str, error: type[InvalidCommand]) -> list[Any]:
    items: list[Any] = list(values)
    if len(set(map(str, items))) != len(items):
        raise error(f"{field} lists an item twice", field=field)
    return items


# -- months --------------------------------------------------------------------
def parse_month(value: Any) -> date:
    """``YYYY-MM`` -> its first day."""
    return clock.parse_month(value, error=InvalidMonth)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_day(month: str) -> date:
    first = parse_month(month)
    return first.replace(day=monthrange(first.year, first.month)[1])


def months_of(terms: ContractTerms, today: date) -> list[str]:
    """Every month of the contract begun by ``today``, oldest first."""
    end = min(today, terms.ends_on) if terms.ends_on else today
    months, day = [], terms.starts_on.replace(day=1)
    while day <= end:
        months.append(month_of(day))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def month_compliance(
    terms: ContractTerms, month: str, minutes: int, entries: int, today: date
) -> dict[str, Any]:
    """R6 for one month: exact in minutes (38 h = 2280 min < 2400 min = 40 h).
    ``complete``: the month is over; ``partial``: the contract covers only part
    of it (the rule still asks for the full hours; flagged for the reader)."""
    first, last = parse_month(month), last_day(month)
    return {
        "contract_id": terms.contract_id,
        "month": month,
        "minutes": minutes,
        "hours": round(minutes / 60, 2),
        "required": terms.hours_per_month,
        "compliant": minutes >= terms.hours_per_month * 60,
        "entries": entries,
        "complete": last < today,
        "partial": not (terms.covers(first) and terms.covers(last)),
    }


def check_month_in_contract(terms: ContractTerms, month: str) -> None:
    first, last = parse_month(month), last_day(month)
    if last < terms.starts_on or (terms.ends_on is not None and first > terms.ends_on):
        raise InvalidMonth(
            f"contract {terms.contract_id} does not cover {month}", field="month", month=month
        )
