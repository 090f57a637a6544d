"""A record as it was (issue 19, part 1): the auditor reads any record
``as_of`` a moment, or at one of its versions, in the same shape as today's
answer, because that shape is built from the same aggregates, each
reconstructed from its own events up to that moment.

A read runs inside ``EventSourcedApplication.as_of``: for its greenthread
every aggregate the read loads (``find``) is the one of that moment — the
record itself and whatever it is read with (a document's case, a task's
contract) — so the answer is the one the API gave then, not a mix of then
and now. Who may read it, and how its personal data shows (erased stays
erased: the beneficiary's key is today's), are decided as today.

A read that answers from a read model rather than from its aggregates
cannot be asked for the past: the scope notes whether the record itself was
reconstructed, and ``refuse_if_untouched`` says so rather than answering
today's state under a past date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Aggregate, DomainEvent

from events.errors import InvalidCommand, NotFound

MOST_VERSIONS = 2**31 - 1  # past any aggregate's life, and what the store's column holds


@dataclass
class Past:
    """The moment a read looks at, and the record it was asked for."""

    moment: datetime
    record: UUID | None
    version: int | None = None  # the record's, when asked at a version
    reconstructed: set[UUID] = field(default_factory=set)


class PastScope:
    """The past moment of one application's reads, per greenthread."""

    def __init__(self, name: str) -> None:
        self._current: ContextVar[Past | None] = ContextVar(f"past:{name}", default=None)

    @property
    def current(self) -> Past | None:
        return self._current.get()

    @contextmanager
    def at(self, past: Past) -> Iterator[Past]:
        token = self._current.set(past)
        try:
            yield past
        finally:
            self._current.reset(token)


def moment_of(value: Any, field: str) -> datetime:
    """A moment a caller names: ISO 8601 with its offset (one without would
    mean a different instant to each reader); refused at ``field``."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidCommand(f"{value!r} is not an ISO 8601 moment", field=field) from None
    if moment.tzinfo is None:
        raise InvalidCommand(
            f"{value!r} has no UTC offset (e.g. 2026-03-01T09:30:00+02:00)", field=field
        )
    return moment


def moment_arg(as_of: Any) -> datetime | None:
    """``as_of`` as an aware moment, not in the future."""
    if as_of is None:
        return None
    moment = moment_of(as_of, "as_of")
    if moment > datetime.now(UTC):
        raise InvalidCommand(f"{as_of!r} is in the future", field="as_of")
    return moment


def version_arg(version: Any) -> int | None:
    if version is None:
        return None
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise InvalidCommand(f"{version!r} is not a version number", field="version") from None
    if not 1 <= number <= MOST_VERSIONS:
        raise InvalidCommand(f"versions count from 1 to {MOST_VERSIONS}", field="version")
    return number


def moment_of_version(repository: Repository[UUID], record: UUID, version: int) -> datetime:
    """When the record reached ``version``: the moment of its event of that
    version (every aggregate read with it is then taken at that moment)."""
    for event in repository.event_store.get(record, gt=version - 1, lte=version):
        return _when(event)
    raise NotFound(f"{record} has no version {version}", field="version")


def then(repository: Repository[UUID], aggregate_id: UUID, past: Past) -> Aggregate | None:
    """The aggregate as it was at ``past.moment``: None if it did not exist
    yet. Its events are read once to find the last one by then."""
    version = past.version if aggregate_id == past.record else None
    for event in () if version else repository.event_store.get(aggregate_id):
        if _when(event) > past.moment:
            break
        version = event.originator_version
    if version is None:
        return None
    try:
        found: Any = repository.get(aggregate_id, version=version)
    except AggregateNotFoundError:
        return None
    past.reconstructed.add(aggregate_id)
    return found if isinstance(found, Aggregate) else None


def _when(event: Any) -> datetime:
    assert isinstance(event, DomainEvent)  # every stored event is an aggregate's
    return event.timestamp


def past_of(
    repository: Repository[UUID], moment: datetime | None, record: UUID | None, version: int | None
) -> Past | None:
    """What a read looks at: a moment, or the record's version (and the
    moment it reached it); None for the present."""
    if version is not None:
        if moment is not None:
            raise InvalidCommand("ask as_of a moment or at a version, not both", field="version")
        if record is None:
            raise InvalidCommand("only a record is read at a version", field="version")
        return Past(moment_of_version(repository, record, version), record, version)
    return None if moment is None else Past(moment, record)


def history(app: Any, record: UUID, read: Callable[[], dict[str, Any]]) -> list[dict[str, Any]]:
    """The record's history with content (issue 19, part 2): each of its
    events with when, who, role, correlation id and position, and the fields
    of the record's answer it changed (before → after). Each version is the
    same read at that version (``app.as_of``), so personal fields show as
    the reader may see them, and each such read is recorded as any read."""
    read()  # today's read first: whoever may not see the record is refused as today
    entries: list[dict[str, Any]] = []
    before: dict[str, Any] = {}
    for stored in app.chained_recorder.select_notifications_of([record]):
        event = app.mapper.to_domain_event(stored)
        try:
            with app.as_of(None, record, stored.originator_version):
                after = read()
        except NotFound:
            # not among its readers then (a technician assigned later): when
            # and who, but not what it was
            after = {}
        keys = [k for k in {**before, **after} if k != "version"]
        entries.append(
            {
                "version": stored.originator_version,
                "event": type(event).__qualname__,
                "at": _when(event).isoformat(),
                "actor_id": getattr(event, "actor_id", None),
                "actor_role": getattr(event, "actor_role", None),
                "correlation_id": getattr(event, "correlation_id", None),
                "position": stored.id,
                "changed": {
                    k: {"before": before.get(k), "after": after.get(k)}
                    for k in keys
                    if before.get(k) != after.get(k)
                }
                if after
                else None,
            }
        )
        before = after
    return entries


def refuse_if_untouched(past: Past) -> None:
    """A read that did not rebuild its record answered from the present."""
    if past.record is not None and past.record not in past.reconstructed:
        raise InvalidCommand(
            "this record is answered from a read model, not from its events: "
            "it cannot be read as of a past moment",
            field="as_of",
        )
