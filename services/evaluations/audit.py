"""An evaluation is personal data of the technician. What the two parties
read of their own coordination is theirs; every read by someone else (the
employer, the county, an auditor: DESIGN §1, "every auditor read is itself
recorded") and every attempt outside one's scope is a stored fact the
auditor can list."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.views import FollowedView, topics

PARTIES = ("technician", "coordinator")


class RecordRead(AuditedAggregate):
    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        subject_kind: str  # evaluation, technician_record, employer_report, …
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
    ) -> RecordRead:
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            subject_kind=subject_kind,
            subject_id=subject_id,
            technician_id=technician_id,
            relation=relation,
            **actor.event_fields(),
        )


def recorded_read(
    actor: Actor, relation: str, kind: str, subject_id: str, technician_id: str | None
) -> RecordRead | None:
    """The read to record, if it is not a party reading their own."""
    if relation in PARTIES:
        return None
    return RecordRead.record(actor, relation, kind, subject_id, technician_id)


class ReadLog(FollowedView):
    TOPICS = topics(RecordRead, "Recorded")

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
                "technician_id": event.technician_id,
            }
        )

    def of(self, technician_id: str | None) -> list[dict[str, Any]]:
        return [r for r in self.reads if technician_id in (None, r["technician_id"])]
