"""Reminders and compliance (R6, R7, R8), the pure parts: which reminder,
when it falls due, what each template says."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.notifications.messages import render
from services.notifications.pending import PendingReminders
from services.notifications.reminder_rules import (
    CONTRACT_ENDING,
    FOLLOW_UP,
    HOURS,
    OBSERVATION,
    PROGRESS,
    TASK,
    contract_ending_at,
    covers,
    hours_text,
    hours_verdict,
    month_end,
    month_of,
    next_month,
    observation_times,
    progress_check_at,
    progress_verdict,
    reminder_id,
)
from services.notifications.reminder_state import Reminder
from services.notifications.reminders import CASES_EVENTS, COORDINATION_EVENTS
from tests.support.reminders import (
    CASE,
    CONTRACT,
    COORDINATOR,
    OTHER_TECH,
    SYSTEM_ACTOR,
    TECH,
    local,
)


def test_one_reminder_per_kind_subject_and_period():
    assert reminder_id(HOURS, "contract/c", "2026-01") == reminder_id(
        HOURS, "contract/c", "2026-01"
    )
    assert reminder_id(HOURS, "contract/c", "2026-01") != reminder_id(
        HOURS, "contract/c", "2026-02"
    )
    assert reminder_id(HOURS, "contract/c", "2026-01") != reminder_id(
        PROGRESS, "contract/c", "2026-01"
    )


def test_observation_sheet_reminded_at_five_sixths_of_its_term():
    visit = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert observation_times(visit, 24) == (
        visit + timedelta(hours=20),
        visit + timedelta(hours=24),
    )
    assert observation_times(visit, 12) == (
        visit + timedelta(hours=10),
        visit + timedelta(hours=12),
    )


def test_months_are_the_countys():
    # 23:30 UTC on 31 January is already 1 February in Bucharest
    assert month_of(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)) == "2026-02"
    assert next_month("2026-12") == "2027-01"
    assert month_end("2026-12") == local(2027, 1, 1, 0, 0)
    assert progress_check_at("2026-01") == local(2026, 2, 5, 9, 0)
    assert progress_check_at("2026-12") == local(2027, 1, 5, 9, 0)


def test_contract_ending_thirty_days_before_or_at_once():
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert contract_ending_at(date(2026, 6, 30), now) == local(2026, 5, 31, 9, 0)
    soon = contract_ending_at(date(2026, 3, 10), now)
    assert soon is not None and soon < now  # less than 30 days left: due at once
    assert contract_ending_at(date(2026, 3, 1), now) is not None  # ends today
    assert contract_ending_at(date(2026, 2, 28), now) is None  # already ended


def test_a_sheet_covers_the_visit_it_records():
    visit = "2026-03-10T10:00:00+02:00"
    assert covers("2026-03-10T09:30:00+02:00", visit)
    assert covers("2026-03-10T21:00:00+02:00", visit)
    assert not covers("2026-03-08T10:00:00+02:00", visit)  # an earlier visit's sheet
    assert not covers("2026-03-12T10:00:00+02:00", visit)


def test_hours_and_verdicts():
    assert hours_text(38 * 60) == "38"
    assert hours_text(38 * 60 + 30) == "38.5"
    assert hours_text(0) == "0"
    assert hours_verdict(38 * 60, "active") is None  # the 38-hour month is reminded
    assert hours_verdict(40 * 60, "active") == "compliant"
    assert hours_verdict(0, "suspended") == "contract_suspended"
    assert hours_verdict(0, "terminated") == "contract_terminated"
    assert progress_verdict("intervention", [], "2026-01") is None
    assert progress_verdict("monitoring", ["2026-01"], "2026-01") == "reported"
    assert progress_verdict("closed", [], "2026-01") == "case_not_active"


def test_the_reminder_aggregate():
    due = datetime(2026, 3, 1, tzinfo=UTC)
    reminder = Reminder.schedule(
        SYSTEM_ACTOR, TASK, "task/t", "due", due, [TECH, COORDINATOR, TECH], {"a": 1}, {}
    )
    assert reminder.recipients == [TECH, COORDINATOR]
    assert reminder.payload == {"kind": TASK}
    assert not reminder.is_due(due - timedelta(seconds=1)) and reminder.is_due(due)
    assert not reminder.reschedule(SYSTEM_ACTOR, recipients=[TECH, COORDINATOR])  # no change
    assert reminder.reschedule(SYSTEM_ACTOR, recipients=[OTHER_TECH, COORDINATOR])
    assert reminder.cancel(SYSTEM_ACTOR, "task_done", due)
    assert not reminder.cancel(SYSTEM_ACTOR, "again", due)
    assert not reminder.is_due(due)
    assert reminder.reschedule(SYSTEM_ACTOR)  # a cancelled one may be pending again
    reminder.mark_sent(SYSTEM_ACTOR, [OTHER_TECH], due)
    assert reminder.status == "sent" and reminder.sent_to == [OTHER_TECH]
    assert not reminder.reschedule(SYSTEM_ACTOR, due_at=due + timedelta(days=1))
    names = [type(e).__name__ for e in reminder.collect_events()]
    assert names == ["Scheduled", "Rescheduled", "Cancelled", "Rescheduled", "Sent"]


def test_the_pending_view_keeps_due_times_by_subject():
    view = PendingReminders(None)
    due = datetime(2026, 3, 1, tzinfo=UTC)
    first = Reminder.schedule(SYSTEM_ACTOR, TASK, "task/1", "due", due, [TECH], {}, {})
    second = Reminder.schedule(
        SYSTEM_ACTOR, OBSERVATION, f"case/{CASE}/author/{TECH}", "d", due - timedelta(1), [], {}, {}
    )
    for event in [*first.collect_events(), *second.collect_events()]:
        view.apply(event)
    assert view.due(due) == [str(second.id), str(first.id)]  # the earliest first
    assert view.due(due) == [str(second.id), str(first.id)]  # still due until sent
    assert view.due(due - timedelta(days=2)) == []
    assert view.pending(f"case/{CASE}", nested=True) == [str(second.id)]
    assert view.pending(f"case/{CASE}") == []
    assert view.of_recipient == {TECH: {str(first.id)}}
    first.cancel(SYSTEM_ACTOR, "done", due)
    for event in first.collect_events():
        view.apply(event)
    assert view.due(due) == [str(second.id)]
    assert view.pending("task/1") == [] and TECH not in view.of_recipient
    # an ended reminder leaves every index: the view holds what is pending only
    second.mark_sent(SYSTEM_ACTOR, [], due)
    for event in second.collect_events():
        view.apply(event)
    assert view.due(due) == [] and view.pending(f"case/{CASE}", nested=True) == []
    assert not (view.reminders or view.of_subject or view.nested or view.of_recipient)


def test_a_rescheduled_reminder_is_due_at_its_new_time_only():
    view = PendingReminders(None)
    due = datetime(2026, 3, 1, tzinfo=UTC)
    reminder = Reminder.schedule(SYSTEM_ACTOR, TASK, "task/1", "due", due, [TECH], {}, {})
    assert reminder.reschedule(SYSTEM_ACTOR, due_at=due + timedelta(days=1), recipients=[CASE])
    for event in reminder.collect_events():
        view.apply(event)
    assert view.due(due) == []
    assert view.due(due + timedelta(days=1)) == [str(reminder.id)]
    assert view.of_recipient == {CASE: {str(reminder.id)}}


def test_every_followed_event_is_subscribed():
    assert "DocumentDrafted" in CASES_EVENTS and "DocumentSubmitted" in CASES_EVENTS
    assert {"JournalEntryRecorded", "JournalEntryWithdrawn", "TaskDelegated"} <= set(
        COORDINATION_EVENTS
    )


def test_every_template_renders_from_the_fields_given():
    fields = {
        OBSERVATION: {"case_id": CASE, "occurred_at": "x", "due_at": "y"},
        PROGRESS: {"case_id": CASE, "period": "2026-01"},
        HOURS: {"contract_id": CONTRACT, "month": "2026-01", "hours": "38"},
        FOLLOW_UP: {"case_id": CASE, "from_date": "a", "until_date": "b"},
        CONTRACT_ENDING: {"contract_id": CONTRACT, "ends_on": "2026-12-31"},
        TASK: {"task_id": "t", "task_type": "home_visit", "due_at": "z"},
    }
    for kind, values in fields.items():
        for language in ("ro", "en"):
            subject, text = render(kind, language, values | {"link": "http://x"})
            assert subject and "http://x" in text
