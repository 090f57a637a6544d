"""RPC entrypoints of the coordination contracts (mixin of
``CoordinationService``): commands declared with ``events.adapter.command``,
the queries, and the hourly timer that records expiries."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from events.actor import SYSTEM, Actor
from events.adapter import command, id_of
from events.nameko import rpc
from services.coordination.rpc_base import CoordinationRpc


class ContractRpc(CoordinationRpc):
    draft_contract = command(
        "draft_contract",
        lambda app, actor, c: app.draft_contract(
            actor,
            id_of(c, "technician_id"),
            id_of(c, "coordinator_id"),
            c["legal_form"],
            c["obligations"],
            c["hours_per_month"],
            c["starts_on"],
            c.get("ends_on"),
        ),
    )
    replace_coordinator = command(
        "replace_coordinator",
        lambda app, actor, c: app.replace_coordinator(
            actor,
            id_of(c, "contract_id"),
            id_of(c, "coordinator_id"),
            c["starts_on"],
            c.get("hours_per_month"),
            c.get("ends_on"),
        ),
    )
    sign_contract = command(
        "sign_contract", lambda app, actor, c: app.sign_contract(actor, id_of(c, "contract_id"))
    )
    propose_amendment = command(
        "propose_amendment",
        lambda app, actor, c: app.propose_amendment(actor, id_of(c, "contract_id"), c["changes"]),
    )
    accept_amendment = command(
        "accept_amendment",
        lambda app, actor, c: app.accept_amendment(actor, id_of(c, "contract_id")),
    )
    suspend_contract = command(
        "suspend_contract",
        lambda app, actor, c: app.suspend_contract(actor, id_of(c, "contract_id"), c["reason"]),
    )
    resume_contract = command(
        "resume_contract",
        lambda app, actor, c: app.resume_contract(actor, id_of(c, "contract_id")),
    )
    terminate_contract = command(
        "terminate_contract",
        lambda app, actor, c: app.terminate_contract(actor, id_of(c, "contract_id"), c["reason"]),
    )
    expire_contracts = command(
        "expire_contracts",
        lambda app, actor, c: app.expire_contracts(
            actor, date.fromisoformat(c["today"]) if c.get("today") else None
        ),
    )

    @timer(interval=3600)
    def expire_contracts_hourly(self) -> None:
        """Expiry is a fact to record, not only a date to compare: the
        ContractTerminated(expired) event tells every other service."""
        self.app.expire_contracts(Actor("coordination.timer", SYSTEM, None, self.correlation_id))

    # -- queries ------------------------------------------------------------------
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
