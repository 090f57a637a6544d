"""The notifications' reminders on an in-memory store, for the unit
stories of ``tests/unit/test_reminders_*.py``: the application part runs
with no broker and no database, and its views are fed the stored events as
the real ones are; the upstream events are CloudEvents built here."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from events.actor import SYSTEM, Actor, AuditedAggregate
from events.clock import LOCAL_TIME
from events.cloudevent import Origin, Publication, build
from events.following import TeamView, upstream_change, upstream_id
from services.notifications.application import NotificationsApplication
from services.notifications.domain import Notification
from services.notifications.pending import PendingReminders
from services.notifications.people import People
from services.notifications.projections import Inboxes, Timers, Webhooks
from services.notifications.reminder_rules import reminder_id
from services.notifications.reminder_state import Reminder
from services.notifications.reminders import Reminders

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


def fresh_app() -> MemoryApp:
    """The app with the county's staff registered (the coordinator works
    county-wide; two technicians and a SPAS head here, another head elsewhere)."""
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
