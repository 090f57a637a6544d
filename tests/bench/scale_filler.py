"""History for the scale benchmark: filler events written into a service's
own store through the store's own recorder, in big batches, so they are
chained, numbered and locked exactly as the service's events are.

No view follows a filler topic (views follow exact topics), so the filler
only makes the history longer. The relay still reads every stored event
and asks the service's ``publication_of`` for its contract, which refuses
events it does not know; so each filler class derives from an event the
service already keeps to itself (never published), one per service."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from eventsourcing.persistence import StoredEvent
from sqlalchemy import create_engine, text

from events.following import StaffRecord
from events.outbox import PositionStore
from events.store import EventSourcedApplication
from services.cases.published import INTERNAL as CASES_INTERNAL
from services.coordination.audit import CoordinationRead
from services.evaluations.published import INTERNAL as EVALUATIONS_INTERNAL
from services.notifications.published import INTERNAL as NOTIFICATIONS_INTERNAL

FILL_BATCH = 10_000  # events per transaction: one table lock and one chain head read each


# Topics "tests.bench.scale_filler:<Service>Filler": no view's, never published.
class CoordinationFiller(CoordinationRead.Event):
    """Internal to coordination as the auditor's read log is."""


class FollowerFiller(StaffRecord.Event):
    """Internal to cases, evaluations and notifications as their copy of the staff is."""


# what makes the relays skip it (a published event would also need a contract)
assert all(
    StaffRecord.Event in kept
    for kept in (CASES_INTERNAL, EVALUATIONS_INTERNAL, NOTIFICATIONS_INTERNAL)
)

FILLERS: dict[str, type] = {
    "coordination": CoordinationFiller,
    "cases": FollowerFiller,
    "evaluations": FollowerFiller,
    "notifications": FollowerFiller,
}


def filler_app(service: str, store_url: str) -> EventSourcedApplication:
    """An application on ``service``'s store and table (``<service>_events``)."""
    kind = type(f"{service.title()}Filler", (EventSourcedApplication,), {"name": service})
    return kind(store_url)


def head(app: EventSourcedApplication) -> int:
    return app.recorder.max_notification_id() or 0


def fill(service: str, store_url: str, target: int) -> tuple[int, int, float]:
    """Adds filler events to ``service``'s store until it holds ``target``;
    (events before, events added, seconds)."""
    app = filler_app(service, store_url)
    try:
        before = head(app)
        missing = max(target - before, 0)
        # one filler event's state for all: only the originator differs
        fields = {"actor_id": "bench", "actor_role": "system", "correlation_id": "filler"}
        sample = FILLERS[service](
            originator_id=uuid.uuid4(), originator_version=1, timestamp=datetime.now(UTC), **fields
        )
        stored = app.mapper.to_stored_event(sample)
        started = time.perf_counter()
        while missing > 0:
            size = min(FILL_BATCH, missing)
            app.recorder.insert_events(
                [StoredEvent(uuid.uuid4(), 1, stored.topic, stored.state) for _ in range(size)]
            )
            missing -= size
        return before, head(app) - before, time.perf_counter() - started
    finally:
        app.close()


def unrelayed(service: str, store_url: str) -> int:
    """How many stored events ``service``'s relay has yet to cover."""
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text(f"SELECT max(id) FROM {service}_events")).scalar() or 0
        return max(stored - PositionStore(engine, f"{service}.bus").load(), 0)
    finally:
        engine.dispose()
