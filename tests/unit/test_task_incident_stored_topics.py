"""Task sheets, evaluated autonomy and incidents stored before the capability
folders (ADR 0016) name their events by the old modules
(``services.coordination.tasks:TaskSheet.Accepted``…): they still load, to
the same state."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from eventsourcing.application import Application

from events.actor import Actor
from services.coordination.incidents.domain import Incident
from services.coordination.tasks.autonomy import EvaluatedAutonomy
from services.coordination.tasks.domain import TaskSheet

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
COORDINATOR = Actor("11111111-1111-1111-1111-111111111111", "social_worker", None, "c-1")
TECHNICIAN = {
    "staff_id": "22222222-2222-2222-2222-222222222222",
    "role": "technician",
    "active": True,
    "municipality": "54975",
}
TECH = Actor(TECHNICIAN["staff_id"], "technician", "54975", "c-2")
COLLEAGUE = TECHNICIAN | {"staff_id": "44444444-4444-4444-4444-444444444444"}
COORDINATION = {
    "technician_id": TECHNICIAN["staff_id"],
    "coordinator_id": COORDINATOR.id,
    "contract_id": "33333333-3333-3333-3333-333333333333",
    "municipality": "54975",
}
COLLEAGUE_COORDINATION = COORDINATION | {"technician_id": COLLEAGUE["staff_id"]}


def task_sheet():
    task = TaskSheet.delegate(
        COORDINATOR,
        COORDINATION,
        technician_id=TECH.id,
        task_type="home_visit",
        instructions="Vizită la domiciliu",
        due_at=(NOW + timedelta(days=2)).isoformat(),
        now=NOW,
    )
    task.accept(TECH, COORDINATION)
    task.complete(TECH, COORDINATION, "Vizită efectuată", "r-1")
    return task


def evaluated_autonomy():
    evaluated = EvaluatedAutonomy.open(COORDINATOR, COORDINATION)
    conclusion = COORDINATION | {
        "evaluation_id": "66666666-6666-6666-6666-666666666666",
        "kind": "initial",
        "autonomous_tasks": ["home_visit"],
        "support_domains": ["legislation"],
        "concluded_on": "2026-04-20",
    }
    evaluated.conclude(COORDINATOR, COORDINATION, conclusion)
    return evaluated


def incident():
    reported = Incident.report(
        TECH,
        technician=TECHNICIAN,
        coordination=COORDINATION,
        difficulty_type="emotional_strain",
        description="oboseală",
        now=NOW,
    )
    reported.identify(COORDINATOR, COORDINATOR.id, "emotional_strain", "epuizare")
    today = date(2026, 5, 1)
    reported.redistribute_tasks(
        COORDINATOR, COORDINATION, COLLEAGUE, COLLEAGUE_COORDINATION, "2026-05-29", "r", today
    )
    reported.record_tasks_returned(COORDINATOR, [])
    reported.inform(COORDINATOR, COORDINATOR.id, "team", "discuție")
    reported.escalate(COORDINATOR, COORDINATOR.id, "la SPAS", NOW)
    return reported


@pytest.mark.parametrize(
    ("aggregate", "old_module"),
    [
        (task_sheet, "services.coordination.tasks"),
        (evaluated_autonomy, "services.coordination.tasks"),
        (incident, "services.coordination.incidents"),
    ],
)
def test_events_stored_under_the_old_module_load_to_the_same_state(aggregate, old_module):
    mapper = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper
    written = aggregate()
    loaded = None
    for event in written.collect_events():
        stored = mapper.to_stored_event(event)
        old_topic = f"{old_module}:{stored.topic.split(':')[1]}"
        loaded = mapper.to_domain_event(dataclasses.replace(stored, topic=old_topic)).mutate(loaded)
    assert vars(loaded) == vars(written)
