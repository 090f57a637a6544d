"""Reminders and compliance (R6, R7, R8): when each reminder falls due, who
it is for, what cancels it. Pure: the upstream events are CloudEvents built
here, the application part runs on an in-memory store (no broker, no
database) whose views are fed the stored events as the real ones are."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from events.actor import SYSTEM, Actor, AuditedAggregate
from events.clock import LOCAL_TIME
from events.cloudevent import Origin, Publication, build
from events.following import TeamView, upstream_change, upstream_id
from services.notifications.application import NotificationsApplication
from services.notifications.domain import Notification
from services.notifications.messages import render
from services.notifications.people import People
from services.notifications.projections import Inboxes, Timers, Webhooks
from services.notifications.reminder_rules import (
    CONTRACT_ENDING,
    FOLLOW_UP,
    HOURS,
    OBSERVATION,
    PROGRESS,
    TASK,
    case_record_id,
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
from services.notifications.reminder_state import (
    INTERNAL_EVENTS,
    FollowedCase,
    PendingReminders,
    Reminder,
)
from services.notifications.reminders import (
    CASES_EVENTS,
    COORDINATION_EVENTS,
    Reminders,
)

SYSTEM_ACTOR = Actor("notifications", SYSTEM)
MUNICIPALITY = "54975"
COORDINATOR = "11111111-1111-1111-1111-111111111111"
TECH = "22222222-2222-2222-2222-222222222222"
OTHER_TECH = "33333333-3333-3333-3333-333333333333"
HEAD = "44444444-4444-4444-4444-444444444444"
OTHER_HEAD = "55555555-5555-5555-5555-555555555555"
CONTRACT = "66666666-6666-6666-6666-666666666666"
CASE = "77777777-7777-7777-7777-777777777777"
SOCIAL_WORKER = COORDINATOR


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TIME)


# -- the pure parts -----------------------------------------------------------------------
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
    assert view.pending(f"case/{CASE}", nested=True) == [str(second.id)]
    assert view.pending(f"case/{CASE}") == []
    first.cancel(SYSTEM_ACTOR, "done", due)
    for event in first.collect_events():
        view.apply(event)
    assert view.due(due) == [str(second.id)]
    assert view.pending("task/1") == []


def test_every_followed_event_is_subscribed():
    assert "DocumentDrafted" in CASES_EVENTS and "DocumentSubmitted" in CASES_EVENTS
    assert {"JournalEntryRecorded", "JournalEntryWithdrawn", "TaskDelegated"} <= set(
        COORDINATION_EVENTS
    )


# -- the application part on an in-memory store -------------------------------------------
class MemoryApp(Reminders, People):
    """What ``NotificationsApplication`` gives the reminders, in memory: a
    store with optimistic concurrency and the views it feeds."""

    actor = SYSTEM_ACTOR
    webhook_key = b""
    tell = NotificationsApplication.tell

    def __init__(self) -> None:
        self.store: dict[UUID, Any] = {}
        self.views = {
            kind: kind(self) for kind in (PendingReminders, TeamView, Webhooks, Timers, Inboxes)
        }
        self.position = 0
        self.fail_next_save = False

    def find(self, aggregate_id: UUID, kind: type) -> Any:
        found = self.store.get(aggregate_id)
        return deepcopy(found) if isinstance(found, kind) else None

    def view(self, kind: type) -> Any:
        return self.views[kind]

    def save(self, *aggregates: Any) -> None:
        if self.fail_next_save:
            self.fail_next_save = False
            raise IntegrityError("another replica stored it first")
        pending = [(a, a.collect_events()) for a in aggregates]
        for aggregate, events in pending:
            stored = self.store.get(aggregate.id)
            if events and (stored.version if stored else 0) != events[0].originator_version - 1:
                raise IntegrityError(f"version conflict on {aggregate.id}")
        for aggregate, events in pending:
            self.store[aggregate.id] = deepcopy(aggregate)
            for event in events:
                topic = f"{type(event).__module__}:{type(event).__qualname__}"
                for view in self.views.values():
                    if topic in view.TOPICS:
                        view.apply(event)

    # what application.py's follow_cases / follow_coordination do
    def follow(self, source: str, name: str, data: dict, now: datetime, **ext: Any) -> list:
        self.position += 1
        event = build(
            Origin(source, self.position, uuid4(), 1, now, "someone", "social_worker"),
            Publication(name, data, ext.get("municipality", MUNICIPALITY)),
        )
        changed = []
        follows = "staff_id" in data or name.startswith("Contract")
        if source == "coordination" and (follows or name == "CoordinationPlanVersioned"):
            found = self.find(upstream_id(data), AuditedAggregate)
            fact = upstream_change(name, data, MUNICIPALITY, found, SYSTEM_ACTOR)
            changed += [fact] if fact is not None else []
        planned = self.plan_reminders(source, name, event, now)
        self.save(*changed, *planned)
        return planned

    def reminder(self, kind: str, subject: str, period: str) -> Reminder:
        return self.store[reminder_id(kind, subject, period)]

    def told(self, kind: str) -> dict[str, Notification]:
        return {
            n.recipient_id: n
            for n in self.store.values()
            if isinstance(n, Notification) and n.kind == kind
        }


@pytest.fixture
def app() -> MemoryApp:
    app = MemoryApp()
    now = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    for staff_id, role, municipality in [
        (COORDINATOR, "social_worker", None),
        (TECH, "technician", MUNICIPALITY),
        (OTHER_TECH, "technician", MUNICIPALITY),
        (HEAD, "spas_head", MUNICIPALITY),
        (OTHER_HEAD, "spas_head", "12345"),
    ]:
        data = {"staff_id": staff_id, "role": role, "municipality": municipality}
        app.follow("coordination", "StaffRegistered", data | {"rnasr_code": None}, now)
    return app


def activate(app: MemoryApp, now: datetime, ends_on: str | None = None) -> None:
    data = {
        "contract_id": CONTRACT,
        "technician_id": TECH,
        "coordinator_id": COORDINATOR,
        "hours_per_month": 40,
        "starts_on": now.date().isoformat(),
        "ends_on": ends_on,
    }
    app.follow("coordination", "ContractActivated", data, now)


def journal(app: MemoryApp, name: str, month: str, month_minutes: int, now: datetime) -> None:
    data = {
        "contract_id": CONTRACT,
        "technician_id": TECH,
        "coordinator_id": COORDINATOR,
        "entry_id": str(uuid4()),
        "month": month,
        "minutes": 60,
        "month_minutes": month_minutes,
    }
    app.follow("coordination", name, data, now)


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
    assert app.view(PendingReminders).due_at == {}


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


def drafted(kind: str, occurred_at: str | None, **more: Any) -> dict[str, Any]:
    return {
        "document_id": str(uuid4()),
        "case_id": CASE,
        "kind": kind,
        "author_id": TECH,
        "occurred_at": occurred_at,
        "period": None,
        "due_at": None,
    } | more


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
    assert (
        app.follow("cases", "DocumentDrafted", drafted("visit_report", sheet["occurred_at"]), now)
        == []
    )


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


def refer(app: MemoryApp, now: datetime) -> None:
    data = {
        "case_id": CASE,
        "beneficiary_id": str(uuid4()),
        "beneficiary_kind": "person",
        "categories": ["poverty"],
        "referral_source": "school",
        "technicians": [TECH],
        "social_worker_id": SOCIAL_WORKER,
    }
    app.follow("cases", "CaseReferred", data, now)


def stage(app: MemoryApp, name: str, stage_name: str, now: datetime, **more: Any) -> list:
    return app.follow("cases", name, {"case_id": CASE, "stage": stage_name, **more}, now)


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


def delegate(app: MemoryApp, task_id: str, due_at: str, now: datetime) -> None:
    data = {
        "task_id": task_id,
        "contract_id": CONTRACT,
        "coordinator_id": COORDINATOR,
        "technician_id": TECH,
        "task_type": "home_visit",
        "autonomy": "guided",
        "case_id": CASE,
        "due_at": due_at,
        "priority": "normal",
    }
    app.follow("coordination", "TaskDelegated", data, now)


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
    assert len(app.follow("cases", "DocumentDrafted", report, now)) == 1
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
