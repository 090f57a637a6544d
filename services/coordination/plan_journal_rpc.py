"""RPC entrypoints of the coordination plan (instrument C) and journal
(instrument D.3); mixin of ``CoordinationService``. Each one: validate →
one application call → plain data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.errors import InvalidCommand
from events.nameko import rpc
from services.coordination.rpc_base import CoordinationRpc

ENTRY_DETAILS = (
    "participant_ids",
    "external_roles",
    "case_ids",
    "decisions",
    "recommendations",
    "follow_ups",
)


class PlanJournalRpc(CoordinationRpc):
    # -- plan (instrument C) ----------------------------------------------------
    @rpc
    def draw_up_plan(self, actor: dict, command: dict) -> dict:
        c = self._command("draw_up_plan", command)
        sections = {k: v for k, v in c.items() if k != "contract_id"}
        return self.app.draw_up_plan(self._actor(actor), UUID(c["contract_id"]), **sections)

    @rpc
    def revise_plan(self, actor: dict, command: dict) -> dict:
        c = self._command("revise_plan", command)
        return self.app.revise_plan(
            self._actor(actor),
            UUID(c["contract_id"]),
            c["changes"],
            c.get("based_on_version"),
        )

    @rpc
    def get_plan(self, actor: dict, contract_id: str, version: int | None = None) -> dict:
        return self.app.get_plan(
            self._actor(actor),
            self._uuid(contract_id, "contract_id"),
            None if version is None else self._plan_version(version),
        )

    @rpc
    def plan_versions(self, actor: dict, contract_id: str) -> list[dict]:
        return self.app.plan_versions(self._actor(actor), self._uuid(contract_id, "contract_id"))

    # -- journal (instrument D.3) ---------------------------------------------------
    @rpc
    def record_journal_entry(self, actor: dict, command: dict) -> dict:
        c = self._command("record_journal_entry", command)
        return self.app.record_journal_entry(
            self._actor(actor),
            UUID(c["contract_id"]),
            c["occurred_on"],
            c["minutes"],
            c["channel"],
            c["kind"],
            **{k: c[k] for k in ENTRY_DETAILS if k in c},
        )

    @rpc
    def withdraw_journal_entry(self, actor: dict, command: dict) -> dict:
        c = self._command("withdraw_journal_entry", command)
        return self.app.withdraw_journal_entry(
            self._actor(actor),
            UUID(c["contract_id"]),
            c["month"],
            UUID(c["entry_id"]),
            c["reason"],
        )

    @rpc
    def journal_entries(self, actor: dict, contract_id: str, month: str) -> list[dict]:
        return self.app.journal_entries(
            self._actor(actor), self._uuid(contract_id, "contract_id"), month
        )

    # -- R6 ---------------------------------------------------------------------
    @rpc
    def coordination_hours(self, actor: dict, contract_id: str, month: str) -> dict:
        """Journal hours of one month against the contract's hours (R6)."""
        return self.app.coordination_hours(
            self._actor(actor), self._uuid(contract_id, "contract_id"), month
        )

    @rpc
    def coordination_months(self, actor: dict, contract_id: str) -> list[dict]:
        """Every month of the contract so far, each with its R6 compliance."""
        return self.app.coordination_months(
            self._actor(actor), self._uuid(contract_id, "contract_id")
        )

    @rpc
    def hours_of_coordinator(
        self, actor: dict, coordinator_id: str, month: str, below_only: bool = False
    ) -> list[dict]:
        """R6 for one month of each contract the coordinator has today."""
        return self.app.hours_of_coordinator(
            self._actor(actor), self._uuid(coordinator_id, "coordinator_id"), month,
            bool(below_only),
        )

    @staticmethod
    def _plan_version(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidCommand(f"a plan version is 1 or more, not {value!r}", field="version")
        return value
