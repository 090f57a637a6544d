"""Reminders of a case (R7, R8): the observation sheet after each visit,
the monthly progress report, the follow-up after closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.pending import PendingReminders
from services.notifications.reminder_rules import FOLLOW_UP, OBSERVATION, PROGRESS, case_record_id
from services.notifications.reminder_state import FollowedCase
from tests.support.reminders import (
    CASE,
    CONTRACT,
    OTHER_TECH,
    SOCIAL_WORKER,
    TECH,
    MemoryApp,
    activate,
    drafted,
    fresh_app,
    local,
    refer,
    stage,
)


@pytest.fixture
def app() -> MemoryApp:
    return fresh_app()


def test_the_observation_sheet_due_24_hours_after_the_visit(app):
    visit = "2026-03-10T10:00:00+02:00"
    now = datetime.fromisoformat(visit) + timedelta(hours=2)
    report = drafted("visit_report", visit)
    app.follow("cases", "DocumentDrafted", report, now)
    reminder = app.reminder(OBSERVATION, f"case/{CASE}/author/{TECH}", report["document_id"])
    assert reminder.due_at == "2026-03-11T06:00:00+02:00"  # 20 h after the visit
    assert reminder.fields == {
        "case_id": CASE,
        "occurred_at": "2026-03-10 10:00",
        "due_at": "2026-03-11 10:00",
    }
    assert reminder.payload["visit_report_id"] == report["document_id"]

    assert app.fire_reminders(datetime.fromisoformat("2026-03-11T05:59:00+02:00")) == 0
    assert app.fire_reminders(datetime.fromisoformat("2026-03-11T06:00:00+02:00")) == 1
    told = app.told(OBSERVATION)
    assert set(told) == {TECH}
    assert "2026-03-11 10:00" in told[TECH].subject and CASE in told[TECH].link


def test_a_submitted_sheet_cancels_the_reminder_of_its_visit_only(app):
    visit, earlier = "2026-03-10T10:00:00+02:00", "2026-03-07T10:00:00+02:00"
    now = datetime.fromisoformat(visit) + timedelta(hours=1)
    report, old_report = drafted("visit_report", visit), drafted("visit_report", earlier)
    app.follow("cases", "DocumentDrafted", old_report, now)
    app.follow("cases", "DocumentDrafted", report, now)
    sheet = drafted("observation_sheet", "2026-03-10T10:15:00+02:00")
    app.follow("cases", "DocumentDrafted", sheet, now)
    submitted = {"document_id": sheet["document_id"], "version": 1, "late": False}
    app.follow("cases", "DocumentSubmitted", submitted, now + timedelta(hours=3))
    app.follow("cases", "DocumentSubmitted", submitted | {"version": 2}, now + timedelta(hours=4))

    subject = f"case/{CASE}/author/{TECH}"
    assert app.reminder(OBSERVATION, subject, report["document_id"]).cancelled_because == (
        "observation_sheet_submitted"
    )
    assert app.reminder(OBSERVATION, subject, old_report["document_id"]).pending
    assert app.fire_reminders(now + timedelta(days=2)) == 1  # the earlier visit's


def test_a_sheet_submitted_before_the_visit_report_needs_no_reminder(app):
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    sheet = drafted("observation_sheet", "2026-03-10T10:00:00+02:00")
    app.follow("cases", "DocumentDrafted", sheet, now)
    submitted = {"document_id": sheet["document_id"], "version": 1, "late": False}
    app.follow("cases", "DocumentSubmitted", submitted, now)
    report = drafted("visit_report", sheet["occurred_at"])
    changed = app.follow("cases", "DocumentDrafted", report, now)
    assert [type(a).__name__ for a in changed] == ["FollowedDocument"]  # noted, no reminder


def test_a_plan_tightens_the_observation_term(app):
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    activate(app, now)
    plan = {"contract_id": CONTRACT, "reporting": {"observation_sheet_hours": 12}}
    app.follow("coordination", "CoordinationPlanVersioned", plan, now)
    report = drafted("visit_report", "2026-03-10T10:00:00+02:00")
    app.follow("cases", "DocumentDrafted", report, now + timedelta(days=9))
    reminder = app.reminder(OBSERVATION, f"case/{CASE}/author/{TECH}", report["document_id"])
    assert reminder.due_at == "2026-03-10T20:00:00+02:00"
    assert reminder.payload["due_at"] == "2026-03-10T22:00:00+02:00"


def test_the_monthly_progress_report(app):
    now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    refer(app, now)
    stage(app, "CaseInterventionStarted", "intervention", now)
    app.follow(
        "cases", "CaseTechnicianAssigned", {"case_id": CASE, "technician_id": OTHER_TECH}, now
    )
    january = app.reminder(PROGRESS, f"case/{CASE}", "2026-01")
    assert january.due_at == local(2026, 2, 5, 9, 0).isoformat()

    # the monitoring stage owes it too, but schedules nothing twice
    planned = stage(app, "CaseMonitoringStarted", "monitoring", now + timedelta(days=1))
    assert [type(a) for a in planned] == [FollowedCase]
    assert app.find(case_record_id(CASE), FollowedCase).stage == "monitoring"
    assert app.fire_reminders(local(2026, 2, 5, 8, 59)) == 0
    assert app.fire_reminders(local(2026, 2, 5, 9, 0)) == 1
    told = app.told(PROGRESS)
    assert set(told) == {TECH, OTHER_TECH, SOCIAL_WORKER}
    assert "2026-01" in told[TECH].subject

    # February's report is submitted: its check finds it, March's is scheduled
    report = drafted("progress_report", None, period="2026-02", author_id=OTHER_TECH)
    app.follow("cases", "DocumentDrafted", report, local(2026, 2, 27, 10, 0))
    submitted = {"document_id": report["document_id"], "version": 1, "late": False}
    app.follow("cases", "DocumentSubmitted", submitted, local(2026, 2, 27, 11, 0))
    assert app.fire_reminders(local(2026, 3, 5, 9, 0)) == 0
    assert app.reminder(PROGRESS, f"case/{CASE}", "2026-02").cancelled_because == "reported"
    assert app.reminder(PROGRESS, f"case/{CASE}", "2026-03").pending

    closed = {
        "outcome": "plan_achieved",
        "final_report_id": None,
        "follow_up_from": "2026-06-20",
        "follow_up_until": "2026-09-20",
    }
    stage(app, "CaseClosed", "closed", local(2026, 3, 20, 10, 0), **closed)
    assert app.reminder(PROGRESS, f"case/{CASE}", "2026-03").cancelled_because == "case_closed"
    follow_up = app.reminder(FOLLOW_UP, f"case/{CASE}", "2026-06-20")
    assert follow_up.due_at == local(2026, 6, 20, 9, 0).isoformat()
    assert follow_up.fields == {
        "case_id": CASE,
        "from_date": "2026-06-20",
        "until_date": "2026-09-20",
    }

    app.follow("cases", "CaseTechnicianReleased", {"case_id": CASE, "technician_id": TECH}, now)
    assert app.fire_reminders(local(2026, 6, 20, 9, 0)) == 1
    assert set(app.told(FOLLOW_UP)) == {OTHER_TECH, SOCIAL_WORKER}


def test_follow_up_cancelled_when_it_began(app):
    now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    refer(app, now)
    closed = {
        "outcome": "referral",
        "final_report_id": None,
        "follow_up_from": "2026-04-12",
        "follow_up_until": "2026-07-12",
    }
    stage(app, "CaseClosed", "closed", now, **closed)
    stage(app, "CaseFollowUpBegun", "follow_up", now + timedelta(days=80))
    assert app.fire_reminders(local(2026, 4, 12, 9, 0)) == 0
    reminder = app.reminder(FOLLOW_UP, f"case/{CASE}", "2026-04-12")
    assert reminder.cancelled_because == "follow_up_begun"


def test_no_follow_up_for_a_case_never_opened(app):
    now = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    refer(app, now)
    closed = {
        "outcome": "not_opened",
        "final_report_id": None,
        "follow_up_from": None,
        "follow_up_until": None,
    }
    stage(app, "CaseClosed", "closed", now, **closed)
    assert app.view(PendingReminders).pending(f"case/{CASE}", FOLLOW_UP) == []
