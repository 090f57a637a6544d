"""Application commands and queries of the coordination contract; mixed
into ``CoordinationApplication`` (load, change, save; rules live on the
aggregates in ``contracts/domain.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.actor import Actor
from events.clock import local_today
from events.errors import Forbidden, NotFound
from events.refusals import records_refusals
from events.store import ApplicationPart
from services.coordination.contracts.domain import CoordinationContract
from services.coordination.contracts.index import TechnicianCoordination
from services.coordination.contracts.rules import (
    ContractStateConflict,
    check_experience_covers,
    coordination_index_id,
)
from services.coordination.contracts.views import ExperienceMismatches, InForceView
from services.coordination.ports import StaffDirectory
from services.coordination.scope import spas_list_scope


class UnknownContract(NotFound):
    code = "contract_not_found"


class ContractReadDenied(Forbidden):
    code = "contract_read_denied"


class ContractCommands(ApplicationPart):
    """The contracts' commands and queries; offers ``Coordinations`` and
    ``CoordinationEnds`` (``ports.py``) to the other capabilities."""

    # the parties of a contract as the registry has them; set by the application
    staff_directory: StaffDirectory

    @records_refusals
    def draft_contract(
        self,
        actor: Actor,
        technician_id: UUID,
        coordinator_id: UUID,
        legal_form: str,
        obligations: dict[str, list[str]],
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None = None,
    ) -> dict[str, Any]:
        index = self._index(actor, str(technician_id))
        index.check_none_in_force()
        return self._draft(
            actor,
            index,
            technician_id,
            coordinator_id,
            legal_form,
            obligations,
            hours_per_month,
            starts_on,
            ends_on,
            replaces=None,
        )

    @records_refusals
    def replace_coordinator(
        self,
        actor: Actor,
        contract_id: UUID,
        coordinator_id: UUID,
        starts_on: str,
        hours_per_month: int | None = None,
        ends_on: str | None = None,
        legal_form: str | None = None,
    ) -> dict[str, Any]:
        """R10: a new contract with another coordinator takes over when it is
        signed; the old one then ends and the history stays with the
        technician. Its form is the old one's unless given: a coordinator
        employed by the SPAS takes over through their job description, one
        from outside through a form of art. 40(7) (``check_legal_form``)."""
        old = self._contract(contract_id)
        old.check_in_force()
        index = self._index(actor, old.technician_id)
        return self._draft(
            actor,
            index,
            UUID(old.technician_id),
            coordinator_id,
            legal_form or old.legal_form,
            old.obligations,
            hours_per_month or old.hours_per_month,
            starts_on,
            ends_on if ends_on is not None else old.ends_on,
            replaces=str(old.id),
        )

    @records_refusals
    def sign_contract(self, actor: Actor, contract_id: UUID) -> dict[str, Any]:
        contract = self._contract(contract_id)
        contract.sign(actor)
        changed: list[Aggregate] = [contract]
        if contract.fully_signed:
            # R5 as the registry has it now: it may have changed since the draft
            check_experience_covers(
                self.staff_directory.get_staff(UUID(contract.technician_id))[
                    "beneficiary_categories"
                ],
                self.staff_directory.get_staff(UUID(contract.coordinator_id))[
                    "experience_domains"
                ],
            )
            index = self._index(actor, contract.technician_id)
            index.check_none_in_force(replacing=contract.replaces)
            contract.activate(actor)
            index.put_in_force(actor, str(contract.id))
            changed.append(index)
            if contract.replaces is not None:
                old = self._contract(UUID(contract.replaces))
                old.close(actor, "coordinator_replaced", replaced_by=str(contract.id))
                changed.append(old)
        self._save(*changed)
        return contract_view(contract)

    @records_refusals
    def propose_amendment(
        self, actor: Actor, contract_id: UUID, changes: dict[str, Any]
    ) -> dict[str, Any]:
        return self._change(contract_id, lambda c: c.propose_amendment(actor, changes))

    @records_refusals
    def accept_amendment(self, actor: Actor, contract_id: UUID) -> dict[str, Any]:
        return self._change(contract_id, lambda c: c.accept_amendment(actor))

    @records_refusals
    def suspend_contract(self, actor: Actor, contract_id: UUID, reason: str) -> dict[str, Any]:
        return self._change(contract_id, lambda c: c.suspend(actor, reason))

    @records_refusals
    def resume_contract(self, actor: Actor, contract_id: UUID) -> dict[str, Any]:
        return self._change(contract_id, lambda c: c.resume(actor))

    @records_refusals
    def terminate_contract(self, actor: Actor, contract_id: UUID, reason: str) -> dict[str, Any]:
        contract = self._contract(contract_id)
        contract.terminate(actor, reason)
        self._save(contract, *self._out_of_force(actor, contract))
        return contract_view(contract)

    @records_refusals
    def expire_contracts(self, actor: Actor, today: date | None = None) -> list[str]:
        """Ends, with reason ``expired``, every contract in force whose period
        is over; run daily by the service's timer. Returns the ended ids."""
        check_may_run_jobs(actor)
        today = today or local_today()
        ended = []
        for contract_id in self.view(InForceView).in_force.copy().values():
            contract = self._contract(UUID(contract_id))
            if contract.ends_on is not None and date.fromisoformat(contract.ends_on) < today:
                contract.close(actor, "expired")
                self._save(contract, *self._out_of_force(actor, contract))
                ended.append(contract_id)
        return ended

    # -- queries ------------------------------------------------------------
    def get_contract(self, actor: Actor, contract_id: UUID) -> dict[str, Any]:
        contract = self._contract(contract_id)
        check_may_read(actor, contract)
        # and the party the reader would sign it for now (the aggregate decides)
        return contract_view(contract) | {"yours_to_sign": contract.party_still_to_sign(actor)}

    def contracts_of_technician(self, actor: Actor, technician_id: UUID) -> list[dict[str, Any]]:
        """Every contract the technician ever had, oldest first (full history
        across coordinator replacements)."""
        index = self._existing_index(str(technician_id))
        contracts = [self._contract(UUID(c)) for c in index.contracts] if index else []
        for contract in contracts:
            check_may_read(actor, contract)
        return [contract_view(c) for c in contracts]

    def coordination_of(self, technician_id: UUID) -> dict[str, Any] | None:
        """R1 for every service: who coordinates this technician today."""
        index = self._existing_index(str(technician_id))
        if index is None or index.in_force is None:
            return None
        contract = self._contract(UUID(index.in_force))
        if not contract.is_active_on(local_today()):
            return None
        return {
            "technician_id": contract.technician_id,
            "coordinator_id": contract.coordinator_id,
            "contract_id": str(contract.id),
            "municipality": contract.municipality,
            "hours_per_month": contract.hours_per_month,
        }

    def experience_mismatches(
        self, actor: Actor, municipality: str | None = None
    ) -> list[dict[str, Any]]:
        """R5 kept true: the contracts in force flagged since a registry
        change, oldest flag first — the SPAS head's own SPAS, or any (or all)
        for the county and auditors."""
        municipality = spas_list_scope(
            actor,
            municipality,
            ContractReadDenied(
                "contracts R5 no longer holds for are listed for the head of that SPAS "
                f"or the county, not a {actor.role}",
                role=actor.role,
            ),
        )
        flagged = self.view(ExperienceMismatches).flagged.values()
        return sorted(
            (f for f in flagged if municipality is None or f["municipality"] == municipality),
            key=lambda f: f["flagged_at"],
        )

    # -- helpers --------------------------------------------------------------
    def recheck_experience_of(
        self, actor: Actor, staff: dict[str, Any], because: str
    ) -> list[Aggregate]:
        """R5 kept true (principle 9): the contracts to save with a change of
        ``staff``'s categories or experience (``staff``: their entry as
        changed, not yet saved) — each contract in force they are a party to,
        checked again against the other party's entry."""
        if staff["role"] == "technician":
            index = self._existing_index(staff["staff_id"])
            ids = [index.in_force] if index is not None and index.in_force else []
        else:
            ids = list(self.view(InForceView).in_force.values())
        changed: list[Aggregate] = []
        for id_ in ids:
            contract = self._contract(UUID(id_))
            if staff["staff_id"] not in (contract.technician_id, contract.coordinator_id):
                continue
            technician, coordinator = (
                (staff, self.staff_directory.get_staff(UUID(contract.coordinator_id)))
                if staff["role"] == "technician"
                else (self.staff_directory.get_staff(UUID(contract.technician_id)), staff)
            )
            if contract.recheck_experience(actor, technician, coordinator, because):
                changed.append(contract)
        return changed

    def end_coordination_of(self, actor: Actor, technician_id: str, reason: str) -> list[Aggregate]:
        """The aggregates to save with a registry change that ends the
        technician's coordination (R10 licensing, leaving the SPAS)."""
        index = self._existing_index(technician_id)
        if index is None or index.in_force is None:
            return []
        contract = self._contract(UUID(index.in_force))
        contract.close(actor, reason)
        index.put_in_force(actor, None)
        return [contract, index]

    def end_coordinations_by(self, actor: Actor, coordinator_id: str) -> list[Aggregate]:
        """The aggregates to save with a coordinator's departure: every
        contract in force with them ends (``coordinator_departed``); the
        SPAS heads then draft new ones, and the history stays readable."""
        ended: list[Aggregate] = []
        for contract_id in self.view(InForceView).in_force.copy().values():
            contract = self._contract(UUID(contract_id))
            if contract.coordinator_id == coordinator_id:
                contract.close(actor, "coordinator_departed")
                ended += [contract, *self._out_of_force(actor, contract)]
        return ended

    def _out_of_force(self, actor: Actor, contract: CoordinationContract) -> list[Aggregate]:
        index = self._existing_index(contract.technician_id)
        if index is not None and index.in_force == str(contract.id):
            index.put_in_force(actor, None)
            return [index]
        return []

    def _draft(
        self,
        actor: Actor,
        index: TechnicianCoordination,
        technician_id: UUID,
        coordinator_id: UUID,
        legal_form: str,
        obligations: dict[str, list[str]],
        hours_per_month: int,
        starts_on: str,
        ends_on: str | None,
        replaces: str | None,
    ) -> dict[str, Any]:
        contract = CoordinationContract.draft(
            actor,
            technician=self.staff_directory.get_staff(technician_id),
            coordinator=self.staff_directory.get_staff(coordinator_id),
            legal_form=legal_form,
            obligations=obligations,
            hours_per_month=hours_per_month,
            starts_on=starts_on,
            ends_on=ends_on,
            replaces=replaces,
        )
        index.add(actor, str(contract.id))
        self._save(contract, index)
        return contract_view(contract)

    def _change(
        self, contract_id: UUID, change: Callable[[CoordinationContract], None]
    ) -> dict[str, Any]:
        contract = self._contract(contract_id)
        change(contract)
        self._save(contract)
        return contract_view(contract)

    def _save(self, *aggregates: Aggregate) -> None:
        self.save_or(
            ContractStateConflict(
                "the contract changed meanwhile (a concurrent command); read it again and retry"
            ),
            *aggregates,
        )

    def _contract(self, contract_id: UUID) -> CoordinationContract:
        missing = UnknownContract(
            f"no coordination contract {contract_id}", contract_id=str(contract_id)
        )
        return self.get_as(contract_id, CoordinationContract, missing)

    def _existing_index(self, technician_id: str) -> TechnicianCoordination | None:
        return self.find(coordination_index_id(technician_id), TechnicianCoordination)

    def _index(self, actor: Actor, technician_id: str) -> TechnicianCoordination:
        return self._existing_index(technician_id) or TechnicianCoordination.open(
            actor, technician_id
        )


