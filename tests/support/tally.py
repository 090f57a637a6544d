"""A consuming service for the tests: it subscribes to StaffRegistered and
records, event-sourced, each event that took effect."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking

from events.nameko import ApplicationProvider, CallContext
from events.store import EventSourcedApplication
from events.subscribe import subscribe

TALLY_ID = uuid5(NAMESPACE_URL, "tests/tally")


class Tally(Aggregate):
    @event("Started")
    def __init__(self) -> None:
        self.seen: list[str] = []
        self.correlation_ids: list[str] = []

    @event("Counted")
    def count(self, event_id: str, correlation_id: str) -> None:
        self.seen.append(event_id)
        self.correlation_ids.append(correlation_id)


class TallyApplication(EventSourcedApplication):
    name = "tally"

    def record(self, event_id: str, correlation_id: str, tracking: Tracking) -> None:
        tally = self.tally()
        if tally is None:
            tally = Tally._create(Tally.Started, id=TALLY_ID)
        tally.count(event_id, correlation_id)
        self.save_processed(tracking, tally)

    def tally(self) -> Tally | None:
        return self.find(TALLY_ID, Tally)


class TallyService:
    name = "tally"
    app: TallyApplication = ApplicationProvider(TallyApplication, lambda _: None)
    correlation_id: str = CallContext()

    @subscribe("coordination", ["StaffRegistered"])
    def on_staff_registered(self, event: Any, tracking: Tracking) -> None:
        self.app.record(event.get_id(), self.correlation_id, tracking)
