"""RPC entrypoints of the task sheets (mixin of CoordinationService): one
declaration per command and per query (``events.adapter``), and the
subscription to the evaluations service's conclusions on autonomy."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from events.adapter import command, id_of, query, uuid_arg
from events.subscribe import subscribe
from services.coordination.rpc_base import CoordinationRpc


class TaskRpc(CoordinationRpc):
    delegate_task = command(
        "delegate_task",
        lambda app, actor, c: app.delegate_task(
            actor,
            id_of(c, "technician_id"),
            c["task_type"],
            c["instructions"],
            c["due_at"],
            c.get("priority", "normal"),
            c.get("case_id"),
        ),
    )
    accept_task = command(
        "accept_task", lambda app, actor, c: app.accept_task(actor, id_of(c, "task_id"))
    )
    start_task = command(
        "start_task", lambda app, actor, c: app.start_task(actor, id_of(c, "task_id"))
    )
    complete_task = command(
        "complete_task",
        lambda app, actor, c: app.complete_task(
            actor, id_of(c, "task_id"), c["result"], c.get("report_ref")
        ),
    )
    report_task_obstacle = command(
        "report_task_obstacle",
        lambda app, actor, c: app.report_task_obstacle(
            actor, id_of(c, "task_id"), c["obstacle"], c.get("note", "")
        ),
    )
    answer_task_obstacle = command(
        "answer_task_obstacle",
        lambda app, actor, c: app.answer_task_obstacle(
            actor, id_of(c, "task_id"), c["answer"], c.get("note", ""), c.get("due_at")
        ),
    )
    cancel_task = command(
        "cancel_task",
        lambda app, actor, c: app.cancel_task(actor, id_of(c, "task_id"), c["reason"]),
    )
    reassign_task = command(
        "reassign_task",
        lambda app, actor, c: app.reassign_task(
            actor, id_of(c, "task_id"), id_of(c, "to_technician_id"), c["reason"]
        ),
    )

    # -- queries ---------------------------------------------------------------
    get_task = query(
        "get_task",
        lambda app, actor, task_id: app.get_task(actor, uuid_arg(task_id, "task_id")),
        past=True,
    )
    tasks_of_technician = query(
        "tasks_of_technician",
        lambda app, actor, technician_id, open_only=False: app.tasks_of_technician(
            actor, uuid_arg(technician_id, "technician_id"), bool(open_only)
        ),
    )
    # The task types delegable to the technician today, each with its
    # effective autonomy and where it comes from (plan, evaluation, default).
    delegable_tasks = query(
        "delegable_tasks",
        lambda app, actor, technician_id: app.delegable_tasks(
            actor, uuid_arg(technician_id, "technician_id")
        ),
    )

    # -- in from the evaluations service (3.2 B) ---------------------------------
    @subscribe("evaluations", ["AutonomyConcluded"])
    def on_evaluations(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_autonomy_concluded(event, tracking)
