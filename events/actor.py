"""Who issues a command: carried on every stored event (audit) and on every
published one (``actor``, ``actorrole`` extensions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate

# Defined in the vocabulary; named here only until services/coordination/domain.py
# imports it from there (see /work/notes/vocab_moves.md), then this line goes.

# "system": seeding and internal jobs; never issued to a person by the gateway.
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    id: str
    role: str
    municipality: str | None = None
    correlation_id: str = ""

    def event_fields(self) -> dict[str, str]:
        return {"actor_id": self.id, "actor_role": self.role, "correlation_id": self.correlation_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any], correlation_id: str = "") -> Actor:
        return cls(data["id"], data["role"], data.get("municipality"), correlation_id)


class AuditedAggregate(Aggregate):
    """Every event of every aggregate records who caused it and in which
    command (correlation id)."""

    class Event(Aggregate.Event):
        actor_id: str
        actor_role: str
        correlation_id: str
