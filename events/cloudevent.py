"""The published contract: CloudEvents 1.0, structured JSON mode.

A service never dumps its stored events onto the bus: it maps each one to a
``Publication`` (type, data, tenant) whose data carries ids, codes and
categories only (DESIGN §5 Minimise), and this module wraps it in the
envelope that ``contracts/envelope.schema.json`` describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

TYPE_PREFIX = "ro.coordonare"
CONTENT_TYPE = JSONFormat.CONTENT_TYPE  # application/cloudevents+json
_FORMAT = JSONFormat()
_ID_NAMESPACE = uuid5(NAMESPACE_URL, "https://coordonare.ro/events")


@dataclass(frozen=True)
class Publication:
    """What a stored domain event becomes on the bus."""

    name: str  # past tense, e.g. "StaffRegistered"
    data: dict[str, Any]
    municipality: str | None = None  # SIRUTA code of the tenant, if any
    version: int = 1
    subject: str | None = None  # defaults to the aggregate id


@dataclass(frozen=True)
class Origin:
    """Where a publication came from in the store, and who caused it."""

    service: str
    position: int  # notification id in the service's store
    originator_id: UUID
    originator_version: int
    time: datetime
    actor: str
    actor_role: str
    correlation_id: str = field(default="")

    @classmethod
    def of_stored(cls, service: str, position: int, event: Any) -> Origin:
        """The origin of a stored domain event: the relay's, and the county
        generator's (deploy/county_bus.py), which plays the bus in process."""
        return cls(
            service=service,
            position=position,
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            time=event.timestamp,
            actor=getattr(event, "actor_id", "system"),
            actor_role=getattr(event, "actor_role", "system"),
            correlation_id=getattr(event, "correlation_id", ""),
        )


def event_type(service: str, name: str, version: int = 1) -> str:
    return f"{TYPE_PREFIX}.{service}.{name}.v{version}"


def name_of(type_: str) -> str:
    """The event's name in its type (``event_type``'s ``name``); "" if none."""
    parts = type_.split(".")
    return parts[3] if len(parts) > 4 else ""


def event_id(service: str, originator_id: UUID, originator_version: int) -> str:
    """Stable across re-publication, so consumers can de-duplicate by id."""
    return str(uuid5(_ID_NAMESPACE, f"{service}/{originator_id}/{originator_version}"))


def build(origin: Origin, publication: Publication) -> CloudEvent:
    attributes: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id(origin.service, origin.originator_id, origin.originator_version),
        "source": f"/coordonare/{origin.service}",
        "type": event_type(origin.service, publication.name, publication.version),
        "subject": publication.subject or str(origin.originator_id),
        "time": origin.time.astimezone(UTC),
        "datacontenttype": "application/json",
        "position": origin.position,
        "actor": origin.actor,
        "actorrole": origin.actor_role,
    }
    if publication.municipality:
        attributes["municipality"] = publication.municipality
    if origin.correlation_id:
        attributes["correlationid"] = origin.correlation_id
    return CloudEvent(attributes, publication.data)


def serialize(event: CloudEvent) -> bytes:
    return _FORMAT.write(event)


def parse(body: bytes | str) -> CloudEvent:
    """Raises ``ValueError`` (or a CloudEvents validation error) when the body
    is not a CloudEvent."""
    event = _FORMAT.read(None, body)
    if not isinstance(event, CloudEvent):
        raise ValueError(f"not a CloudEvents 1.0 event: specversion {event.get_specversion()}")
    return event
