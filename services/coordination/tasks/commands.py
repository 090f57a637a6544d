"""Application commands and queries of the task sheets (mixin of
CoordinationApplication). Who coordinates whom comes from the contracts
(``coordination_of``), checked on every command, so an ended or suspended
contract stops delegation at once (R1). The autonomy of a delegated task
comes from the plan (``plan_of``) and from what the contract's latest
evaluation concluded (``EvaluatedAutonomy``, followed from the evaluations
service's events)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from events import contracts
from events.actor import SYSTEM, Actor
from events.errors import NotFound
from events.refusals import records_refusals
from events.store import ApplicationPart
from events.vocabulary import DELEGABLE_TASKS
from services.coordination.audit import note_read
from services.coordination.ports import Coordinations, DelegationWatch, Plans, StaffDirectory
from services.coordination.tasks.autonomy import (
    ConclusionNotApplicable,
    EvaluatedAutonomy,
    autonomy_for,
    evaluated_autonomy_id,
)
from services.coordination.tasks.domain import OPEN, TaskSheet
from services.coordination.tasks.rules import (
    TaskStateConflict,
    UnknownTask,
    check_may_read_delegation,
)
from services.coordination.tasks.views import OpenDelegations, TaskIndex

log = logging.getLogger(__name__)

# The one evaluations event coordination follows (its contract:
# contracts/events/evaluations/AutonomyConcluded.v1.schema.json).
AUTONOMY_CONCLUDED = "ro.coordonare.evaluations.AutonomyConcluded.v1"


class TaskCommands(ApplicationPart):
    """The task sheets' commands and queries (load, change, save)."""

    # the other capabilities, through their ports (``ports.py``)
    coordinations: Coordinations
    plans: Plans
    # 4.2.1: excessive delegation raised from the tasks; set by the application
    delegation_watch: DelegationWatch
    staff_directory: StaffDirectory

    def now(self) -> datetime:
        """The clock; tests and replays may replace it."""
        return datetime.now(UTC)

    @records_refusals
    def delegate_task(
        self,
        actor: Actor,
        technician_id: UUID,
        task_type: str,
        instructions: str,
        due_at: str,
        priority: str = "normal",
        case_id: str | None = None,
    ) -> dict[str, Any]:
        coordination = self.coordinations.coordination_of(technician_id)
        plan = self.plans.plan_of(UUID(coordination["contract_id"])) if coordination else None
        task = TaskSheet.delegate(
            actor,
            coordination,
            technician_id=str(technician_id),
            task_type=task_type,
            instructions=instructions,
            due_at=due_at,
            now=self.now(),
            priority=priority,
            case_id=case_id,
            plan_delegable=plan["delegable_tasks"] if plan else None,
            evaluated_autonomous=self._evaluated_autonomous(coordination),
        )
        assert coordination is not None  # delegate() refused it otherwise (R1)
        open_tasks = self.view(OpenDelegations).count(
            coordination["technician_id"], coordination["coordinator_id"]
        )
        raised = self.delegation_watch.excessive_delegation_raised(
            actor, coordination, 1 + open_tasks
        )
        self._save_task(task, *raised)
        return self.task_view(task)

    @records_refusals
    def accept_task(self, actor: Actor, task_id: UUID) -> dict[str, Any]:
        return self._act(task_id, lambda t, c: t.accept(actor, c))

    @records_refusals
    def start_task(self, actor: Actor, task_id: UUID) -> dict[str, Any]:
        return self._act(task_id, lambda t, c: t.start(actor, c))

    @records_refusals
    def complete_task(
        self, actor: Actor, task_id: UUID, result: str, report_ref: str | None = None
    ) -> dict[str, Any]:
        return self._act(task_id, lambda t, c: t.complete(actor, c, result, report_ref))

    @records_refusals
    def report_task_obstacle(
        self, actor: Actor, task_id: UUID, obstacle: str, note: str = ""
    ) -> dict[str, Any]:
        return self._act(task_id, lambda t, c: t.report_obstacle(actor, c, obstacle, note))

    @records_refusals
    def answer_task_obstacle(
        self, actor: Actor, task_id: UUID, answer: str, note: str = "", due_at: str | None = None
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        return self._act(
            task_id, lambda t, c: t.answer_obstacle(actor, c, answer, note, now, due_at)
        )

    @records_refusals
    def cancel_task(self, actor: Actor, task_id: UUID, reason: str) -> dict[str, Any]:
        return self._act(task_id, lambda t, c: t.cancel(actor, c, reason))

    @records_refusals
    def reassign_task(
        self, actor: Actor, task_id: UUID, to_technician_id: UUID, reason: str
    ) -> dict[str, Any]:
        receiving = self.coordinations.coordination_of(to_technician_id)
        return self._act(
            task_id, lambda t, c: t.reassign(actor, c, str(to_technician_id), receiving, reason)
        )

    def open_tasks_moved(
        self, actor: Actor, from_technician_id: str, to_technician_id: UUID, reason: str
    ) -> list[TaskSheet]:
        """The technician's open tasks moved to another (not saved: the
        caller saves them with the fact that moves them, in one transaction)."""
        receiving = self.coordinations.coordination_of(to_technician_id)
        moved = []
        for task_id in self.view(TaskIndex).of(from_technician_id):
            task = self._task(UUID(task_id))
            if task.status in OPEN:
                task.move_to(actor, str(to_technician_id), receiving, reason)
                moved.append(task)
        return moved

    def tasks_moved_back(
        self, actor: Actor, holder_id: str, owner_id: str, because: str
    ) -> list[TaskSheet]:
        """The open tasks that were moved from ``owner_id`` to ``holder_id``
        for ``because`` (a redistribution), moved back (not saved)."""
        owner = self.coordinations.coordination_of(UUID(owner_id))
        back = []
        for task_id in self.view(TaskIndex).of(holder_id):
            task = self._task(UUID(task_id))
            if (
                task.status in OPEN
                and task.moved_from == owner_id
                and (task.moved_because.startswith(because))
            ):
                task.move_to(actor, owner_id, owner, f"{because}: redistribution over")
                back.append(task)
        return back

    # -- in from the evaluations service -------------------------------------------
    def follow_autonomy_concluded(self, event: Any, tracking: Tracking) -> None:
        """An evaluation's conclusion kept as the contract's EvaluatedAutonomy,
        stored with the upstream position in one transaction (a redelivery has
        no second effect). A conclusion that fits no contract of ours is not
        kept: only its position is recorded, so the subscription moves on."""
        actor = Actor(
            event.get_extension("actor") or "evaluations",
            event.get_extension("actorrole") or SYSTEM,
            None,
            event.get_extension("correlationid") or "",
        )
        try:
            evaluated = self._autonomy_concluded(actor, event.get_type(), event.get_data())
        except ConclusionNotApplicable as ignored:
            log.warning("autonomy conclusion %s not kept: %s", event.get_id(), ignored)
            self.save_processed(tracking)
            return
        self.save_processed(tracking, evaluated)

    def _autonomy_concluded(self, actor: Actor, event_type: str, data: Any) -> EvaluatedAutonomy:
        check_upstream_contract(event_type, data)
        try:
            contract = self.coordinations.get_contract(
                Actor("coordination", SYSTEM), UUID(data["contract_id"])
            )
        except NotFound:
            raise ConclusionNotApplicable(
                f"no coordination contract {data['contract_id']}", field="contract_id"
            ) from None
        evaluated = self.find(
            evaluated_autonomy_id(contract["contract_id"]), EvaluatedAutonomy
        ) or EvaluatedAutonomy.open(actor, contract)
        evaluated.conclude(actor, contract, data)
        return evaluated

    # -- queries ---------------------------------------------------------------
    def delegable_tasks(self, actor: Actor, technician_id: UUID) -> dict[str, Any]:
        """What the coordinator may delegate to the technician today and with
        what autonomy, each with its source (plan, evaluation or default).
        Without an active contract nothing is delegable (R1)."""
        technician = self.staff_directory.get_staff(technician_id)
        coordination = self.coordinations.coordination_of(technician_id)
        coordinator_id = coordination["coordinator_id"] if coordination else None
        check_may_read_delegation(
            actor, str(technician_id), technician["municipality"], coordinator_id
        )
        view: dict[str, Any] = {
            "technician_id": str(technician_id),
            "contract_id": None,
            "coordinator_id": coordinator_id,
            "plan_version": None,
            "evaluation_id": None,
            "concluded_on": None,
            "tasks": [],
        }
        if coordination is None:
            return view
        plan = self.plans.plan_of(UUID(coordination["contract_id"]))
        planned = plan["delegable_tasks"] if plan else None
        evaluated = self._evaluated(coordination)
        autonomous = evaluated.autonomous_tasks if evaluated else None
        return view | {
            "contract_id": coordination["contract_id"],
            "plan_version": plan["version"] if plan else None,
            "evaluation_id": evaluated.evaluation_id if evaluated else None,
            "concluded_on": evaluated.concluded_on if evaluated else None,
            "tasks": [delegable_view(t, planned, autonomous) for t in planned or DELEGABLE_TASKS],
        }

    def get_task(self, actor: Actor, task_id: UUID) -> dict[str, Any]:
        task = self._task(task_id)
        task.check_may_read(actor)
        note_read(self, actor, "task", str(task.id), task.technician_id, task.coordinator_id)
        return self.task_view(task)

    def tasks_of_technician(
        self, actor: Actor, technician_id: UUID, open_only: bool = False
    ) -> list[dict[str, Any]]:
        """The technician's task sheets, newest first; ``overdue`` is derived
        from the due time."""
        tasks = [self._task(UUID(t)) for t in self.view(TaskIndex).of(str(technician_id))]
        for task in tasks:
            task.check_may_read(actor)
        if tasks and all(actor.id != t.coordinator_id for t in tasks):
            note_read(self, actor, "tasks", str(technician_id), str(technician_id), None)
        views = [self.task_view(t) for t in tasks if not open_only or t.status in OPEN]
        return sorted(views, key=lambda v: v["due_at"])

    def task_view(self, t: TaskSheet) -> dict[str, Any]:
        return {
            "task_id": str(t.id),
            "municipality": t.municipality,
            "contract_id": t.contract_id,
            "coordinator_id": t.coordinator_id,
            "technician_id": t.technician_id,
            "task_type": t.task_type,
            "autonomy": t.autonomy,
            "case_id": t.case_id,
            "instructions": t.instructions,
            "due_at": t.due_at,
            "priority": t.priority,
            "status": t.status,
            "overdue": t.is_overdue(self.now()),
            "result": t.result,
            "report_ref": t.report_ref,
            "obstacle": t.obstacle,
            "version": t.version,
        }

    # -- helpers ---------------------------------------------------------------
    def _evaluated(self, coordination: dict[str, Any]) -> EvaluatedAutonomy | None:
        return self.find(evaluated_autonomy_id(coordination["contract_id"]), EvaluatedAutonomy)

    def _evaluated_autonomous(self, coordination: dict[str, Any] | None) -> list[str] | None:
        """The tasks the contract's latest evaluation concluded autonomous, or
        None when no evaluation has concluded (or there is no contract)."""
        evaluated = self._evaluated(coordination) if coordination else None
        return None if evaluated is None else evaluated.autonomous_tasks

    def _act(
        self, task_id: UUID, change: Callable[[TaskSheet, dict[str, Any] | None], None]
    ) -> dict[str, Any]:
        task = self._task(task_id)
        change(task, self.coordinations.coordination_of(UUID(task.technician_id)))
        self._save_task(task)
        return self.task_view(task)

    def _save_task(self, task: TaskSheet, *others: Any) -> None:
        """``others``: saved in the same transaction (a difficulty raised with it)."""
        self.save_or(
            TaskStateConflict(
                f"task {task.id} changed meanwhile (a concurrent command); read it again",
                task_id=str(task.id),
            ),
            task,
            *others,
        )

    def _task(self, task_id: UUID) -> TaskSheet:
        missing = UnknownTask(f"no task sheet {task_id}", task_id=str(task_id))
        return self.get_as(task_id, TaskSheet, missing)


def delegable_view(
    task_type: str, planned: dict[str, str] | None, autonomous: list[str] | None
) -> dict[str, Any]:
    """``planned``: the plan's own level, so that a plan's ``autonomous``
    lowered for want of an evaluation shows as such."""
    autonomy = autonomy_for(task_type, planned, autonomous)
    return {
        "task_type": task_type,
        "autonomy": autonomy.level,
        "source": autonomy.source,
        "planned": planned[task_type] if planned else None,
    }


def check_upstream_contract(event_type: str, data: Any) -> None:
    """Only the version we know, and only data that keeps its contract: a
    conclusion we cannot read is not one to act on."""
    if event_type != AUTONOMY_CONCLUDED:
        raise ConclusionNotApplicable(f"{event_type} is not {AUTONOMY_CONCLUDED}")
    schema = contracts.validator(contracts.event_schema_path(event_type))
    problems = [e.message for e in schema.iter_errors(data)]
    if problems:
        raise ConclusionNotApplicable(f"{event_type} breaks its contract: {'; '.join(problems)}")
