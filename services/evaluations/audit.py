"""An evaluation is personal data of the technician. What the two parties
read of their own coordination is theirs; every read by someone else (the
employer, the county, an auditor: DESIGN §1, "every auditor read is itself
recorded") and every attempt outside one's scope is a stored fact the
auditor can list."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from events import reads
from events.actor import Actor, AuditedAggregate
from events.views import topics

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


class ReadLog(reads.ReadLog):
    TOPICS = topics(RecordRead, "Recorded")
    KEYS = ("technician_id",)
