"""An evaluation is personal data of the technician. What the two parties
read of their own coordination is theirs; every read by someone else (the
employer, the county, an auditor: DESIGN §1, "every auditor read is itself
recorded") and every attempt outside one's scope is a stored fact the
auditor can list."""

from __future__ import annotations

from events import reads
from events.actor import Actor

PARTIES = ("technician", "coordinator")


class RecordRead(reads.TechnicianRead):
    """Stored as ``services.evaluations.audit:RecordRead.Recorded``."""


def recorded_read(
    actor: Actor, relation: str, kind: str, subject_id: str, technician_id: str | None
) -> RecordRead | None:
    """The read to record, if it is not a party reading their own."""
    if relation in PARTIES:
        return None
    return RecordRead.record(actor, relation, kind, subject_id, technician_id=technician_id)


class ReadLog(reads.ReadLog):
    READ = RecordRead
