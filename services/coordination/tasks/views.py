"""Read models of the task sheets (``events.views.FollowedView``)."""

from __future__ import annotations

from typing import Any

from events.views import FollowedView, topics
from services.coordination.tasks.domain import TaskSheet

# Stores written before the capability folders (ADR 0016) name the task
# sheets' events by the old module; the view reads both.
OLD_MODULE = "services.coordination.tasks"


def task_topics(*events: str) -> list[str]:
    return [*topics(TaskSheet, *events), *(f"{OLD_MODULE}:TaskSheet.{e}" for e in events)]


class TaskIndex(FollowedView):
    """Read model: task ids by technician."""

    TOPICS = task_topics("Delegated", "Reassigned")

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.by_technician: dict[str, list[str]] = {}

    def of(self, technician_id: str) -> list[str]:
        return list(self.by_technician.get(technician_id, []))

    def apply(self, event: Any) -> None:
        task_id = str(event.originator_id)
        if isinstance(event, TaskSheet.Delegated):
            self.by_technician.setdefault(event.technician_id, []).append(task_id)
        elif isinstance(event, TaskSheet.Reassigned):
            self.by_technician[event.from_technician_id].remove(task_id)
            self.by_technician.setdefault(event.to_technician_id, []).append(task_id)
