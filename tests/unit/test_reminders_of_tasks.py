"""Reminders of delegated tasks, and what holds for every reminder: whom
it tells (not who left), once (an upstream event twice, another replica),
and stored as internal facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.notifications.reminder_rules import TASK
from services.notifications.reminder_state import INTERNAL_EVENTS, Reminder
from tests.support.reminders import (
    CONTRACT,
    COORDINATOR,
    OTHER_TECH,
    TECH,
    MemoryApp,
    activate,
    delegate,
    drafted,
    fresh_app,
    refer,
    stage,
)


@pytest.fixture
def app() -> MemoryApp:
    return fresh_app()


def test_an_overdue_task_reminds_whoever_holds_it_and_the_coordinator(app):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    late, done = str(uuid4()), str(uuid4())
    delegate(app, late, "2026-03-05T17:00:00+02:00", now)
    delegate(app, done, "2026-03-05T17:00:00+02:00", now)
    moved = {
        "task_id": late,
        "from_technician_id": TECH,
        "to_technician_id": OTHER_TECH,
        "contract_id": str(uuid4()),
    }
    app.follow("coordination", "TaskReassigned", moved, now)
    app.follow("coordination", "TaskCompleted", {"task_id": done, "report_ref": None}, now)

    assert app.fire_reminders(datetime.fromisoformat("2026-03-05T16:59:59+02:00")) == 0
    assert app.fire_reminders(datetime.fromisoformat("2026-03-05T17:00:00+02:00")) == 1
    told = app.told(TASK)
    assert set(told) == {OTHER_TECH, COORDINATOR}
    assert told[COORDINATOR].payload["technician_id"] == OTHER_TECH
    assert late in told[COORDINATOR].text and "2026-03-05 17:00" in told[COORDINATOR].subject
    assert app.reminder(TASK, f"task/{done}", "due").cancelled_because == "task_done"


def test_someone_who_left_is_not_told(app):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    delegate(app, str(uuid4()), "2026-03-05T17:00:00+02:00", now)
    app.follow("coordination", "StaffDeparted", {"staff_id": TECH, "reason": "resigned"}, now)
    assert app.fire_reminders(now + timedelta(days=5)) == 1
    assert set(app.told(TASK)) == {COORDINATOR}


def test_the_same_upstream_event_twice_changes_nothing(app):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    report = drafted("visit_report", "2026-03-01T10:00:00+02:00")
    first = app.follow("cases", "DocumentDrafted", report, now)  # its reminder, and the document
    assert sorted(type(a).__name__ for a in first) == ["FollowedDocument", "Reminder"]
    assert app.follow("cases", "DocumentDrafted", report, now) == []
    activate(app, now)
    assert (
        app.follow(
            "coordination",
            "ContractActivated",
            {
                "contract_id": CONTRACT,
                "technician_id": TECH,
                "coordinator_id": COORDINATOR,
                "hours_per_month": 40,
                "starts_on": "2026-03-01",
                "ends_on": None,
            },
            now,
        )
        == []
    )


def test_a_reminder_another_replica_fired_is_skipped(app):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    delegate(app, str(uuid4()), "2026-03-05T17:00:00+02:00", now)
    app.fail_next_save = True
    assert app.fire_reminders(now + timedelta(days=5)) == 0
    assert app.told(TASK) == {}
    assert app.fire_reminders(now + timedelta(days=5)) == 1  # still pending here: retried


def test_what_the_reminders_store_is_internal(app):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    refer(app, now)
    stage(app, "CaseInterventionStarted", "intervention", now)
    sheet = drafted("observation_sheet", "2026-03-01T10:00:00+02:00")
    app.follow("cases", "DocumentDrafted", sheet, now)
    kinds = {type(a) for a in app.store.values() if type(a).__module__ == Reminder.__module__}
    assert len(kinds) == 3  # Reminder, FollowedCase, FollowedDocument
    for kind in kinds:
        assert issubclass(kind.Event, INTERNAL_EVENTS)
