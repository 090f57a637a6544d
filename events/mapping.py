"""How a service maps its stored events to what it publishes (DESIGN §6:
"published events are a separate, schema-checked contract"): its internal
events stay in, refusals become ``CommandRefused``, and each of its
capabilities maps the events it owns. A stored event nobody maps is a bug,
caught by the relay before anything is published out of order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events import refusals
from events.cloudevent import Publication
from events.refusals import Refusal

Mapping = Callable[[Any], Publication | None]


def publication_mapper(internal: tuple[type, ...], *mappings: Mapping) -> Mapping:
    def publication_of(event: Any) -> Publication | None:
        if isinstance(event, internal):
            return None
        if isinstance(event, Refusal.Recorded):
            return refusals.publication(event)
        for mapping in mappings:
            publication = mapping(event)
            if publication is not None:
                return publication
        raise LookupError(f"no published contract for stored event {type(event).__qualname__}")

    return publication_of
