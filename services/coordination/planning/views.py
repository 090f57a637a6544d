"""R6 for a coordinator at a glance: their contracts active today, each with
the month's journal hours against the hours it requires, in one query from
two read models (``ContractIndex`` and ``JournalMonths``), not one contract
and one journal aggregate loaded per technician. The coordinator's home page
asks it for the contracts still below their hours this month.

``CoordinatorHours`` is mixed into ``CoordinationApplication``; the RPC is
in ``planning.rpc``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_today
from events.store import ApplicationPart
from events.topics import topics
from events.views import FollowedView
from services.coordination.contracts.commands import ContractReadDenied
from services.coordination.contracts.rules import active_on
from services.coordination.contracts.views import ContractIndex
from services.coordination.planning.domain import (
    ContractTerms,
    InvalidMonth,
    check_month_in_contract,
    month_compliance,
    parse_month,
)
from services.coordination.planning.journal import CoordinationJournal
from services.coordination.registry.views import RegistryView


class JournalMonths(FollowedView):
    """Minutes and counted entries of each contract's month, from the
    journal's own running total (``month_minutes`` on every entry event)."""

    TOPICS = topics(CoordinationJournal, "EntryRecorded", "EntryWithdrawn")

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.months: dict[tuple[str, str], tuple[int, int]] = {}

    def apply(self, event: Any) -> None:
        key = (event.contract_id, event.month)
        _, entries = self.months.get(key, (0, 0))
        counted = 1 if isinstance(event, CoordinationJournal.EntryRecorded) else -1
        self.months[key] = (event.month_minutes, entries + counted)

    def of(self, contract_id: str, month: str) -> tuple[int, int]:
        return self.months.get((contract_id, month), (0, 0))


def check_may_read_hours_of(actor: Actor, coordinator_id: str) -> None:
    """A coordinator reads their own contracts' hours, auditors anyone's;
    nobody else (the SPAS head and the county read hours per contract and
    in the county's report). Refused as a contract read is: the gateway
    answers it as it answers a coordinator nobody has."""
    if actor.role in ("auditor", "system"):
        return
    if actor.role == "social_worker" and actor.id == coordinator_id:
        return
    raise ContractReadDenied(
        "a coordinator's contracts at a glance are read by the coordinator and auditors",
        coordinator_id=coordinator_id,
    )


class CoordinatorHours(ApplicationPart):
    def hours_of_coordinator(
        self, actor: Actor, coordinator_id: UUID, month: str, below_only: bool = False
    ) -> list[dict[str, Any]]:
        """R6 for ``month`` of every contract of the coordinator active today
        (as ``coordination_of`` answers it) that covers the month, by
        technician name; with ``below_only``, those below their hours."""
        coordinator = str(coordinator_id)
        check_may_read_hours_of(actor, coordinator)
        parse_month(month)
        today = local_today()
        staff = self.view(RegistryView).staff
        journal = self.view(JournalMonths)
        found = []
        for contract in self.view(ContractIndex).contracts.values():
            if contract["coordinator_id"] != coordinator or not active_on(
                contract["status"], contract["starts_on"], contract["ends_on"], today
            ):
                continue
            terms = ContractTerms.of(contract)
            try:
                check_month_in_contract(terms, month)
            except InvalidMonth:
                continue
            minutes, entries = journal.of(contract["contract_id"], month)
            hours = month_compliance(terms, month, minutes, entries, today)
            if below_only and hours["compliant"]:
                continue
            technician = staff.get(contract["technician_id"], {})
            found.append(
                hours
                | {
                    "technician_id": contract["technician_id"],
                    "technician_name": technician.get("full_name"),
                    "municipality": contract["municipality"],
                }
            )
        return sorted(found, key=lambda h: (h["technician_name"] or "", h["contract_id"]))
