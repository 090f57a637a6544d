"""Application commands and queries of the coordination plan (instrument C)
and journal (instrument D.3); mixed into ``CoordinationApplication`` (load,
change, save; the rules live in ``plan`` and ``journal``). The contract is
read through ``get_contract``, so whoever may not read it learns nothing
more."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_today
from events.refusals import records_refusals
from events.store import ApplicationPart
from services.coordination.audit import note_read
from services.coordination.planning.domain import (
    ContractTerms,
    JournalChangedMeanwhile,
    PlanAlreadyDrawnUp,
    PlanChangedMeanwhile,
    PlanNotFound,
    UnknownJournalEntry,
    check_month_in_contract,
    month_compliance,
    months_of,
)
from services.coordination.planning.journal import (
    CoordinationJournal,
    journal_id,
    journal_month,
)
from services.coordination.planning.journal_guards import (
    check_keeps_journal,
    check_may_read_journal,
)
from services.coordination.planning.plan import CoordinationPlan, plan_id
from services.coordination.ports import Coordinations


class PlanJournalCommands(ApplicationPart):
    """The contracts capability of the same application provides
    ``get_contract`` (``ContractReader``)."""

    # the other capabilities, through their ports (``ports.py``)
    coordinations: Coordinations

    # -- plan (instrument C) ----------------------------------------------------
    @records_refusals
    def draw_up_plan(self, actor: Actor, contract_id: UUID, **sections: Any) -> dict[str, Any]:
        """Version 1: the defaults (R7 deadlines, every R3 task supervised),
        with the sections the coordinator states."""
        plan = CoordinationPlan.draw_up(
            actor, self._terms(actor, contract_id), local_today(), **sections
        )
        if self.find(plan.id, CoordinationPlan) is not None:
            raise _already_drawn_up(contract_id)
        self.save_or(_already_drawn_up(contract_id), plan)  # or by a concurrent request
        return plan_view(plan)

    @records_refusals
    def revise_plan(
        self,
        actor: Actor,
        contract_id: UUID,
        changes: Mapping[str, Any],
        based_on_version: int | None = None,
    ) -> dict[str, Any]:
        terms = self._terms(actor, contract_id)
        plan = self._plan(contract_id)
        plan.revise(actor, terms, local_today(), changes, based_on_version)
        self.save_or(
            PlanChangedMeanwhile(
                f"the plan of contract {contract_id} was revised meanwhile; read it again"
            ),
            plan,
        )
        return plan_view(plan)

    # -- journal (instrument D.3) -------------------------------------------------
    @records_refusals
    def record_journal_entry(
        self,
        actor: Actor,
        contract_id: UUID,
        occurred_on: str,
        minutes: int,
        channel: str,
        kind: str,
        participant_ids: list[str] | None = None,
        external_roles: list[str] | None = None,
        case_ids: list[str] | None = None,
        situations: list[str] | None = None,
        decisions: list[str] | None = None,
        recommendations: list[str] | None = None,
        follow_ups: list[dict[str, Any]] | None = None,
        strengths: str = "",
        improvements: str = "",
    ) -> dict[str, Any]:
        terms = self._terms(actor, contract_id)
        month = journal_month(actor, terms, occurred_on)
        journal = self._journal(contract_id, month) or CoordinationJournal.open(actor, terms, month)
        entry_id = journal.record(
            actor,
            terms,
            local_today(),
            occurred_on=occurred_on,
            minutes=minutes,
            channel=channel,
            kind=kind,
            participant_ids=participant_ids,
            external_roles=external_roles or (),
            case_ids=case_ids or (),
            situations=situations or (),
            decisions=decisions or (),
            recommendations=recommendations or (),
            follow_ups=follow_ups or (),
            strengths=strengths,
            improvements=improvements,
        )
        self._save_journal(journal)
        return entry_view(journal, entry_id)

    @records_refusals
    def withdraw_journal_entry(
        self, actor: Actor, contract_id: UUID, month: str, entry_id: UUID, reason: str
    ) -> dict[str, Any]:
        def withdraw(journal: CoordinationJournal, terms: ContractTerms) -> None:
            journal.withdraw(actor, terms, str(entry_id), reason)

        # the coordinator's instrument: a stranger is refused before learning what exists
        return self._on_entry(actor, contract_id, month, entry_id, withdraw, check_keeps_journal)

    @records_refusals
    def comment_journal_entry(
        self, actor: Actor, contract_id: UUID, month: str, entry_id: UUID, comment: str
    ) -> dict[str, Any]:
        """The technician's own view of a feedback session (E.3)."""

        def add_view(journal: CoordinationJournal, terms: ContractTerms) -> None:
            journal.comment(actor, terms, str(entry_id), comment)

        return self._on_entry(actor, contract_id, month, entry_id, add_view)

    def _on_entry(
        self,
        actor: Actor,
        contract_id: UUID,
        month: str,
        entry_id: UUID,
        change: Callable[[CoordinationJournal, ContractTerms], None],
        guard: Callable[[Actor, ContractTerms], None] | None = None,
    ) -> dict[str, Any]:
        """One entry of a month's journal changed (the rules on the
        aggregate), saved, and answered as it now reads."""
        terms = self._terms(actor, contract_id)
        if guard is not None:
            guard(actor, terms)
        check_month_in_contract(terms, month)
        journal = self._journal(contract_id, month)
        if journal is None:
            raise UnknownJournalEntry(
                f"contract {contract_id} has no journal entry in {month}", entry_id=str(entry_id)
            )
        change(journal, terms)
        self._save_journal(journal)
        return entry_view(journal, str(entry_id))

    # -- queries ----------------------------------------------------------------
    def get_plan(
        self, actor: Actor, contract_id: UUID, version: int | None = None
    ) -> dict[str, Any]:
        """The plan as it is, or as it was at ``version`` (every version stays
        readable). Whoever reads the contract reads its plan."""
        self.coordinations.get_contract(actor, contract_id)
        plan = self._plan(contract_id)
        if version is None or version == plan.number:
            return plan_view(plan)
        past: CoordinationPlan = self.repository.get(
            plan.id, version=plan.aggregate_version_of(version)
        )
        return plan_view(past, latest=plan.number)

    def plan_versions(self, actor: Actor, contract_id: UUID) -> list[dict[str, Any]]:
        """Each version: its number, the sections it changed, when and by whom."""
        self.coordinations.get_contract(actor, contract_id)
        history = self._plan(contract_id).history
        return [{k: v for k, v in h.items() if k != "aggregate_version"} for h in history]

    def plan_of(self, contract_id: UUID) -> dict[str, Any] | None:
        """For the other capabilities of this service (task sheets): the plan
        in force for a contract, or None."""
        plan = self.find(plan_id(contract_id), CoordinationPlan)
        return None if plan is None else plan_view(plan)

    def journal_entries(self, actor: Actor, contract_id: UUID, month: str) -> list[dict[str, Any]]:
        """The month's entries, withdrawn ones marked, in the order they happened."""
        terms = self._terms(actor, contract_id)
        check_may_read_journal(actor, terms)
        check_month_in_contract(terms, month)
        journal = self._journal(contract_id, month)
        if journal is None:
            return []
        note_read(
            self,
            actor,
            "journal",
            f"{contract_id}/{month}",
            terms.technician_id,
            terms.coordinator_id,
        )
        entries = [entry_view(journal, e) for e in journal.entries]
        return sorted(entries, key=lambda e: (e["occurred_on"], e["recorded_at"]))

    def coordination_hours(self, actor: Actor, contract_id: UUID, month: str) -> dict[str, Any]:
        """R6 for one month of the contract, from the journal."""
        terms = self._terms(actor, contract_id)
        check_month_in_contract(terms, month)
        return self._compliance(terms, month, local_today())

    def coordination_months(self, actor: Actor, contract_id: UUID) -> list[dict[str, Any]]:
        """R6 for every month of the contract so far, oldest first; a month
        without entries is a month without coordination."""
        terms = self._terms(actor, contract_id)
        today = local_today()
        return [self._compliance(terms, month, today) for month in months_of(terms, today)]

    # -- helpers ------------------------------------------------------------------
    def _compliance(self, terms: ContractTerms, month: str, today: date) -> dict[str, Any]:
        journal = self._journal(UUID(terms.contract_id), month)
        minutes, entries = (journal.minutes, journal.counted) if journal else (0, 0)
        return month_compliance(terms, month, minutes, entries, today)

    def _terms(self, actor: Actor, contract_id: UUID) -> ContractTerms:
        return ContractTerms.of(self.coordinations.get_contract(actor, contract_id))

    def _plan(self, contract_id: UUID) -> CoordinationPlan:
        plan = self.find(plan_id(contract_id), CoordinationPlan)
        if plan is None:
            raise PlanNotFound(
                f"contract {contract_id} has no coordination plan yet",
                contract_id=str(contract_id),
            )
        return plan

    def _journal(self, contract_id: UUID, month: str) -> CoordinationJournal | None:
        return self.find(journal_id(contract_id, month), CoordinationJournal)

    def _save_journal(self, journal: CoordinationJournal) -> None:
        self.save_or(  # another entry of the same month, at the same time
            JournalChangedMeanwhile(
                f"the {journal.month} journal of contract {journal.contract_id} changed "
                "meanwhile; send the entry again",
                month=journal.month,
            ),
            journal,
        )


def _already_drawn_up(contract_id: UUID) -> PlanAlreadyDrawnUp:
    return PlanAlreadyDrawnUp(
        f"contract {contract_id} already has a coordination plan; revise it",
        contract_id=str(contract_id),
    )


def plan_view(plan: CoordinationPlan, latest: int | None = None) -> dict[str, Any]:
    current = plan.history[-1]
    return {
        "plan_id": str(plan.id),
        "contract_id": plan.contract_id,
        "municipality": plan.municipality,
        "technician_id": plan.technician_id,
        "coordinator_id": plan.coordinator_id,
        "version": plan.number,
        "latest_version": latest or plan.number,
        "changed": list(current["changed"]),
        "versioned_at": current["at"],
        "versioned_by": current["by"],
        **copy.deepcopy(plan.content),
    }


def entry_view(journal: CoordinationJournal, entry_id: str) -> dict[str, Any]:
    return {
        "contract_id": journal.contract_id,
        "month": journal.month,
        **copy.deepcopy(journal.entries[entry_id]),
    }
