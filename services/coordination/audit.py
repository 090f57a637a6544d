"""Reads of what the coordination holds about cases and people: a task
sheet's instructions and the journal's decisions and recommendations name
beneficiaries (R9). What the two parties read of their own coordination is
theirs; every read by someone else (the SPAS head, an auditor: DESIGN §1,
"every auditor read is itself recorded") is a stored fact the auditor can
list. Internal: never published (DESIGN §5, minimise)."""

from __future__ import annotations

from typing import Any, Protocol

from events import reads
from events.actor import Actor
from events.errors import Forbidden


class ReadLogDenied(Forbidden):
    code = "coordination_read_log_denied"


class CoordinationRead(reads.TechnicianRead):
    """Stored as ``services.coordination.audit:CoordinationRead.Recorded``."""


def recorded_read(
    actor: Actor, subject_kind: str, subject_id: str, technician_id: str, coordinator_id: str | None
) -> CoordinationRead | None:
    """The read to record, unless a party reads their own coordination."""
    if actor.id in (technician_id, coordinator_id) or actor.role == "system":
        return None
    return CoordinationRead.record(
        actor, actor.role, subject_kind, subject_id, technician_id=technician_id
    )


def check_reads_log(actor: Actor) -> None:
    if actor.role != "auditor":
        raise ReadLogDenied("the coordination's read log is the auditor's", role=actor.role)


class ReadLog(reads.ReadLog):
    READ = CoordinationRead


class Saves(Protocol):
    """Where a read is recorded: the coordination application's store."""

    def save(self, *objs: Any, **kwargs: Any) -> Any: ...


def note_read(
    app: Saves,
    actor: Actor,
    subject_kind: str,
    subject_id: str,
    technician_id: str,
    coordinator_id: str | None,
) -> None:
    """Records the read on ``app`` (the coordination application) first, so
    that no answer leaves without its record."""
    read = recorded_read(actor, subject_kind, subject_id, technician_id, coordinator_id)
    if read is not None:
        app.save(read)
