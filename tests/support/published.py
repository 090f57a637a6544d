"""What stored events look like on the bus, for contract tests and store
checks shared by the stories."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from events import cloudevent, contracts
from events.verify import open_recorder
from services.coordination.published import publication_of

REFUSAL = "events.refusals:Refusal.Recorded"


def as_published(
    event: Any,
    position: int = 1,
    service: str = "coordination",
    mapping: Callable[[Any], Any] = publication_of,
) -> dict[str, Any] | None:
    """The CloudEvent JSON an outside consumer gets for a stored domain event
    of a service (None for internal ones), checked against its contract."""
    publication = mapping(event)
    if publication is None:
        return None
    origin = cloudevent.Origin(
        service,
        position,
        event.originator_id,
        event.originator_version,
        event.timestamp,
        event.actor_id,
        event.actor_role,
        "c",
    )
    body = json.loads(cloudevent.serialize(cloudevent.build(origin, publication)))
    contracts.check_published(body)
    return body


def stored_count(store_url: str, service: str = "coordination") -> int:
    return open_recorder(service, store_url).max_notification_id() or 0


def stored_of(store_url: str, event: str, service: str = "cases") -> int:
    """How many events named ``event`` (``UrgentRisk.Reported``…) a service's
    store holds: what a story counts to show each command stored once."""
    engine = sa.create_engine(store_url)
    counted = sa.text(f"SELECT count(*) FROM {service}_events WHERE topic LIKE :topic")
    try:
        with engine.connect() as db:
            return int(db.execute(counted, {"topic": f"%:{event}"}).scalar_one())
    finally:
        engine.dispose()


def stored_since(store_url: str, position: int, service: str = "coordination") -> list[str]:
    """Topics of what a service's store took after ``position``."""
    recorder = open_recorder(service, store_url)
    return [
        n.topic
        for n in recorder.select_notifications(start=position, limit=100, inclusive_of_start=False)
    ]
