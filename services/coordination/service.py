"""Nameko adapter of the coordination service: each entrypoint validates its
input against ``contracts/commands``, makes one application call and returns
plain data. Errors are ``events.errors`` subclasses with stable codes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from nameko.timer import timer

from events.actor import SYSTEM, Actor
from events.nameko import ApplicationProvider, CallContext, ObservedService, rpc
from services.coordination.application import CoordinationApplication
from services.coordination.incident_rpc import IncidentRpc
from services.coordination.planning.rpc import PlanJournalRpc
from services.coordination.published import publication_of
from services.coordination.rpc_base import SERVICE, CoordinationRpc
from services.coordination.task_rpc import TaskRpc


class CoordinationService(ObservedService, PlanJournalRpc, TaskRpc, IncidentRpc, CoordinationRpc):
    """Registry and contracts here; plan and journal, task sheets and
    incidents in their mixins (nameko collects inherited entrypoints)."""

    name = SERVICE

    app: CoordinationApplication = ApplicationProvider(CoordinationApplication, publication_of)
    correlation_id: str = CallContext()

    # -- registry commands ---------------------------------------------------
    @rpc
    def register_municipality(self, actor: dict, command: dict) -> dict:
        c = self._command("register_municipality", command)
        return self.app.register_municipality(self._actor(actor), **c)

    @rpc
    def register_staff(self, actor: dict, command: dict) -> dict:
        c = self._command("register_staff", command)
        return self.app.register_staff(self._actor(actor), **c)

    @rpc
    def change_experience(self, actor: dict, command: dict) -> dict:
        c = self._command("change_experience", command)
        return self.app.change_experience(
            self._actor(actor), UUID(c["staff_id"]), c["experience_domains"]
        )

    @rpc
    def change_categories(self, actor: dict, command: dict) -> dict:
        c = self._command("change_categories", command)
        return self.app.change_categories(
            self._actor(actor), UUID(c["staff_id"]), c["beneficiary_categories"]
        )

    @rpc
    def record_licensing(self, actor: dict, command: dict) -> dict:
        c = self._command("record_licensing", command)
        return self.app.record_licensing(
            self._actor(actor), UUID(c["staff_id"]), c["rnasr_code"], c["experience_domains"]
        )

    @rpc
    def transfer_staff(self, actor: dict, command: dict) -> dict:
        c = self._command("transfer_staff", command)
        return self.app.transfer_staff(self._actor(actor), UUID(c["staff_id"]), c["municipality"])

    @rpc
    def record_departure(self, actor: dict, command: dict) -> dict:
        c = self._command("record_departure", command)
        return self.app.record_departure(
            self._actor(actor), UUID(c["staff_id"]), c["reason"], c.get("note", "")
        )

    # -- coordination contract (instrument A) -------------------------------
    @rpc
    def draft_contract(self, actor: dict, command: dict) -> dict:
        c = self._command("draft_contract", command)
        return self.app.draft_contract(
            self._actor(actor),
            UUID(c["technician_id"]),
            UUID(c["coordinator_id"]),
            c["legal_form"],
            c["obligations"],
            c["hours_per_month"],
            c["starts_on"],
            c.get("ends_on"),
        )

    @rpc
    def replace_coordinator(self, actor: dict, command: dict) -> dict:
        c = self._command("replace_coordinator", command)
        return self.app.replace_coordinator(
            self._actor(actor),
            UUID(c["contract_id"]),
            UUID(c["coordinator_id"]),
            c["starts_on"],
            c.get("hours_per_month"),
            c.get("ends_on"),
        )

    @rpc
    def sign_contract(self, actor: dict, command: dict) -> dict:
        c = self._command("sign_contract", command)
        return self.app.sign_contract(self._actor(actor), UUID(c["contract_id"]))

    @rpc
    def propose_amendment(self, actor: dict, command: dict) -> dict:
        c = self._command("propose_amendment", command)
        return self.app.propose_amendment(self._actor(actor), UUID(c["contract_id"]), c["changes"])

    @rpc
    def accept_amendment(self, actor: dict, command: dict) -> dict:
        c = self._command("accept_amendment", command)
        return self.app.accept_amendment(self._actor(actor), UUID(c["contract_id"]))

    @rpc
    def suspend_contract(self, actor: dict, command: dict) -> dict:
        c = self._command("suspend_contract", command)
        return self.app.suspend_contract(self._actor(actor), UUID(c["contract_id"]), c["reason"])

    @rpc
    def resume_contract(self, actor: dict, command: dict) -> dict:
        c = self._command("resume_contract", command)
        return self.app.resume_contract(self._actor(actor), UUID(c["contract_id"]))

    @rpc
    def terminate_contract(self, actor: dict, command: dict) -> dict:
        c = self._command("terminate_contract", command)
        return self.app.terminate_contract(self._actor(actor), UUID(c["contract_id"]), c["reason"])

    @rpc
    def expire_contracts(self, actor: dict, command: dict) -> list[str]:
        c = self._command("expire_contracts", command)
        today = date.fromisoformat(c["today"]) if c.get("today") else None
        return self.app.expire_contracts(self._actor(actor), today)

    @timer(interval=3600)
    def expire_contracts_hourly(self) -> None:
        """Expiry is a fact to record, not only a date to compare: the
        ContractTerminated(expired) event tells every other service."""
        self.app.expire_contracts(Actor("coordination.timer", SYSTEM, None, self.correlation_id))

    @rpc
    def get_contract(self, actor: dict, contract_id: str) -> dict:
        return self.app.get_contract(self._actor(actor), self._uuid(contract_id, "contract_id"))

    @rpc
    def contracts_of_technician(self, actor: dict, technician_id: str) -> list[dict]:
        return self.app.contracts_of_technician(
            self._actor(actor), self._uuid(technician_id, "technician_id")
        )

    @rpc
    def coordination_of(self, actor: dict, technician_id: str) -> dict | None:
        """R1 for other services: the technician's coordinator today, or None."""
        self._actor(actor)
        return self.app.coordination_of(self._uuid(technician_id, "technician_id"))

    # -- registry queries (any authenticated staff member) ------------------
    @rpc
    def get_municipality(self, actor: dict, siruta: str) -> dict:
        self._actor(actor)
        return self.app.get_municipality(str(siruta))

    @rpc
    def list_municipalities(self, actor: dict) -> list[dict]:
        self._actor(actor)
        return self.app.list_municipalities()

    @rpc
    def get_staff(self, actor: dict, staff_id: str) -> dict:
        self._actor(actor)
        return self.app.get_staff(self._uuid(staff_id, "staff_id"))

    @rpc
    def list_staff(
        self, actor: dict, municipality: str | None = None, role: str | None = None
    ) -> list[dict]:
        self._actor(actor)
        return self.app.list_staff(municipality=municipality, role=role)

    @rpc
    def coordination_reads(self, actor: dict, technician_id: str | None = None) -> list[dict]:
        """The auditor's: who outside a coordination read its tasks or journal."""
        return self.app.coordination_reads(
            self._actor(actor),
            None if technician_id is None else self._uuid(technician_id, "technician_id"),
        )

    # -- the county's report (instrument G) ---------------------------------
    @rpc
    def county_figures(self, actor: dict, month: str, municipality: str | None = None) -> dict:
        """R6 hours and R1 coverage per municipality, for the county's report."""
        return self.app.county_figures(
            self._actor(actor), month, None if municipality is None else str(municipality)
        )
