"""Task sheets (instruments D.1, D.2): the coordinator delegates, the
technician carries out and reports back.

Pure domain. Rules: R1 (no active coordination, no task — for the
coordinator delegating and for the technician acting), R2 (exclusive acts of
the social worker are never delegated), R3 (only the delegable set), and the
autonomy a task is delegated with: the plan's, raised or capped by what the
technician's evaluation concluded (3.2 B; ``autonomy.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.clock import parse_moment
from events.topics import moved
from events.vocabulary.coordination import OBSTACLE_ANSWERS
from services.coordination.competence import (
    NoActiveCoordination,
)
from services.coordination.tasks.autonomy import autonomy_for
from services.coordination.tasks.rules import (
    InvalidTask,
    TaskAccessDenied,
    TaskStateConflict,
    check_coordinates,
    check_delegable,
)

# A task still to be done. (A priority and an obstacle are codes the command
# schemas alone check: contracts/commands/coordination/.) One held up by an
# obstacle waits for its coordinator's answer: never a dead end (2.3.3).
OPEN = ("delegated", "accepted", "in_progress")
HELD_UP = (*OPEN, "obstacle_reported")
OBSTACLE_ANSWER_HOURS = 24  # then the coordinator is reminded; 24 more, the SPAS head


# -- aggregate -------------------------------------------------------------
class TaskSheet(AuditedAggregate):
    """One delegated task (D.1), from delegation to its outcome (D.2)."""

    class Delegated(Aggregate.Created, AuditedAggregate.Event):
        municipality: str
        contract_id: str
        coordinator_id: str
        technician_id: str
        task_type: str
        autonomy: str
        case_id: str | None
        instructions: str
        due_at: str
        priority: str

    # The changes: each is declared once, by its ``@event("Name")`` method
    # below, whose parameters are the event's fields (the stored state) and
    # whose body is its effect. Named here only for the type checker, which
    # does not see the fields of a class made at run time (hence ``Any``).
    Accepted: ClassVar[type[Any]]
    Started: ClassVar[type[Any]]
    Completed: ClassVar[type[Any]]
    ObstacleReported: ClassVar[type[Any]]
    ObstacleAnswered: ClassVar[type[Any]]
    Cancelled: ClassVar[type[Any]]
    Reassigned: ClassVar[type[Any]]

    def __init__(
        self,
        municipality: str,
        contract_id: str,
        coordinator_id: str,
        technician_id: str,
        task_type: str,
        autonomy: str,
        case_id: str | None,
        instructions: str,
        due_at: str,
        priority: str,
        **_meta: str,
    ) -> None:
        self.autonomy = autonomy
        self.municipality, self.contract_id = municipality, contract_id
        self.coordinator_id, self.technician_id = coordinator_id, technician_id
        self.task_type, self.case_id, self.instructions = task_type, case_id, instructions
        self.due_at, self.priority = due_at, priority
        self.status = "delegated"
        self.result: str | None = None
        self.report_ref: str | None = None
        self.obstacle: str | None = None
        self.resumes_as = "delegated"  # where an answered obstacle leaves the task
        self.moved_from: str | None = None
        self.moved_because = ""

    @classmethod
    def delegate(
        cls,
        actor: Actor,
        coordination: dict[str, Any] | None,
        *,
        technician_id: str,
        task_type: str,
        instructions: str,
        due_at: str,
        now: datetime,
        priority: str = "normal",
        case_id: str | None = None,
        plan_delegable: dict[str, str] | None = None,
        evaluated_autonomous: Collection[str] | None = None,
    ) -> TaskSheet:
        check_delegable(task_type)
        check_coordinates(actor, technician_id, coordination)
        assert coordination is not None
        autonomy = autonomy_for(task_type, plan_delegable, evaluated_autonomous).level
        if parse_moment(due_at, "due_at", InvalidTask) <= now:
            raise InvalidTask(f"the task is due in the past ({due_at})", field="due_at")
        if not instructions.strip():
            raise InvalidTask("say what is to be done (instructions)", field="instructions")
        return cls._create(
            cls.Delegated,
            id=uuid.uuid4(),
            municipality=coordination["municipality"],
            contract_id=coordination["contract_id"],
            coordinator_id=actor.id,
            technician_id=technician_id,
            task_type=task_type,
            autonomy=autonomy,
            case_id=case_id,
            instructions=instructions.strip(),
            due_at=due_at,
            priority=priority,
            **actor.event_fields(),
        )

    # -- the technician ----------------------------------------------------
    def accept(self, actor: Actor, coordination: dict[str, Any] | None) -> None:
        self._check_assignee(actor, coordination)
        self._check_status("accept", ("delegated",))
        self._accepted(**actor.event_fields())

    def start(self, actor: Actor, coordination: dict[str, Any] | None) -> None:
        self._check_assignee(actor, coordination)
        self._check_status("start", ("accepted",))
        self._started(**actor.event_fields())

    def complete(
        self,
        actor: Actor,
        coordination: dict[str, Any] | None,
        result: str,
        report_ref: str | None = None,
    ) -> None:
        self._check_assignee(actor, coordination)
        self._check_status("complete", ("accepted", "in_progress"))
        if not result.strip():
            raise InvalidTask("say what was done (result)", field="result")
        self._completed(result.strip(), report_ref, **actor.event_fields())

    def report_obstacle(
        self, actor: Actor, coordination: dict[str, Any] | None, obstacle: str, note: str = ""
    ) -> None:
        self._check_assignee(actor, coordination)
        self._check_status("report an obstacle on", OPEN)
        self._obstacle_reported(obstacle, note.strip(), **actor.event_fields())

    # -- the coordinator -----------------------------------------------------
    def answer_obstacle(
        self,
        actor: Actor,
        current: dict[str, Any] | None,
        answer: str,
        note: str,
        now: datetime,
        due_at: str | None = None,
    ) -> None:
        """2.3.3: guidance, or a new deadline; the technician resumes where
        they were (reassigning or cancelling the task answers it too)."""
        self._check_coordinator(actor, current)
        self._check_status("answer an obstacle on", ("obstacle_reported",))
        if answer not in OBSTACLE_ANSWERS:
            raise InvalidTask(f"answer is one of {', '.join(OBSTACLE_ANSWERS)}", field="answer")
        if answer == "new_deadline" and (
            due_at is None or parse_moment(due_at, "due_at", InvalidTask) <= now
        ):
            raise InvalidTask("a new deadline is a moment still to come", field="due_at")
        if answer == "guidance" and not note.strip():
            raise InvalidTask("say what the technician is to do (note)", field="note")
        new_due = due_at if answer == "new_deadline" else None
        self._obstacle_answered(answer, note.strip(), new_due, **actor.event_fields())

    def cancel(self, actor: Actor, current: dict[str, Any] | None, reason: str) -> None:
        self._check_coordinator(actor, current)
        self._check_status("cancel", HELD_UP)
        if not reason.strip():
            raise InvalidTask("say why the task is cancelled", field="reason")
        self._cancelled(reason.strip(), **actor.event_fields())

    def reassign(
        self,
        actor: Actor,
        current: dict[str, Any] | None,
        to_technician_id: str,
        coordination: dict[str, Any] | None,
        reason: str,
    ) -> None:
        """``current``: the assignee's coordination now; ``coordination``:
        the receiving technician's, which must be with the same coordinator."""
        self._check_coordinator(actor, current)
        check_coordinates(actor, to_technician_id, coordination)
        self.move_to(actor, to_technician_id, coordination, reason)

    def move_to(
        self,
        actor: Actor,
        to_technician_id: str,
        coordination: dict[str, Any] | None,
        reason: str,
    ) -> None:
        """Moves the task as the consequence of a redistribution already
        authorised elsewhere (an incident's burnout redistribution, 4.6 case
        4); the receiving technician must still be under coordination (R1)."""
        self._check_status("reassign", HELD_UP)
        if coordination is None:
            raise NoActiveCoordination(
                "R1",
                f"technician {to_technician_id} has no active coordination contract: no tasks",
                technician_id=to_technician_id,
            )
        if to_technician_id == self.technician_id:
            raise InvalidTask("the task is already theirs", field="technician_id")
        self._reassigned(
            from_technician_id=self.technician_id,
            to_technician_id=to_technician_id,
            contract_id=coordination["contract_id"],
            reason=reason.strip(),
            **actor.event_fields(),
        )

    # -- what each event changes (run again when the task is loaded) ---------
    @event("Accepted")
    def _accepted(self, actor_id: str, actor_role: str, correlation_id: str) -> None:
        """The technician took the task on."""
        self.status = "accepted"

    @event("Started")
    def _started(self, actor_id: str, actor_role: str, correlation_id: str) -> None:
        """The technician began the work."""
        self.status = "in_progress"

    @event("Completed")
    def _completed(
        self,
        result: str,
        report_ref: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status, self.result, self.report_ref = "completed", result, report_ref

    @event("ObstacleReported")
    def _obstacle_reported(
        self, obstacle: str, note: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.resumes_as, self.status, self.obstacle = self.status, "obstacle_reported", obstacle

    @event("ObstacleAnswered")
    def _obstacle_answered(
        self,
        answer: str,
        note: str,
        due_at: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status, self.due_at = self.resumes_as, due_at or self.due_at

    @event("Cancelled")
    def _cancelled(self, reason: str, actor_id: str, actor_role: str, correlation_id: str) -> None:
        self.status = "cancelled"

    @event("Reassigned")
    def _reassigned(
        self,
        from_technician_id: str,
        to_technician_id: str,
        contract_id: str,
        reason: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """To another technician of the same coordinator (e.g. burnout, 4.6
        case 4); the task starts over as delegated to them."""
        self.technician_id, self.contract_id = to_technician_id, contract_id
        self.status = "delegated"
        self.moved_from, self.moved_because = from_technician_id, reason

    # -- reading -------------------------------------------------------------
    def is_overdue(self, now: datetime) -> bool:
        return self.status in OPEN and datetime.fromisoformat(self.due_at) < now

    def check_may_read(self, actor: Actor) -> None:
        # not the county admin: a task sheet is casework (a case, instructions
        # about a person); the county reads figures per municipality (R9)
        if actor.role in ("auditor", "system"):
            return
        if actor.id in (self.technician_id, self.coordinator_id):
            return
        if actor.role == "spas_head" and actor.municipality == self.municipality:
            return
        raise TaskAccessDenied(f"task {self.id} is not yours to read", task_id=str(self.id))

    def _check_assignee(self, actor: Actor, coordination: dict[str, Any] | None) -> None:
        if actor.id != self.technician_id:
            raise TaskAccessDenied(
                f"task {self.id} was delegated to another technician", task_id=str(self.id)
            )
        if coordination is None:  # R1 binds the technician too
            raise NoActiveCoordination(
                "R1",
                "you have no active coordination contract: no action on delegated tasks",
                task_id=str(self.id),
            )

    def _check_coordinator(self, actor: Actor, current: dict[str, Any] | None) -> None:
        """The coordinator who delegated, or the one who took over the
        technician since (a replacement hands over the open tasks too)."""
        coordinators = {self.coordinator_id}
        if current is not None:
            coordinators.add(current["coordinator_id"])
        if actor.id not in coordinators:
            raise TaskAccessDenied(
                f"only the technician's coordinator changes task {self.id}", task_id=str(self.id)
            )

    def _check_status(self, action: str, allowed: tuple[str, ...]) -> None:
        if self.status not in allowed:
            raise TaskStateConflict(
                f"cannot {action} a task that is {self.status}",
                status=self.status,
                task_id=str(self.id),
            )


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.coordination.tasks:TaskSheet", TaskSheet)
