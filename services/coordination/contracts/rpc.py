"""RPC entrypoints of the coordination contracts (mixin of
``CoordinationService``): commands and queries declared with
``events.adapter``, and the hourly timer that records expiries."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from events.actor import SYSTEM, Actor
from events.adapter import command, id_of, query, uuid_arg
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
            c.get("legal_form"),
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
    get_contract = query(
        "get_contract",
        lambda app, actor, contract_id: app.get_contract(
            actor, uuid_arg(contract_id, "contract_id")
        ),
        past=True,
    )
    contracts_of_technician = query(
        "contracts_of_technician",
        lambda app, actor, technician_id: app.contracts_of_technician(
            actor, uuid_arg(technician_id, "technician_id")
        ),
    )
    # R1 for other services: the technician's coordinator today, or None.
    coordination_of = query(
        "coordination_of",
        lambda app, actor, technician_id: app.coordination_of(
            uuid_arg(technician_id, "technician_id")
        ),
    )
    # R5 kept true: the SPAS head's contracts that no longer match (principle 9)
    experience_mismatches = query(
        "experience_mismatches",
        lambda app, actor, municipality=None: app.experience_mismatches(actor, municipality),
    )
