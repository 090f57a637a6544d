"""Event store: the base of every service's application, on the
hash-chained recorder of ``events.recorder``: units of work (one
transaction per command or consumed event), loading by kind, saving or
saying "conflict", the read models and the listeners told of what was
stored.
"""

from __future__ import annotations

import ctypes
import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    Cache,
    LRUCache,
    ProcessingEvent,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate, DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import EventStore, IntegrityError, Notification, Recording, Tracking

from events import as_of as past_reads
from events.commands import CommandLog
from events.consuming import note as note_position
from events.errors import InvalidCommand
from events.recorder import ChainedProcessRecorder, store_env
from events.refusals import Refusal
from events.unit import UnitScope
from events.views import FollowedView, OwnLog, catch_up_together

T = TypeVar("T")
V = TypeVar("V", bound=FollowedView)

# what ``Application.save`` takes: aggregates (their pending events) or events
Saved = MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None


# the library's projector, typed for what ``find`` reconstructs
_project: ProjectorFunction[Aggregate, DomainEventProtocol[UUID]] = project_aggregate


def give_back_memory() -> None:
    """What a pass over the whole log left free, given back to the system.
    Decoding a million events leaves the C heap full of freed blocks that
    the allocator keeps for later, so the process would stay at its start's
    high-water mark. ``malloc_trim`` is glibc's; elsewhere nothing is done."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class ApplicationPart:
    """Base of an application's capability mixins: the part of
    ``EventSourcedApplication`` they call, declared for readers and the type
    checker only (at run time the application's own methods are found; the
    checker sees that they agree, in every class that mixes both)."""

    if TYPE_CHECKING:

        @property
        def repository(self) -> Repository[UUID]: ...

        events: EventStore[UUID]

        def save(self, *objs: Saved, **kwargs: Any) -> list[Recording[UUID]]: ...

        def save_or(self, conflict: Exception, *aggregates: Saved) -> None: ...

        def save_processed(self, tracking: Tracking, *aggregates: Saved) -> None: ...

        def find(self, aggregate_id: UUID, kind: type[T]) -> T | None: ...

        def get_as(self, aggregate_id: UUID, kind: type[T], missing: Exception) -> T: ...

        def view(self, kind: type[V]) -> V: ...


class EventSourcedApplication(Application[UUID]):
    """Base of every service's application: hash-chained store with tracking,
    and a hook that tells the outbox relay the moment something was stored."""

    VIEWS: ClassVar[tuple[type[FollowedView], ...]] = ()  # built before ready (events.nameko)

    def __init__(self, store_url: str) -> None:
        super().__init__(env=store_env(store_url))
        self._stored_listeners: list[Callable[[list[Notification]], None]] = []
        self._units = UnitScope(f"{self.name}:{id(self)}")
        self._past = past_reads.PastScope(f"{self.name}:{id(self)}")
        # what this process committed, so its views skip reading it (events.views)
        self.own_log = OwnLog()

    @contextmanager
    def unit_of_work(self, commit_on: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
        """Every store read and write of this greenthread in one transaction
        (on PostgreSQL; SQLite keeps one per call), committed when the
        outermost unit exits; nested use joins the outer one. Reads see the
        unit's own writes; a refused write (``IntegrityError``) undoes only
        itself. On an exception all is rolled back, and a unit that wrote
        drops what may have seen its rows: the aggregate cache and the views
        it caught up after writing (rebuilt from the log on next use) —
        except for the exceptions in ``commit_on``, outcomes rather than
        failures (a refused command stores its refusal), which commit what
        was done and go on. The stored listeners hear of the unit's events
        once they are committed.
        ``with app.unit_of_work(): ...`` around find / get_as / view / save.
        """
        with self._units.open() as (unit, outermost):
            if not outermost:
                yield
                return
            outcome: BaseException | None = None
            try:
                with self.chained_recorder.store.unit() as unit.shared:
                    try:
                        yield
                    except commit_on as expected:
                        outcome = expected
            except BaseException:
                if unit.wrote:
                    self._forget_uncommitted(unit.tainted)
                raise
        self._tell_listeners(unit.recordings)
        if outcome is not None:
            raise outcome

    def _forget_uncommitted(self, views: set[type]) -> None:
        cache = self.repository.cache
        if cache is not None:
            # the library's LRUCache.clear leaves its dict: a new cache instead
            fresh: Cache[UUID, Any] = Cache()
            if isinstance(cache, LRUCache):
                fresh = LRUCache(cache.maxsize)
            self.repository.cache = fresh
        # Only views caught up after the unit's first write can have applied
        # its rows; the others are kept (a rebuild reads the whole log).
        kept = self.__dict__.get("_views", {})
        for kind in views:
            kept.pop(kind, None)

    @functools.cached_property
    def commands(self) -> CommandLog:
        """The commands this service took, by id (issue 18: effect once)."""
        return CommandLog(self)

    def construct_recorder(self) -> ChainedProcessRecorder:
        # a process recorder (it tracks), and ours: store_env names ChainedFactory
        recorder = self.factory.process_recorder()
        assert isinstance(recorder, ChainedProcessRecorder)
        return recorder

    @property
    def chained_recorder(self) -> ChainedProcessRecorder:
        assert isinstance(self.recorder, ChainedProcessRecorder)
        return self.recorder

    def on_stored(self, listener: Callable[[list[Notification]], None]) -> None:
        """``listener(notifications)`` runs once what a save or a unit stored
        is committed, with what it stored."""
        self._stored_listeners.append(listener)

    def save_processed(self, tracking: Tracking, *aggregates: Saved) -> None:
        """Store the effect of a consumed event together with its position, in
        one transaction: a redelivery raises ``IntegrityError`` instead of
        acting twice. With no aggregates, records the position alone."""
        processing = ProcessingEvent[UUID](tracking=tracking)
        processing.collect_events(*aggregates)
        self._notify(self._record(processing))
        note_position(tracking)  # the subscription then need not record it again

    # -- what every command needs: load by kind, save or say "conflict" ---------
    @contextmanager
    def as_of(
        self, moment: datetime | None, record: UUID | None = None, version: int | None = None
    ) -> Iterator[None]:
        """The reads inside see every aggregate as it was at ``moment``, or
        as when ``record`` reached ``version`` (``events.as_of``)."""
        past = past_reads.past_of(self.repository, moment, record, version)
        if past is None:
            yield
            return
        with self._past.at(past):
            yield
        past_reads.refuse_if_untouched(past)

    def find(self, aggregate_id: UUID, kind: type[T]) -> T | None:
        """The aggregate, if it exists and is of that kind (as it was, inside
        ``as_of``)."""
        past = self._past.current
        if past is not None:
            then = past_reads.then(self.repository, aggregate_id, past)
            return then if isinstance(then, kind) else None
        unit = self._units.current
        try:
            if unit is not None and aggregate_id in unit.written:
                # past the cache: it must never hold the unit's uncommitted events
                found: Aggregate = self.repository._reconstruct_aggregate(
                    aggregate_id, None, _project
                )
            else:
                found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def read_ahead(self, *aggregate_ids: UUID) -> None:
        """Reads what the next ``find`` of each will need in one round trip
        (in a unit of work on PostgreSQL; elsewhere nothing): a cached
        aggregate's newer events, an uncached one's all, none for one the
        unit wrote (it is read past the cache)."""
        unit = self._units.current
        read = getattr(self.chained_recorder, "read_ahead", None)
        if unit is None or read is None or self._past.current is not None:
            return
        wanted: dict[UUID, int | None] = {}
        for aggregate_id in aggregate_ids:
            if aggregate_id in unit.written:
                continue
            try:
                cached = self.repository.cache.get(aggregate_id) if self.repository.cache else None
            except KeyError:
                cached = None
            wanted[aggregate_id] = None if cached is None else cached.version
        read(wanted)

    def save(self, *objs: Saved, **kwargs: Any) -> list[Recording[UUID]]:
        if self._past.current is not None:
            # a read of the past is judged on the record as it was: not being
            # among its readers then is no attempt beyond one's competence
            objs = tuple(o for o in objs if not isinstance(o, Refusal))
        return super().save(*objs, **kwargs)

    def bundle_records(
        self, actor: Any, kind: str, subject: str
    ) -> list[tuple[UUID, Callable[[], dict[str, Any]]]]:
        """The records an evidence bundle of ``kind`` about ``subject`` holds,
        each with the read that shows it (``events.exports``); a service
        that bundles records names its kinds by overriding this."""
        raise InvalidCommand(f"{kind!r}: this service bundles only a period", field="kind")

    def get_as(self, aggregate_id: UUID, kind: type[T], missing: Exception) -> T:
        """The aggregate, or ``missing`` raised (a specific NotFound)."""
        found = self.find(aggregate_id, kind)
        if found is None:
            raise missing
        return found

    def save_or(self, conflict: Exception, *aggregates: Saved) -> None:
        """Saves; a concurrent write of the same aggregate version (or a
        duplicate of a deterministic id) is raised as ``conflict``, the
        domain's own words for it, instead of a storage error."""
        try:
            self.save(*aggregates)
        except IntegrityError as exc:
            raise conflict from exc

    def view(self, kind: type[V]) -> V:
        """The application's read model of that kind, built on first use and
        brought up to date from the log."""
        views = self.__dict__.setdefault("_views", {})
        if kind not in views:
            views[kind] = kind(self)
        unit = self._units.current
        if unit is not None and unit.wrote:
            unit.tainted.add(kind)
        views[kind].catch_up()
        return views[kind]

    def current_head(self) -> int | None:
        """The head a read now catches up to: in a unit of work, until it
        writes, the one read first, so what a call reads agrees with itself
        and three views cost one query for the head (issue 17); None (read
        afresh) outside a unit, on SQLite (no shared transaction), and once
        the unit wrote, so a view shows what it stored."""
        unit = self._units.current
        if unit is None or unit.wrote or not unit.shared:
            return None
        if unit.head is None:
            unit.head = self.recorder.max_notification_id() or 0
        return unit.head

    def warm_views(self) -> None:
        """Builds the read models in ``VIEWS``, in one pass over the log."""
        views = self.__dict__.setdefault("_views", {})
        catch_up_together([views.setdefault(kind, kind(self)) for kind in self.VIEWS])
        give_back_memory()

    def has_processed(self, tracking: Tracking) -> bool:
        return self.chained_recorder.has_tracking_id(
            tracking.application_name, tracking.notification_id
        )

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        unit = self._units.current
        if unit is not None and unit.shared:
            # not committed yet: a listener (the relay) would look too soon
            unit.recordings.extend(recordings)
            unit.written.update(r.domain_event.originator_id for r in recordings)
        else:
            self._tell_listeners(recordings)

    def _tell_listeners(self, recordings: list[Recording[UUID]]) -> None:
        """Called once ``recordings`` are committed."""
        stored = [r.notification for r in recordings]
        self.own_log.committed((n.id, n.topic) for n in stored)
        if stored:
            for listener in self._stored_listeners:
                listener(stored)
