"""Obstacles (2.3.3; the operational checklist: "nu se amână pe termen
nedefinit"): a task held up by an obstacle is not a dead end."""

from datetime import timedelta

import pytest

from services.coordination.tasks.published import task_publication
from services.coordination.tasks.rules import InvalidTask, TaskAccessDenied, TaskStateConflict
from tests.support.published import as_published
from tests.unit.test_task_domain import COORDINATION, COORDINATOR, NOW, TECH, home_visit


def test_the_coordinator_answers_an_obstacle_and_the_technician_resumes():
    """2.3.3: the coordinator answers with guidance or a new deadline; the
    technician resumes where they were and completes the task."""
    task = home_visit()
    task.accept(TECH, COORDINATION)
    task.start(TECH, COORDINATION)
    task.report_obstacle(TECH, COORDINATION, "beneficiary_absent", "nu era acasă")
    with pytest.raises(TaskAccessDenied):
        task.answer_obstacle(TECH, COORDINATION, "guidance", "revin mâine", NOW)
    with pytest.raises(InvalidTask, match="still to come"):
        task.answer_obstacle(COORDINATOR, COORDINATION, "new_deadline", "", NOW, NOW.isoformat())
    with pytest.raises(InvalidTask, match="note"):
        task.answer_obstacle(COORDINATOR, COORDINATION, "guidance", " ", NOW)
    later = (NOW + timedelta(days=5)).isoformat()
    task.answer_obstacle(COORDINATOR, COORDINATION, "new_deadline", "după-amiaza", NOW, later)
    assert (task.status, task.due_at) == ("in_progress", later)
    with pytest.raises(TaskStateConflict):
        task.answer_obstacle(COORDINATOR, COORDINATION, "guidance", "din nou", NOW)
    task.complete(TECH, COORDINATION, "Vizită efectuată")
    assert task.status == "completed"


def test_an_obstacle_can_be_answered_by_reassigning_or_cancelling_the_task():
    """2.3.3: reassigning the task or cancelling it answers the obstacle too."""
    task = home_visit()
    task.report_obstacle(TECH, COORDINATION, "safety_risk", "câine agresiv")
    task.cancel(COORDINATOR, COORDINATION, "vizita se face cu poliția locală")
    assert task.status == "cancelled"
    guided = home_visit()
    guided.report_obstacle(TECH, COORDINATION, "lack_of_transport", "")
    guided.answer_obstacle(COORDINATOR, COORDINATION, "guidance", "mașina primăriei", NOW)
    assert guided.status == "delegated"


def test_an_answered_obstacle_is_published_without_its_note():
    task = home_visit()
    task.report_obstacle(TECH, COORDINATION, "missing_documents", "")
    later = (NOW + timedelta(days=3)).isoformat()
    task.answer_obstacle(COORDINATOR, COORDINATION, "new_deadline", "secret", NOW, later)
    *_, reported, answered = task.collect_events()
    body = as_published(answered, 3, "coordination", task_publication)
    assert body["data"] == {"task_id": str(task.id), "answer": "new_deadline", "due_at": later}
    reported_body = as_published(reported, 2, "coordination", task_publication)
    due = reported.timestamp + timedelta(hours=24)
    assert reported_body["data"]["answer_due_at"] == due.isoformat()
