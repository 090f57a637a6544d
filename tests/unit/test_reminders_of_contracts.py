"""Reminders of a contract (R6, R1): the hours of each month, and its end
coming up; what cancels or moves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.pending import PendingReminders
from services.notifications.reminder_rules import CONTRACT_ENDING, HOURS
from tests.support.reminders import (
    CONTRACT,
    COORDINATOR,
    HEAD,
    MUNICIPALITY,
    TECH,
    MemoryApp,
    activate,
    fresh_app,
    journal,
    local,
)


@pytest.fixture
def app() -> MemoryApp:
    return fresh_app()


def test_the_38_hour_month_reminds_the_coordinator_and_the_spas_head(app):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    activate(app, now)
    reminder = app.reminder(HOURS, f"contract/{CONTRACT}", "2026-01")
    assert reminder.due_at == local(2026, 2, 1, 0, 0).isoformat()
    journal(app, "JournalEntryRecorded", "2026-01", 30 * 60, now)
    journal(app, "JournalEntryRecorded", "2026-01", 38 * 60, now + timedelta(days=20))

    assert app.fire_reminders(local(2026, 1, 31, 23, 59)) == 0
    assert app.fire_reminders(local(2026, 2, 1, 0, 0)) == 1

    reminder = app.reminder(HOURS, f"contract/{CONTRACT}", "2026-01")
    assert reminder.status == "sent" and sorted(reminder.sent_to) == sorted([COORDINATOR, HEAD])
    told = app.told(HOURS)
    assert set(told) == {COORDINATOR, HEAD}  # not the other municipality's head
    assert "38 ore" in told[HEAD].text and "38 hours" in told[HEAD].text
    assert "2026-01" in told[HEAD].subject
    assert told[HEAD].payload == {
        "kind": HOURS,
        "contract_id": CONTRACT,
        "technician_id": TECH,
        "coordinator_id": COORDINATOR,
        "municipality": MUNICIPALITY,
        "month": "2026-01",
        "month_minutes": 38 * 60,
    }
    # the next month is checked too, even with no journal entry at all
    february = app.reminder(HOURS, f"contract/{CONTRACT}", "2026-02")
    assert february.pending and february.due_at == local(2026, 3, 1, 0, 0).isoformat()
    assert app.fire_reminders(local(2026, 3, 1, 0, 0)) == 1
    assert "0 ore" in app.store[february.id].fields["hours"] + " ore"
    assert app.fire_reminders(local(2026, 3, 1, 0, 1)) == 0  # sent once


def test_a_compliant_month_and_a_withdrawal(app):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    activate(app, now)
    journal(app, "JournalEntryRecorded", "2026-01", 41 * 60, now)
    journal(app, "JournalEntryRecorded", "2026-02", 40 * 60, now + timedelta(days=30))
    journal(app, "JournalEntryWithdrawn", "2026-02", 39 * 60, now + timedelta(days=31))
    assert app.fire_reminders(local(2026, 3, 1, 0, 0)) == 1  # February only
    assert app.reminder(HOURS, f"contract/{CONTRACT}", "2026-01").cancelled_because == "compliant"
    assert app.reminder(HOURS, f"contract/{CONTRACT}", "2026-02").status == "sent"


def test_a_contract_under_40_coordination_hours_is_listed_only_while_under_40(app):
    """2.1 §2, 3.1 (R6): the coordinator's coming reminders show a month's
    hours check while the journal is under 40 hours, and not once it has 40;
    an entry withdrawn below 40 shows it again."""
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    activate(app, now)

    def coming() -> list[str]:  # what upcoming_reminders lists, as the view keeps it
        timers = app.view(PendingReminders)
        mine = timers.of_recipient.get(COORDINATOR, set())
        return [
            rid
            for rid in mine
            if timers.reminders[rid].kind == HOURS and timers.reminders[rid].listed
        ]

    january = str(app.reminder(HOURS, f"contract/{CONTRACT}", "2026-01").id)
    assert coming() == [january]
    journal(app, "JournalEntryRecorded", "2026-01", 38 * 60, now)
    assert coming() == [january]
    journal(app, "JournalEntryRecorded", "2026-01", 40 * 60, now + timedelta(days=1))
    assert coming() == []
    assert app.reminder(HOURS, f"contract/{CONTRACT}", "2026-01").pending  # still checked
    journal(app, "JournalEntryWithdrawn", "2026-01", 39 * 60, now + timedelta(days=2))
    assert coming() == [january]


def test_a_terminated_contract_is_not_reminded(app):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    activate(app, now, ends_on="2026-03-31")
    ending = app.reminder(CONTRACT_ENDING, f"contract/{CONTRACT}", "2026-03-31")
    assert ending.due_at == local(2026, 3, 1, 9, 0).isoformat()
    data = {
        "contract_id": CONTRACT,
        "technician_id": TECH,
        "coordinator_id": COORDINATOR,
        "reason": "by_agreement",
        "replaced_by": None,
    }
    app.follow("coordination", "ContractTerminated", data, now + timedelta(days=3))
    assert app.fire_reminders(local(2026, 4, 1)) == 0
    assert app.reminder(HOURS, f"contract/{CONTRACT}", "2026-01").status == "cancelled"
    assert app.store[ending.id].cancelled_because == "contract_terminated"
    assert app.view(PendingReminders).reminders == {}


def test_contract_ending_rescheduled_by_an_amendment(app):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    activate(app, now, ends_on="2026-06-30")
    amended = {
        "contract_id": CONTRACT,
        "changed": ["ends_on"],
        "hours_per_month": None,
        "ends_on": "2026-12-31",
    }
    app.follow("coordination", "ContractAmended", amended, now + timedelta(days=1))
    old = app.reminder(CONTRACT_ENDING, f"contract/{CONTRACT}", "2026-06-30")
    new = app.reminder(CONTRACT_ENDING, f"contract/{CONTRACT}", "2026-12-31")
    assert old.cancelled_because == "ends_on_changed"
    assert new.pending and new.due_at == local(2026, 12, 1, 9, 0).isoformat()

    assert app.fire_reminders(local(2026, 12, 1, 9, 0)) >= 1
    told = app.told(CONTRACT_ENDING)
    assert set(told) == {COORDINATOR, TECH, HEAD}
    assert "2026-12-31" in told[TECH].subject and "R1" in told[TECH].text


def test_contract_ending_at_once_when_less_than_30_days_remain(app):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    activate(app, now, ends_on="2026-01-20")
    reminder = app.reminder(CONTRACT_ENDING, f"contract/{CONTRACT}", "2026-01-20")
    assert reminder.is_due(now)
    assert app.fire_reminders(now) == 1
