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


class OpenDelegations(FollowedView):
    """Read model: the open tasks (``OPEN``) each coordinator left each
    technician — what excessive delegation (4.2.1) counts at every
    delegation, without loading a technician's every task, done ones
    included. A task held up by an obstacle is not open (as in ``OPEN``)
    until the obstacle is answered; obstacles are reported on open tasks
    only, and the answer resumes the task where it was."""

    TOPICS = topics(
        TaskSheet,
        "Delegated",
        "Reassigned",
        "Completed",
        "Cancelled",
        "ObstacleReported",
        "ObstacleAnswered",
    )

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.parties: dict[str, tuple[str, str]] = {}  # task -> (technician, coordinator)
        self.open: dict[tuple[str, str], set[str]] = {}

    def count(self, technician_id: str, coordinator_id: str) -> int:
        return len(self.open.get((technician_id, coordinator_id), ()))

    def apply(self, event: Any) -> None:
        task_id = str(event.originator_id)
        if isinstance(event, TaskSheet.Delegated):
            self.parties[task_id] = (event.technician_id, event.coordinator_id)
            self._reopen(task_id)
        elif isinstance(event, TaskSheet.Reassigned):  # delegated anew, to another technician
            self._close(task_id)
            self.parties[task_id] = (event.to_technician_id, self.parties[task_id][1])
            self._reopen(task_id)
        elif isinstance(event, TaskSheet.ObstacleAnswered):
            self._reopen(task_id)
        else:  # completed, cancelled, or held up by an obstacle
            self._close(task_id)

    def _reopen(self, task_id: str) -> None:
        self.open.setdefault(self.parties[task_id], set()).add(task_id)

    def _close(self, task_id: str) -> None:
        self.open.get(self.parties[task_id], set()).discard(task_id)
