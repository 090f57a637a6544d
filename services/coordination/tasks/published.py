"""Published contracts of the task sheets: ids, types, codes and times —
never the instructions or the result text, which stay in the store. The
evaluated autonomy is the evaluations service's fact, kept here: it is not
published again (its effect shows in each TaskDelegated's autonomy)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from events.cloudevent import Publication
from services.coordination.tasks.autonomy import EvaluatedAutonomy
from services.coordination.tasks.domain import OBSTACLE_ANSWER_HOURS, TaskSheet


def task_publication(event: Any) -> Any:
    """A Publication, None for internal events, or NotImplemented for events
    that are not the task sheets'."""
    if isinstance(event, EvaluatedAutonomy.Event):
        return None
    if not isinstance(event, TaskSheet.Event):
        return NotImplemented
    task = {"task_id": str(event.originator_id)}
    match event:
        case TaskSheet.Delegated():
            return Publication(
                "TaskDelegated",
                task
                | {
                    "contract_id": event.contract_id,
                    "coordinator_id": event.coordinator_id,
                    "technician_id": event.technician_id,
                    "task_type": event.task_type,
                    "autonomy": event.autonomy,
                    "case_id": event.case_id,
                    "due_at": event.due_at,
                    "priority": event.priority,
                },
                municipality=event.municipality,
            )
        case TaskSheet.Accepted():
            return Publication("TaskAccepted", task)
        case TaskSheet.Started():
            return Publication("TaskStarted", task)
        case TaskSheet.Completed():
            return Publication("TaskCompleted", task | {"report_ref": event.report_ref})
        case TaskSheet.ObstacleReported():
            answer_due = event.timestamp + timedelta(hours=OBSTACLE_ANSWER_HOURS)
            return Publication(
                "TaskObstacleReported",
                task | {"obstacle": event.obstacle, "answer_due_at": answer_due.isoformat()},
            )
        case TaskSheet.ObstacleAnswered():
            return Publication(
                "TaskObstacleAnswered", task | {"answer": event.answer, "due_at": event.due_at}
            )
        case TaskSheet.Cancelled():
            return Publication("TaskCancelled", task)
        case TaskSheet.Reassigned():
            return Publication(
                "TaskReassigned",
                task
                | {
                    "from_technician_id": event.from_technician_id,
                    "to_technician_id": event.to_technician_id,
                    "contract_id": event.contract_id,
                },
            )
    return NotImplemented
