"""Obstacles (2.3.3, "nu se amână pe termen nedefinit"): an obstacle left
unanswered past its deadline reminds the coordinator, then escalates to the
SPAS head; an answer stops both, and a new deadline moves the task's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.notifications.reminder_rules import (
    OBSTACLE,
    OBSTACLE_ESCALATED,
    TASK,
)
from tests.support.reminders import CONTRACT, COORDINATOR, HEAD, TECH, fresh_app

TASK_ID = "99999999-9999-9999-9999-999999999999"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def delegated_with_an_obstacle():
    app = fresh_app()
    delegated = {
        "task_id": TASK_ID,
        "contract_id": CONTRACT,
        "coordinator_id": COORDINATOR,
        "technician_id": TECH,
        "task_type": "home_visit",
        "autonomy": "guided",
        "case_id": None,
        "due_at": (NOW + timedelta(days=5)).isoformat(),
        "priority": "normal",
    }
    app.follow("coordination", "TaskDelegated", delegated, NOW)
    due = (NOW + timedelta(hours=24)).isoformat()
    reported = {"task_id": TASK_ID, "obstacle": "lack_of_transport", "answer_due_at": due}
    app.follow("coordination", "TaskObstacleReported", reported, NOW)
    return app, due


def test_an_unanswered_obstacle_reminds_the_coordinator_then_escalates_to_the_spas_head():
    """2.3.3: unanswered by its deadline, the coordinator is reminded; a day
    later still unanswered, the SPAS head is told."""
    app, _ = delegated_with_an_obstacle()
    assert app.fire_reminders(NOW + timedelta(hours=23)) == 0
    assert app.fire_reminders(NOW + timedelta(hours=24)) == 1
    assert set(app.told(OBSTACLE)) == {COORDINATOR}
    assert "2.3.3" in app.told(OBSTACLE)[COORDINATOR].text
    assert app.fire_reminders(NOW + timedelta(hours=48)) == 1
    assert set(app.told(OBSTACLE_ESCALATED)) == {HEAD}


def test_an_answered_obstacle_stops_its_reminders_and_a_new_deadline_moves_the_tasks():
    """2.3.3: the coordinator answers with a new deadline: nothing more is
    reminded about the obstacle, and the task is overdue only after it."""
    app, due = delegated_with_an_obstacle()
    later = (NOW + timedelta(days=9)).isoformat()
    answered = {"task_id": TASK_ID, "answer": "new_deadline", "due_at": later}
    app.follow("coordination", "TaskObstacleAnswered", answered, NOW + timedelta(hours=2))
    key = f"task/{TASK_ID}"
    assert app.reminder(OBSTACLE, key, due).cancelled_because == "obstacle_answered"
    assert app.reminder(OBSTACLE_ESCALATED, key, due).cancelled_because == "obstacle_answered"
    assert app.reminder(TASK, key, "due").due_at == later
    assert app.fire_reminders(NOW + timedelta(days=6)) == 0
    assert app.fire_reminders(NOW + timedelta(days=9)) == 1
