"""Task sheets (instruments D.1, D.2): the coordinator delegates, the
technician carries out and reports back.

Pure domain. Rules: R1 (no active coordination, no task — for the
coordinator delegating and for the technician acting), R2 (exclusive acts of
the social worker are never delegated), R3 (only the delegable set), and the
autonomy a task is delegated with: the plan's, raised or capped by what the
technician's evaluation concluded (3.2 B; ``autonomy_for``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, NamedTuple
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.clock import parse_moment
from events.errors import Conflict, Forbidden, InvalidCommand, RuleViolation
from events.vocabulary import DELEGABLE_TASKS
from services.coordination.competence import (
    EXCLUSIVE_ACTS,
    ExclusiveActNotDelegable,
    NoActiveCoordination,
)

PRIORITIES = ("low", "normal", "high", "urgent")
OBSTACLES = (
    "lack_of_transport",
    "beneficiary_refused",
    "beneficiary_absent",
    "missing_documents",
    "safety_risk",
    "institution_unavailable",
    "other",
)
OPEN = ("delegated", "accepted", "in_progress")


class InvalidTask(InvalidCommand):
    code = "invalid_task"


class TaskAccessDenied(Forbidden):
    code = "task_access_denied"


class TaskStateConflict(Conflict):
    code = "task_state_conflict"


class NotDelegableInPlan(RuleViolation):
    code = "not_delegable_in_plan"


class ConclusionNotApplicable(InvalidCommand):
    """An evaluation's conclusion that does not fit a contract of ours: it is
    not kept (the subscription records only its position)."""

    code = "autonomy_conclusion_not_applicable"


# -- guards ----------------------------------------------------------------
def check_delegable(task_type: str) -> None:
    """R2 before R3: naming an exclusive act is a competence question, not a typo."""
    if task_type in EXCLUSIVE_ACTS:
        raise ExclusiveActNotDelegable(
            "R2",
            f"{task_type} ({EXCLUSIVE_ACTS[task_type]}) is an exclusive act of the social "
            "worker and is never delegated to a technician",
            task_type=task_type,
        )
    if task_type not in DELEGABLE_TASKS:
        raise InvalidTask(
            f"unknown task type {task_type!r}; delegable (R3): {', '.join(DELEGABLE_TASKS)}",
            field="task_type",
        )


def autonomy_in_plan(task_type: str, delegable: dict[str, str] | None) -> str:
    """R3 as the coordination plan narrows it (3.2 C): the task type must be
    on the plan's delegable list; the plan also says with how much autonomy.
    Without a plan yet, every R3 type is delegable under supervision."""
    if delegable is None:
        return "supervised"
    if task_type not in delegable:
        raise NotDelegableInPlan(
            "R3",
            f"{task_type} is not on the delegable task list of the coordination plan",
            task_type=task_type,
        )
    return delegable[task_type]


class Autonomy(NamedTuple):
    """The autonomy a task is delegated with, and where it comes from:
    ``plan``, ``evaluation`` or ``default`` (no plan yet)."""

    level: str
    source: str


def autonomy_for(
    task_type: str,
    plan_delegable: Mapping[str, str] | None,
    evaluated_autonomous: Collection[str] | None,
) -> Autonomy:
    """The effective autonomy of a delegated task (3.2 B: the evaluation is
    the basis of the delegated tasks and their limits).

    Whether the task is delegable at all is the plan's (R3, ``autonomy_in_plan``,
    refused otherwise). Then: a task the contract's latest evaluation concluded
    the technician does with autonomy is ``autonomous``; any other gets the
    plan's level (``supervised`` without a plan), except that the plan's
    ``autonomous`` without an evaluation that concluded it is lowered to
    ``guided``: autonomy needs an evaluation behind it.
    ``evaluated_autonomous`` is None when no evaluation has concluded yet; an
    empty list is an evaluation that withdrew all autonomy."""
    planned = autonomy_in_plan(task_type, plan_delegable)
    if evaluated_autonomous is not None and task_type in evaluated_autonomous:
        return Autonomy("autonomous", "evaluation")
    source = "default" if plan_delegable is None else "plan"
    if planned == "autonomous":
        return Autonomy("guided", source)
    return Autonomy(planned, source)


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


# -- aggregate -------------------------------------------------------------
class TaskSheet(AuditedAggregate):
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

    class Accepted(AuditedAggregate.Event):
        def apply(self, task: TaskSheet) -> None:
            task.status = "accepted"

    class Started(AuditedAggregate.Event):
        def apply(self, task: TaskSheet) -> None:
            task.status = "in_progress"

    class Completed(AuditedAggregate.Event):
        result: str
        report_ref: str | None

        def apply(self, task: TaskSheet) -> None:
            task.status, task.result, task.report_ref = "completed", self.result, self.report_ref

    class ObstacleReported(AuditedAggregate.Event):
        obstacle: str
        note: str

        def apply(self, task: TaskSheet) -> None:
            task.status, task.obstacle = "obstacle_reported", self.obstacle

    class Cancelled(AuditedAggregate.Event):
        reason: str

        def apply(self, task: TaskSheet) -> None:
            task.status = "cancelled"

    class Reassigned(AuditedAggregate.Event):
        """To another technician of the same coordinator (e.g. burnout, 4.6
        case 4); the task starts over as delegated to them."""

        from_technician_id: str
        to_technician_id: str
        contract_id: str
        reason: str

        def apply(self, task: TaskSheet) -> None:
            task.technician_id, task.contract_id = self.to_technician_id, self.contract_id
            task.status = "delegated"
            task.moved_from, task.moved_because = self.from_technician_id, self.reason

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
        if priority not in PRIORITIES:
            raise InvalidTask(f"priority is one of {', '.join(PRIORITIES)}", field="priority")
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
        self.trigger_event(self.Accepted, **actor.event_fields())

    def start(self, actor: Actor, coordination: dict[str, Any] | None) -> None:
        self._check_assignee(actor, coordination)
        self._check_status("start", ("accepted",))
        self.trigger_event(self.Started, **actor.event_fields())

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
        self.trigger_event(
            self.Completed, result=result.strip(), report_ref=report_ref, **actor.event_fields()
        )

    def report_obstacle(
        self, actor: Actor, coordination: dict[str, Any] | None, obstacle: str, note: str = ""
    ) -> None:
        self._check_assignee(actor, coordination)
        self._check_status("report an obstacle on", OPEN)
        if obstacle not in OBSTACLES:
            raise InvalidTask(
                f"unknown obstacle {obstacle!r}; one of {', '.join(OBSTACLES)}", field="obstacle"
            )
        self.trigger_event(
            self.ObstacleReported, obstacle=obstacle, note=note.strip(), **actor.event_fields()
        )

    # -- the coordinator -----------------------------------------------------
    def cancel(self, actor: Actor, current: dict[str, Any] | None, reason: str) -> None:
        self._check_coordinator(actor, current)
        self._check_status("cancel", OPEN)
        if not reason.strip():
            raise InvalidTask("say why the task is cancelled", field="reason")
        self.trigger_event(self.Cancelled, reason=reason.strip(), **actor.event_fields())

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
        self._check_status("reassign", OPEN)
        if coordination is None:
            raise NoActiveCoordination(
                "R1",
                f"technician {to_technician_id} has no active coordination contract: no tasks",
                technician_id=to_technician_id,
            )
        if to_technician_id == self.technician_id:
            raise InvalidTask("the task is already theirs", field="technician_id")
        self.trigger_event(
            self.Reassigned,
            from_technician_id=self.technician_id,
            to_technician_id=to_technician_id,
            contract_id=coordination["contract_id"],
            reason=reason.strip(),
            **actor.event_fields(),
        )

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


# -- autonomy concluded by an evaluation (3.2 B) ---------------------------
_NS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination/tasks")


def evaluated_autonomy_id(contract_id: UUID | str) -> UUID:
    """One per contract: each later conclusion replaces the earlier one, and a
    new contract (another coordinator) starts without any."""
    return uuid5(_NS, f"evaluated-autonomy:{contract_id}")


def check_conclusion_fits(contract: Mapping[str, Any], conclusion: Mapping[str, Any]) -> None:
    """An evaluation concludes about the contract's technician and is the
    contract's coordinator's; only R3 task types can be done with autonomy
    (never an exclusive act, R2)."""
    for party in ("technician_id", "coordinator_id"):
        if conclusion[party] != contract[party]:
            raise ConclusionNotApplicable(
                f"evaluation {conclusion['evaluation_id']} names {party} {conclusion[party]}; "
                f"contract {contract['contract_id']} has {contract[party]}",
                field=party,
            )
    foreign = [t for t in conclusion["autonomous_tasks"] if t not in DELEGABLE_TASKS]
    if foreign:
        raise ConclusionNotApplicable(
            f"{', '.join(foreign)}: not delegable task types (R2, R3)", field="autonomous_tasks"
        )


class EvaluatedAutonomy(AuditedAggregate):
    """What the latest evaluation under a contract concluded the technician
    does with autonomy: the evaluations service's conclusion, kept as a fact
    of coordination's own so that delegation never asks another service."""

    class Opened(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str

    class Concluded(AuditedAggregate.Event):
        evaluation_id: str
        kind: str
        autonomous_tasks: list[str]
        support_domains: list[str]
        concluded_on: str

        def apply(self, evaluated: EvaluatedAutonomy) -> None:
            evaluated.evaluation_id, evaluated.kind = self.evaluation_id, self.kind
            evaluated.autonomous_tasks = list(self.autonomous_tasks)
            evaluated.support_domains = list(self.support_domains)
            evaluated.concluded_on = self.concluded_on

    def __init__(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        **_meta: str,
    ) -> None:
        self.contract_id, self.municipality = contract_id, municipality
        self.technician_id, self.coordinator_id = technician_id, coordinator_id
        self.evaluation_id = self.kind = self.concluded_on = ""
        self.autonomous_tasks: list[str] = []
        self.support_domains: list[str] = []

    @classmethod
    def open(cls, actor: Actor, contract: Mapping[str, Any]) -> EvaluatedAutonomy:
        return cls._create(
            cls.Opened,
            id=evaluated_autonomy_id(contract["contract_id"]),
            contract_id=contract["contract_id"],
            municipality=contract["municipality"],
            technician_id=contract["technician_id"],
            coordinator_id=contract["coordinator_id"],
            **actor.event_fields(),
        )

    def conclude(
        self, actor: Actor, contract: Mapping[str, Any], conclusion: Mapping[str, Any]
    ) -> None:
        """The newer conclusion replaces the list (in the order the
        evaluations service published them); an empty list withdraws all
        autonomy."""
        check_conclusion_fits(contract, conclusion)
        self.trigger_event(
            self.Concluded,
            evaluation_id=conclusion["evaluation_id"],
            kind=conclusion["kind"],
            autonomous_tasks=[t for t in DELEGABLE_TASKS if t in conclusion["autonomous_tasks"]],
            support_domains=list(conclusion["support_domains"]),
            concluded_on=conclusion["concluded_on"],
            **actor.event_fields(),
        )
