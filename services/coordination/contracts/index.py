"""The technician's index of coordination contracts (instrument A): the
contract in force and every contract ever made. Pure, like
``contracts/domain.py``, from which it moved to keep each file small."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.topics import moved
from services.coordination.contracts.rules import (
    TechnicianAlreadyCoordinated,
    coordination_index_id,
)


class TechnicianCoordination(AuditedAggregate):
    """Index per technician: the contract in force and every contract ever
    made, so the whole history stays readable under the technician (R10:
    a replaced coordinator hands over, nothing is lost) and two contracts can
    never be in force at once (R1)."""

    class Opened(Aggregate.Created, AuditedAggregate.Event):
        technician_id: str

    # created by their ``@event("Name")`` methods below
    ContractAdded: ClassVar[type[Any]]
    InForce: ClassVar[type[Any]]

    def __init__(self, technician_id: str, **_meta: str) -> None:
        self.technician_id = technician_id
        self.contracts: list[str] = []
        self.in_force: str | None = None

    @classmethod
    def open(cls, actor: Actor, technician_id: str) -> TechnicianCoordination:
        return cls._create(
            cls.Opened,
            id=coordination_index_id(technician_id),
            technician_id=technician_id,
            **actor.event_fields(),
        )

    def add(self, actor: Actor, contract_id: str) -> None:
        self._contract_added(contract_id=contract_id, **actor.event_fields())

    def check_none_in_force(self, replacing: str | None = None) -> None:
        if self.in_force is not None and self.in_force != replacing:
            raise TechnicianAlreadyCoordinated(self.technician_id, self.in_force)

    def put_in_force(self, actor: Actor, contract_id: str | None) -> None:
        self._in_force(contract_id=contract_id, **actor.event_fields())

    @event("ContractAdded")
    def _contract_added(
        self, contract_id: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.contracts.append(contract_id)

    @event("InForce")
    def _in_force(
        self, contract_id: str | None, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.in_force = contract_id


# Stored before the capability folders (ADR 0016), then in contracts/domain.py
# until issue 20 item 10: old topics stay readable.
moved("services.coordination.contracting:TechnicianCoordination", TechnicianCoordination)
moved("services.coordination.contracts.domain:TechnicianCoordination", TechnicianCoordination)