def check_may_run_jobs(actor: Actor) -> None:
    if actor.role not in ("system", "county_admin"):
        raise Forbidden(f"a {actor.role} does not run the county's jobs", role=actor.role)


def check_may_read(actor: Actor, contract: CoordinationContract) -> None:
    """The parties, the county and auditors read a contract; nobody else."""
    allowed = (
        actor.role in ("county_admin", "auditor", "system")
        or (actor.role == "spas_head" and actor.municipality == contract.municipality)
        or actor.id in (contract.technician_id, contract.coordinator_id)
    )
    if not allowed:
        raise ContractReadDenied(
            f"contract {contract.id} is readable by its parties, the county and auditors",
            contract_id=str(contract.id),
        )


def contract_view(c: CoordinationContract) -> dict[str, Any]:
    return {
        "contract_id": str(c.id),
        "municipality": c.municipality,
        "technician_id": c.technician_id,
        "coordinator_id": c.coordinator_id,
        "legal_form": c.legal_form,
        "obligations": c.obligations,
        "hours_per_month": c.hours_per_month,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "status": c.status,
        "signed_by": sorted(c.signatures),
        "pending_amendment": c.pending_amendment,
        "amendments": c.amendments,
        "replaces": c.replaces,
        "termination_reason": c.termination_reason,
        # R5 kept true: what is missing and the proposal, or None
        "experience_mismatch": c.experience_mismatch,
        "version": c.version,
    }
