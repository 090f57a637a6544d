"""Read models of the task sheets (``events.views.FollowedView``)."""

from __future__ import annotations

from typing import Any

from events.topics import topics
from events.views import FollowedView
from services.coordination.tasks.domain import TaskSheet


class TaskIndex(FollowedView):
    """Read model: task ids by technician."""

    TOPICS = topics(TaskSheet, "Delegated", "Reassigned")

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
