"""The notifications service's timers hold what is pending, not the
history (ADR 19): a reminder sent or cancelled leaves the view, what a
pending one says is read from the store when someone asks, and a cancelled
reminder scheduled again is pending again — on an embedded (SQLite) store,
the recorder's ORM path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.notifications.application import NotificationsApplication
from services.notifications.pending import PendingReminders
from services.notifications.reminder_rules import TASK
from services.notifications.reminder_state import Reminder
from tests.support.reminders import OTHER_TECH, SYSTEM_ACTOR, TECH

DUE = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[NotificationsApplication]:
    app = NotificationsApplication(f"sqlite:///{tmp_path / 'notifications.db'}")
    yield app
    app.close()


def test_a_pending_reminder_is_read_from_the_store_and_leaves_the_view_when_cancelled(
    app: NotificationsApplication,
) -> None:
    reminder = Reminder.schedule(
        SYSTEM_ACTOR, TASK, "task/1", "2026-03", DUE, [TECH], {"task_id": "1"}, {}
    )
    app.save(reminder)
    view = app.view(PendingReminders)
    [row] = view.for_recipient(TECH)
    assert row["reminder_id"] == str(reminder.id) and row["kind"] == TASK
    assert row["fields"] == {"task_id": "1"} and row["recipients"] == [TECH]
    assert view.due(DUE) == [str(reminder.id)]

    reminder.cancel(SYSTEM_ACTOR, "task_done", DUE)
    app.save(reminder)
    view = app.view(PendingReminders)
    assert view.for_recipient(TECH) == [] and view.due(DUE) == []
    assert not (view.reminders or view.of_subject or view.of_recipient)

    # scheduled again, for someone else and a day later: pending again, and
    # it says what the store says now
    later = DUE + timedelta(days=1)
    assert reminder.reschedule(SYSTEM_ACTOR, due_at=later, recipients=[OTHER_TECH])
    app.save(reminder)
    view = app.view(PendingReminders)
    assert view.pending("task/1", TASK) == [str(reminder.id)]
    assert view.due(DUE) == [] and view.due(later) == [str(reminder.id)]
    assert view.for_recipient(TECH) == []
    [row] = view.for_recipient(OTHER_TECH)
    assert row["recipients"] == [OTHER_TECH] and row["fields"] == {"task_id": "1"}
    assert datetime.fromisoformat(row["due_at"]) == later

    # a view built from zero (a restart) holds the same
    fresh = PendingReminders(app)
    fresh.catch_up()
    assert fresh.reminders == view.reminders and fresh.of_recipient == view.of_recipient
