"""The task sheets' errors and the rules that need no task (R1, R2, R3,
R9): what may be delegated, to whom, and who reads a delegation. Pure."""

from __future__ import annotations

from typing import Any

from events.actor import Actor
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound
from events.vocabulary import DELEGABLE_TASKS
from services.coordination.competence import (
    EXCLUSIVE_ACTS,
    ExclusiveActNotDelegable,
    NoActiveCoordination,
    check_not_administrative,
)


class InvalidTask(InvalidCommand):
    code = "invalid_task"


class TaskAccessDenied(Forbidden):
    code = "task_access_denied"


class TaskStateConflict(Conflict):
    code = "task_state_conflict"


class UnknownTask(NotFound):
    code = "task_not_found"


# -- guards ----------------------------------------------------------------
def check_delegable(task_type: str) -> None:
    """R2 and R4 before R3: naming an exclusive act or administrative work is a
    competence question, not a typo."""
    if task_type in EXCLUSIVE_ACTS:
        raise ExclusiveActNotDelegable(
            "R2",
            f"{task_type} ({EXCLUSIVE_ACTS[task_type]}) is an exclusive act of the social "
            "worker and is never delegated to a technician",
            task_type=task_type,
        )
    check_not_administrative([task_type], "task_type")
    if task_type not in DELEGABLE_TASKS:
        raise InvalidTask(
            f"unknown task type {task_type!r}; delegable (R3): {', '.join(DELEGABLE_TASKS)}",
            field="task_type",
        )


def check_may_read_delegation(
    actor: Actor, technician_id: str, municipality: str | None, coordinator_id: str | None
) -> None:
    """What may be delegated to a technician and how: the technician, their
    coordinator, their SPAS head, the county and auditors."""
    allowed = (
        actor.role in ("county_admin", "auditor", "system")
        or (actor.role == "spas_head" and actor.municipality == municipality)
        or (actor.role == "technician" and actor.id == technician_id)
        or (actor.role == "social_worker" and actor.id == coordinator_id)
    )
    if not allowed:
        raise TaskAccessDenied(
            f"what is delegable to technician {technician_id} is read by the technician, "
            "their coordinator, their SPAS head, the county and auditors",
            technician_id=technician_id,
        )


def check_coordinates(
    actor: Actor, technician_id: str, coordination: dict[str, Any] | None
) -> None:
    """R1: only under an active contract, and only by that contract's
    coordinator."""
    if coordination is None:
        raise NoActiveCoordination(
            "R1",
            f"technician {technician_id} has no active coordination contract: no tasks",
            technician_id=technician_id,
        )
    if actor.role != "social_worker" or actor.id != coordination["coordinator_id"]:
        raise TaskAccessDenied(
            f"technician {technician_id} is coordinated by another social worker; only their "
            "coordinator delegates to them",
            technician_id=technician_id,
        )
