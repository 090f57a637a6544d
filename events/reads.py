"""A log of reads, kept from the log of events (``FollowedView``): who read
what, when, in which relation to it. Each service records its reads with an
aggregate of its own, so that its stored topic names the service, and lists
them with a ``ReadLog`` that names the recording event and its keys.

What is read about a technician (an evaluation, a task sheet, a month of the
journal) is recorded alike in every service: ``TechnicianRead``, which a
service subclasses under its own name (the library redefines the event
class on the subclass, so the stored topic is the service's). The cases
service names a beneficiary instead, with an aggregate of its own."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Self

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.views import FollowedView


class TechnicianRead(AuditedAggregate):
    """One read of something about a technician by someone who is not a
    party to it."""

    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        subject_kind: str  # evaluation, technician_record, task, journal, …
        subject_id: str
        technician_id: str | None
        relation: str

    def __init__(self, **_: Any) -> None:
        """Written once; the read log reads its event."""

    @classmethod
    def record(
        cls,
        actor: Actor,
        relation: str,
        subject_kind: str,
        subject_id: str,
        technician_id: str | None,
    ) -> Self:
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            subject_kind=subject_kind,
            subject_id=subject_id,
            technician_id=technician_id,
            relation=relation,
            **actor.event_fields(),
        )


class ReadLog(FollowedView):
    KEYS: Sequence[str] = ()  # what the service's read event says of its subject

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.reads: list[dict[str, Any]] = []

    def apply(self, event: Any) -> None:
        self.reads.append(
            {
                "at": event.timestamp.isoformat(),
                "actor_id": event.actor_id,
                "actor_role": event.actor_role,
                "relation": event.relation,
                "subject_kind": event.subject_kind,
                "subject_id": event.subject_id,
            }
            | {key: getattr(event, key) for key in self.KEYS}
        )

    def of(self, **wanted: str | None) -> list[dict[str, Any]]:
        """The reads whose keys match every value given (None: any)."""
        return [
            r
            for r in self.reads
            if all(value is None or r[key] == value for key, value in wanted.items())
        ]
