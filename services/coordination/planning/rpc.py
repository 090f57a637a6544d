"""RPC entrypoints of the coordination plan (instrument C) and journal
(instrument D.3); mixin of ``CoordinationService``. A command is one
``command(...)`` declaration (``events.adapter``): the verified actor, the
command checked against its contract, one application call, plain data
back. A query is a two-line method, so that its signature names the
arguments the gateway's routes fill."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.adapter import command, id_of
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


def _id(value: Any, field: str) -> UUID:
    """A query's argument as an id; a malformed one is refused at that field."""
    return id_of({field: value}, field)


def _plan_version(value: Any) -> int | None:
    """A query's argument, so no command schema checks it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidCommand(f"a plan version is 1 or more, not {value!r}", field="version")
    return value


class PlanJournalRpc(CoordinationRpc):
    # -- plan (instrument C) ----------------------------------------------------
    draw_up_plan = command(
        "draw_up_plan",
        lambda app, actor, c: app.draw_up_plan(
            actor, id_of(c, "contract_id"), **{k: v for k, v in c.items() if k != "contract_id"}
        ),
    )
    revise_plan = command(
        "revise_plan",
        lambda app, actor, c: app.revise_plan(
            actor, id_of(c, "contract_id"), c["changes"], c.get("based_on_version")
        ),
    )

    @rpc
    def get_plan(self, actor: dict, contract_id: str, version: int | None = None) -> dict:
        who = self._actor(actor)
        return self.app.get_plan(who, _id(contract_id, "contract_id"), _plan_version(version))

    @rpc
    def plan_versions(self, actor: dict, contract_id: str) -> list[dict]:
        return self.app.plan_versions(self._actor(actor), _id(contract_id, "contract_id"))

    # -- journal (instrument D.3) -----------------------------------------------
    record_journal_entry = command(
        "record_journal_entry",
        lambda app, actor, c: app.record_journal_entry(
            actor,
            id_of(c, "contract_id"),
            c["occurred_on"],
            c["minutes"],
            c["channel"],
            c["kind"],
            **{k: c[k] for k in ENTRY_DETAILS if k in c},
        ),
    )
    withdraw_journal_entry = command(
        "withdraw_journal_entry",
        lambda app, actor, c: app.withdraw_journal_entry(
            actor, id_of(c, "contract_id"), c["month"], id_of(c, "entry_id"), c["reason"]
        ),
    )

    @rpc
    def journal_entries(self, actor: dict, contract_id: str, month: str) -> list[dict]:
        who = self._actor(actor)
        return self.app.journal_entries(who, _id(contract_id, "contract_id"), month)

    # -- R6 ---------------------------------------------------------------------
    @rpc
    def coordination_hours(self, actor: dict, contract_id: str, month: str) -> dict:
        """Journal hours of one month against the contract's hours."""
        who = self._actor(actor)
        return self.app.coordination_hours(who, _id(contract_id, "contract_id"), month)

    @rpc
    def coordination_months(self, actor: dict, contract_id: str) -> list[dict]:
        """Every month of the contract so far, each with its R6 compliance."""
        return self.app.coordination_months(self._actor(actor), _id(contract_id, "contract_id"))

    @rpc
    def hours_of_coordinator(
        self, actor: dict, coordinator_id: str, month: str, below_only: bool = False
    ) -> list[dict]:
        """R6 for one month of each contract the coordinator has today."""
        who, coordinator = self._actor(actor), _id(coordinator_id, "coordinator_id")
        return self.app.hours_of_coordinator(who, coordinator, month, bool(below_only))
