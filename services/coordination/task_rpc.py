"""RPC entrypoints of the task sheets (mixin of CoordinationService), and
the subscription to the evaluations service's conclusions on autonomy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from events.adapter import command, id_of
from events.nameko import rpc
from events.subscribe import subscribe
from services.coordination.rpc_base import CoordinationRpc


class TaskRpc(CoordinationRpc):
    @rpc
    def delegate_task(self, actor: dict, command: dict) -> dict:
        c = self._command("delegate_task", command)
        return self.app.delegate_task(
            self._actor(actor),
            UUID(c["technician_id"]),
            c["task_type"],
            c["instructions"],
            c["due_at"],
            c.get("priority", "normal"),
            c.get("case_id"),
        )

    accept_task = command(
        "accept_task", lambda app, actor, c: app.accept_task(actor, id_of(c, "task_id"))
    )

    @rpc
    def start_task(self, actor: dict, command: dict) -> dict:
        c = self._command("start_task", command)
        return self.app.start_task(self._actor(actor), UUID(c["task_id"]))

    @rpc
    def complete_task(self, actor: dict, command: dict) -> dict:
        c = self._command("complete_task", command)
        return self.app.complete_task(
            self._actor(actor), UUID(c["task_id"]), c["result"], c.get("report_ref")
        )

    @rpc
    def report_task_obstacle(self, actor: dict, command: dict) -> dict:
        c = self._command("report_task_obstacle", command)
        return self.app.report_task_obstacle(
            self._actor(actor), UUID(c["task_id"]), c["obstacle"], c.get("note", "")
        )

    @rpc
    def cancel_task(self, actor: dict, command: dict) -> dict:
        c = self._command("cancel_task", command)
        return self.app.cancel_task(self._actor(actor), UUID(c["task_id"]), c["reason"])

    @rpc
    def reassign_task(self, actor: dict, command: dict) -> dict:
        c = self._command("reassign_task", command)
        return self.app.reassign_task(
            self._actor(actor), UUID(c["task_id"]), UUID(c["to_technician_id"]), c["reason"]
        )

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
