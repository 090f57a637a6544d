"""The follow-up after closure (guide 2.4, R8): each visit or evaluation the
social worker plans within the period reminds the case's team on its day,
unless one of its kind was recorded done first; archiving the case ends them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.messages import render
from services.notifications.pending import PendingReminders
from services.notifications.reminder_rules import FOLLOW_UP_ACTION
from tests.support.reminders import (
    CASE,
    SOCIAL_WORKER,
    TECH,
    MemoryApp,
    fresh_app,
    local,
    refer,
    stage,
)

CLOSED = {
    "outcome": "plan_achieved",
    "final_report_id": None,
    "follow_up_from": "2026-04-01",
    "follow_up_until": "2026-07-01",
}
PLAN = [
    {"action": "visit", "due_on": "2026-04-15"},
    {"action": "visit", "due_on": "2026-05-15"},
    {"action": "evaluation", "due_on": "2026-06-20"},
]


@pytest.fixture
def app() -> MemoryApp:
    app = fresh_app()
    now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    refer(app, now)
    stage(app, "CaseClosed", "closed", now + timedelta(days=60), **CLOSED)
    app.follow("cases", "FollowUpPlanned", {"case_id": CASE, "actions": PLAN}, now)
    assert app.fire_reminders(local(2026, 4, 1, 9, 0)) == 1  # the period begins (follow_up_due)
    return app


VISITS = f"case/{CASE}/follow-up/visit"
EVALUATIONS = f"case/{CASE}/follow-up/evaluation"


def test_each_planned_action_reminds_the_team_on_its_day(app):
    reminder = app.reminder(FOLLOW_UP_ACTION, VISITS, "2026-04-15")
    assert reminder.due_at == local(2026, 4, 15, 9, 0).isoformat()
    assert reminder.fields == {"case_id": CASE, "action": "visit", "due_on": "2026-04-15"}
    assert app.fire_reminders(local(2026, 4, 15, 8, 59)) == 0
    assert app.fire_reminders(local(2026, 4, 15, 9, 0)) == 1
    assert set(app.told(FOLLOW_UP_ACTION)) == {TECH, SOCIAL_WORKER}
    pending = app.view(PendingReminders).pending(VISITS, FOLLOW_UP_ACTION)
    assert len(pending) == 1  # the May visit still to come


def test_a_visit_recorded_done_answers_the_earliest_one_still_to_come(app):
    done = {"case_id": CASE, "action": "visit", "done_on": "2026-04-14"}
    app.follow("cases", "FollowUpActionRecorded", done, local(2026, 4, 14, 12, 0))
    april = app.reminder(FOLLOW_UP_ACTION, VISITS, "2026-04-15")
    assert april.cancelled_because == "done"
    assert app.reminder(FOLLOW_UP_ACTION, VISITS, "2026-05-15").pending
    assert app.reminder(FOLLOW_UP_ACTION, EVALUATIONS, "2026-06-20").pending
    assert app.fire_reminders(local(2026, 4, 15, 9, 0)) == 0


def test_a_plan_delivered_again_plans_nothing_twice_and_archiving_ends_them(app):
    app.follow("cases", "FollowUpPlanned", {"case_id": CASE, "actions": PLAN}, local(2026, 3, 1))
    subjects = app.view(PendingReminders).of_subject
    assert sum(len(v) for k, v in subjects.items() if "/follow-up/" in k) == 3
    stage(app, "CaseFollowUpBegun", "follow_up", local(2026, 4, 2, 9, 0))
    stage(app, "CaseArchived", "archived", local(2026, 7, 2, 9, 0))
    reminder = app.reminder(FOLLOW_UP_ACTION, EVALUATIONS, "2026-06-20")
    assert reminder.cancelled_because == "case_archived"


def test_the_reminder_names_the_action_in_words():
    fields = {"case_id": "c-1", "action": "evaluation", "due_on": "2026-06-20"}
    subject, text = render("follow_up_action_due", "ro", fields)
    assert subject == (
        "Monitorizare post-închidere planificată azi, 2026-06-20: evaluare de monitorizare, "
        "cazul c-1"
    )
    assert "o evaluare de monitorizare" in text and "a follow-up evaluation" in text
