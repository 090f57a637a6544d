"""The coordination side of the county's consolidated report (guide 3.2,
instrument G, "Raportare și responsabilitate finală"): per municipality,
whether coordination really happened — the month's journal hours against
each contract's hours (R6) — and whether every technician works under a
contract at all (R1).

Counts and hours only: no ids, no names. Journal hours are those of the
month; the technicians are counted as the registry and the contracts stand
today. Pure: the application hands in the rows of its read models
(``registry/views.py``, ``contracts/views.py``) and each contract's ``month_compliance``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from events import figures
from events.actor import Actor
from events.clock import begun_month
from services.coordination.contracts.commands import ContractReadDenied
from services.coordination.contracts.rules import active_on
from services.coordination.planning.domain import (
    ContractTerms,
    InvalidMonth,
    last_day,
    month_of,
    parse_month,
)


def check_month(month: Any, today: date) -> str:
    """``YYYY-MM``, not after the current month (a month not begun has no
    figures)."""
    return month_of(begun_month(month, today, error=InvalidMonth))


def municipalities_in_scope(actor: Actor, asked: str | None, known: Iterable[str]) -> list[str]:
    """The report's one scope rule (``events.figures``), refused as a
    contract read is (``check_may_read``)."""
    return figures.municipalities_in_scope(
        actor.role, actor.municipality, asked, known, ContractReadDenied
    )


# -- contracts over a month ------------------------------------------------------
def last_day_in_force(contract: Mapping[str, Any]) -> str | None:
    """The contract's end, or the day it was ended early, whichever comes
    first (None: open-ended and still in force)."""
    ends = [d for d in (contract["ends_on"], contract["ended_on"]) if d is not None]
    return min(ends) if ends else None


def in_force_during(contract: Mapping[str, Any], month: str) -> bool:
    """Signed, and in force (active or suspended) on some day of the month:
    each such month owes its hours (R6)."""
    first, last = parse_month(month).isoformat(), last_day(month).isoformat()
    end = last_day_in_force(contract)
    return contract["starts_on"] <= last and (
        end is None or (end >= first and end >= contract["starts_on"])
    )


def terms_of(contract: Mapping[str, Any]) -> ContractTerms:
    """The contract as ``month_compliance`` reads it, ending when it
    ended, so a month it covered only in part is flagged ``partial``."""
    return ContractTerms.of({**contract, "ends_on": last_day_in_force(contract)})


# -- each section, for one municipality -------------------------------------------
def coordination_hours(compliances: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """R6 over the contracts in force in the month: how many met their
    hours, how many did not, the hours summed and the lowest."""
    months = list(compliances)
    minutes = [m["minutes"] for m in months]
    return {
        "contracts_in_force": len(months),
        "compliant": sum(1 for m in months if m["compliant"]),
        "below": sum(1 for m in months if not m["compliant"]),
        "partial": sum(1 for m in months if m["partial"]),
        "total_hours": round(sum(minutes) / 60, 2),
        "lowest_hours": round(min(minutes) / 60, 2) if minutes else None,
    }


def covered_technicians(contracts: Iterable[Mapping[str, Any]], today: date) -> set[str]:
    """The technicians with a contract active today (R1), wherever it was made."""
    return {
        c["technician_id"]
        for c in contracts
        if active_on(c["status"], c["starts_on"], last_day_in_force(c), today)
    }


def technicians(staff: Iterable[Mapping[str, Any]], covered: set[str]) -> dict[str, Any]:
    """Technicians on the registry, and those of them with no contract
    active today: a technician may not act without one (R1)."""
    working = [s for s in staff if s["role"] == "technician" and s["active"]]
    return {
        "registered": len(working),
        "without_active_contract": sum(1 for s in working if s["staff_id"] not in covered),
    }


# -- the whole report ----------------------------------------------------------------
def county_figures(
    month: str,
    municipalities: Iterable[str],
    compliances: Iterable[Mapping[str, Any]],
    staff: Iterable[Mapping[str, Any]],
    contracts: Iterable[Mapping[str, Any]],
    today: date,
) -> dict[str, Any]:
    """Both sections for each municipality asked for (zeros where there is
    nothing). ``compliances``: ``month_compliance`` of each contract in force
    in the month, with its ``municipality``."""
    wanted = list(municipalities)
    by_municipality: dict[str, list[Mapping[str, Any]]] = {m: [] for m in wanted}
    for compliance in compliances:
        if compliance["municipality"] in by_municipality:
            by_municipality[compliance["municipality"]].append(compliance)
    staff_of: dict[str, list[Mapping[str, Any]]] = {m: [] for m in wanted}
    for member in staff:
        if member["municipality"] in staff_of:
            staff_of[member["municipality"]].append(member)
    covered = covered_technicians(contracts, today)
    return {
        "month": month,
        "municipalities": {
            m: {
                "coordination_hours": coordination_hours(by_municipality[m]),
                "technicians": technicians(staff_of[m], covered),
            }
            for m in wanted
        },
    }
