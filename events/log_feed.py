"""A service's whole log as a feed for the auditor (issue 19, part 3): its
stored events in position order, with each one's chain hash, filtered by
municipality, actor, type and time, paged by position.

What an entry shows: where the event is in the chain (position, chain hash),
when, what (the stored event's name and, if it is published, its contract's
name and ``data``), on what (aggregate id and version), who (actor id and
role, correlation id) and for which municipality. Never the stored event's
own fields: they hold personal data sealed with a beneficiary's key, free
text and the tokens of the cases service (DESIGN §5). The published ``data``
is what the bus already carries to every subscriber — ids, codes and
categories, schema-checked against ``contracts/`` (DESIGN §5, Minimise) —
so the feed says nothing the county's systems are not told already;
internal events (reads of personal data, the mirror of another service's
facts) show their metadata only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from events.as_of import moment_of
from events.chain import ChainRow
from events.errors import InvalidCommand
from events.pages import MAX_LIMIT
from events.relay import PublicationOf
from events.store import EventSourcedApplication

DEFAULT_LIMIT = 50
# Rows read for one page at most: a narrow filter over a long log answers in
# steps (``next_after``) rather than holding a worker for the whole store.
SCAN_ROWS = 5_000
READ_ROWS = 1_000  # rows a read of the store brings at once
# Aggregates whose municipality is remembered: it never changes (DESIGN §1,
# one tenant per aggregate), so the same page asked twice reads it once.
KNOWN_TENANTS = 50_000


def moment(value: str | None, field: str) -> datetime | None:
    """A bound of the time range (``events.as_of.moment_of``)."""
    return None if value is None else moment_of(value, field)


@dataclass(frozen=True)
class FeedFilter:
    """Which events the auditor asks for; a filter left out keeps them all.
    ``type`` matches the stored event's name (``Case.Referred``) or its
    published one (``CaseReferred``); ``since`` is inclusive, ``until`` not."""

    municipality: str | None = None
    actor: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def keeps(self, entry: dict[str, Any], at: datetime) -> bool:
        return (
            self.municipality in (None, entry["municipality"])
            and self.actor in (None, entry["actor_id"])
            and self.type in (None, entry["type"], entry["published_type"])
            and (self.since is None or at >= self.since)
            and (self.until is None or at < self.until)
        )


class LogFeed:
    """The feed of one application's store; the service's publication
    mapping says what of each event is public."""

    def __init__(self, app: EventSourcedApplication, publication_of: PublicationOf) -> None:
        self.app, self.publication_of = app, publication_of
        self._tenants: OrderedDict[str, str | None] = OrderedDict()

    def page(
        self, after: int = 0, limit: int = DEFAULT_LIMIT, kept: FeedFilter = FeedFilter()
    ) -> dict[str, Any]:
        """``{"items": [...], "next_after": position | None}``: the events
        after position ``after`` that ``kept`` keeps, at most ``limit``.
        ``next_after`` is where the next page starts, None at the log's end;
        a page may hold fewer than ``limit`` (none, even) and still be
        followed: it read ``SCAN_ROWS`` rows without finding more."""
        _check_position(after, "after")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidCommand(
                f"limit must be a whole number from 1 to {MAX_LIMIT}", field="limit"
            )
        items: list[dict[str, Any]] = []
        last, scanned = after, 0
        for row in self._rows(after):
            last, scanned = row.notification_id, scanned + 1
            entry, at = self._entry(row)
            if kept.keeps(entry, at):
                items.append(entry)
            if len(items) == limit or scanned == SCAN_ROWS:
                return {"items": items, "next_after": last}
        return {"items": items, "next_after": None}

    def _rows(self, after: int) -> Iterator[ChainRow]:
        return self.app.chained_recorder.chain_rows(batch=READ_ROWS, after=after)

    def _entry(self, row: ChainRow) -> tuple[dict[str, Any], datetime]:
        stored = StoredEvent(
            UUID(str(row.originator_id)), row.originator_version, row.topic, row.state
        )
        event = self.app.mapper.to_domain_event(stored)
        publication = self.publication_of(event)
        at: datetime = event.timestamp  # type: ignore[attr-defined]
        municipality = (publication and publication.municipality) or self._tenant(event)
        entry = {
            "position": row.notification_id,
            "time": at.astimezone(UTC).isoformat(),
            "type": row.topic.rsplit(":", 1)[-1],
            "published_type": publication.name if publication else None,
            "aggregate_id": str(row.originator_id),
            "aggregate_version": row.originator_version,
            "actor_id": getattr(event, "actor_id", None),
            "actor_role": getattr(event, "actor_role", None),
            "municipality": municipality,
            "correlation_id": getattr(event, "correlation_id", None),
            "chain_hash": row.chain_hash.hex() if row.chain_hash else None,
            "data": publication.data if publication else None,
        }
        return entry, at

    def _tenant(self, event: Any) -> str | None:
        """The event's municipality, else its aggregate's: the one its first
        event names (a later event of a case does not repeat it)."""
        own = _named_tenant(event)
        if own is not None:
            return own
        key = str(event.originator_id)
        if key not in self._tenants:
            first = next(iter(self.app.events.get(event.originator_id, lte=1)), None)
            self._tenants[key] = None if first is None else _named_tenant(first)
            if len(self._tenants) > KNOWN_TENANTS:
                self._tenants.popitem(last=False)
        return self._tenants[key]


def _named_tenant(event: Any) -> str | None:
    # a municipality's own events name it by its SIRUTA code
    named = getattr(event, "municipality", None) or getattr(event, "siruta", None)
    return named if isinstance(named, str) else None


def _check_position(value: Any, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidCommand(f"{field} must be a position: a whole number from 0", field=field)
