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


def _selected(store_url: str, sql: str, **args: Any) -> list[Any]:
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as db:
            return [row[0] for row in db.execute(sa.text(sql), args)]
    finally:
        engine.dispose()


def stored_of(store_url: str, event: str, service: str = "cases") -> int:
    """How many events named ``event`` (``UrgentRisk.Reported``…) a service's
    store holds: what a story counts to show each command stored once."""
    sql = f"SELECT count(*) FROM {service}_events WHERE topic LIKE :topic"
    return int(_selected(store_url, sql, topic=f"%:{event}")[0])


def aggregates_stored_since(store_url: str, position: int, topic: str, service: str) -> list[str]:
    """The aggregate ids of the events stored after ``position`` whose topic
    is ``LIKE`` ``topic``, one per event (repeats kept)."""
    sql = (
        f"SELECT originator_id::text FROM {service}_events "
        "WHERE id > :position AND topic LIKE :topic"
    )
    return _selected(store_url, sql, position=position, topic=topic)


def stored_since(store_url: str, position: int, service: str = "coordination") -> list[str]:
    """Topics of what a service's store took after ``position``."""
    recorder = open_recorder(service, store_url)
    return [
        n.topic
        for n in recorder.select_notifications(start=position, limit=100, inclusive_of_start=False)
    ]
