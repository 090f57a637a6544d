"""RPC entrypoints of the task sheets (mixin of CoordinationService): one
declaration per command (``events.adapter.command``), and the subscription
to the evaluations service's conclusions on autonomy."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from events.adapter import command, id_of
from events.nameko import rpc
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
    @rpc
    def get_task(self, actor: dict, task_id: str) -> dict:
        return self.app.get_task(self._actor(actor), self._uuid(task_id, "task_id"))

    @rpc
    def tasks_of_technician(
        self, actor: dict, technician_id: str, open_only: bool = False
    ) -> list[dict]:
        return self.app.tasks_of_technician(
            self._actor(actor), self._uuid(technician_id, "technician_id"), bool(open_only)
        )

    @rpc
    def delegable_tasks(self, actor: dict, technician_id: str) -> dict:
        """The task types delegable to the technician today, each with its
        effective autonomy and where it comes from (plan, evaluation, default)."""
        return self.app.delegable_tasks(
            self._actor(actor), self._uuid(technician_id, "technician_id")
        )

    # -- in from the evaluations service (3.2 B) ---------------------------------
    @subscribe("evaluations", ["AutonomyConcluded"])
    def on_evaluations(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_autonomy_concluded(event, tracking)
