"""Event store: ``eventsourcing`` on SQLAlchemy (psycopg2, or SQLite for an
embedded run), with two additions the library does not have:

- every stored event carries ``chain_hash`` (see ``events.chain``), computed
  while the table is locked so the chain follows notification order;
- tracking (what a consumer already processed) is checked under that same
  lock, so two deliveries of one message can never both take effect.

Selected by ``PERSISTENCE_MODULE=events.store:ChainedFactory`` (``store_env``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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
from eventsourcing.persistence import EventStore, IntegrityError, Recording, StoredEvent, Tracking
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.models import StoredEventRecord
from eventsourcing_sqlalchemy.recorders import SQLAlchemyProcessRecorder
from sqlalchemy import Column, Engine, LargeBinary, Text, cast, select
from sqlalchemy.orm import Session

from events.chain import GENESIS, ChainRow, chain_hash
from events.consuming import note as note_position
from events.schema import schema_lock
from events.unit import UnitDatastore, UnitScope
from events.views import FollowedView

T = TypeVar("T")
V = TypeVar("V", bound=FollowedView)

# what ``Application.save`` takes: aggregates (their pending events) or events
Saved = MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None


class ChainedStoredEventRecord(StoredEventRecord):
    __abstract__ = True
    # The library copies the unique (originator_id, originator_version) index
    # from the base class's *own* ``__table_args__``; restated here, or a
    # subclass silently loses it and with it optimistic concurrency: two
    # writers could both append version N of one aggregate.
    __table_args__ = StoredEventRecord.__table_args__
    chain_hash = Column(LargeBinary(), nullable=True)


class ChainedDatastore(UnitDatastore):
    base_stored_event_record_cls = ChainedStoredEventRecord


class ChainedProcessRecorder(SQLAlchemyProcessRecorder):
    """Application recorder with tracking and a hash chain."""

    def create_table(self) -> None:
        """Also adds the unique aggregate index to a table created before it
        was declared (``create`` with ``checkfirst`` leaves tables as found).
        Under ``schema_lock``: replicas starting together on a fresh store."""
        with schema_lock(self.engine):
            super().create_table()
            table = self.events_record_cls.__table__
            with self.engine.begin() as conn:
                conn.exec_driver_sql(
                    f"CREATE UNIQUE INDEX IF NOT EXISTS {table.name}_aggregate_idx "
                    f"ON {table.name} (originator_id, originator_version)"
                )

    @property
    def store(self) -> ChainedDatastore:
        assert isinstance(self.datastore, ChainedDatastore)
        return self.datastore

    @property
    def engine(self) -> Engine:
        """The store's engine: ours is always made from a URL, so never the
        bare connection the library's type also allows."""
        engine = self.datastore.engine
        assert isinstance(engine, Engine)
        return engine

    def _insert_events(
        self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        # Lock first: the tracking check and the chain head must both be read
        # by exactly one writer at a time (the library checks tracking outside
        # the transaction, which lets a concurrent duplicate through).
        self._lock_table(session)
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking_locked(session, tracking)

    def _insert_tracking_locked(self, session: Session, tracking: Tracking) -> None:
        record_cls = self.tracking_record_cls
        existing = (
            session.query(record_cls)
            .filter_by(application_name=tracking.application_name)
            .with_for_update()
            .first()
        )
        if existing is None:
            session.add(
                record_cls(
                    application_name=tracking.application_name,
                    notification_id=tracking.notification_id,
                )
            )
        elif existing.notification_id >= tracking.notification_id:
            raise IntegrityError(
                f"already processed {tracking.application_name}#{tracking.notification_id}"
            )
        else:
            existing.notification_id = tracking.notification_id

    def _insert_stored_events(
        self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        # The table is already locked by _insert_events, in this transaction.
        previous = self._chain_head(session)
        records = []
        for e in stored_events:
            previous = chain_hash(previous, e.originator_id, e.originator_version, e.topic, e.state)
            records.append(
                self.events_record_cls(
                    originator_id=e.originator_id,
                    originator_version=e.originator_version,
                    topic=e.topic,
                    state=e.state,
                    chain_hash=previous,
                )
            )
        session.add_all(records)
        session.flush()  # the autoincremented notification ids, now
        self._notify_channel(session)
        return [r.id for r in records]

    def _chain_head(self, session: Session) -> bytes:
        cls = self.events_record_cls
        head = session.execute(select(cls.chain_hash).order_by(cls.id.desc()).limit(1)).scalar()
        return head if head is not None else GENESIS

    def chain_rows(self, batch: int = 10_000) -> Iterator[ChainRow]:
        """Every stored event in notification order, read in keyset pages so a
        store of any size is walked in constant memory."""
        table = self.events_record_cls.__table__
        engine = self.engine
        originator = table.c.originator_id
        if engine.dialect.name == "postgresql":
            # the text form is what was hashed; skips a UUID object per row
            originator = cast(originator, Text)
        query = select(
            table.c.id,
            originator,
            table.c.originator_version,
            table.c.topic,
            table.c.state,
            table.c.chain_hash,
        ).order_by(table.c.id)
        last = 0
        with engine.connect() as conn:
            while True:
                rows = conn.execute(query.where(table.c.id > last).limit(batch)).all()
                for r in rows:
                    yield ChainRow(
                        r[0], r[1], r[2], r[3], bytes(r[4]), None if r[5] is None else bytes(r[5])
                    )
                if len(rows) < batch:
                    return
                last = rows[-1][0]
                conn.rollback()  # end the read transaction between pages


class ChainedFactory(SQLAlchemyFactory):
    datastore_class = ChainedDatastore
    process_recorder_class = ChainedProcessRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        if isinstance(self.datastore, ChainedDatastore) and self.datastore.is_postgresql:
            # imported here: that module builds on this one
            from events.pg_recorder import PgChainedRecorder

            self.process_recorder_class = PgChainedRecorder

    def close(self) -> None:
        """Closes the pooled connections (else a stopped service holds its backends)."""
        super().close()
        if isinstance(self.datastore.engine, Engine):
            self.datastore.engine.dispose()


def store_env(store_url: str) -> dict[str, str]:
    """The eventsourcing environment for a store URL."""
    return {
        "PERSISTENCE_MODULE": "events.store:ChainedFactory",
        "SQLALCHEMY_URL": store_url,
        "CREATE_TABLE": "y",
        "AGGREGATE_CACHE_MAXSIZE": "2000",
    }


# the library's projector, typed for what ``find`` reconstructs
_project: ProjectorFunction[Aggregate, DomainEventProtocol[UUID]] = project_aggregate


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
        self._stored_listeners: list[Callable[[int, int], None]] = []
        self._units = UnitScope(f"{self.name}:{id(self)}")

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

    def construct_recorder(self) -> ChainedProcessRecorder:
        # a process recorder (it tracks), and ours: store_env names ChainedFactory
        recorder = self.factory.process_recorder()
        assert isinstance(recorder, ChainedProcessRecorder)
        return recorder

    @property
    def chained_recorder(self) -> ChainedProcessRecorder:
        assert isinstance(self.recorder, ChainedProcessRecorder)
        return self.recorder

    def on_stored(self, listener: Callable[[int, int], None]) -> None:
        """``listener(last_notification_id, count)`` runs after every save."""
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
    def find(self, aggregate_id: UUID, kind: type[T]) -> T | None:
        """The aggregate, if it exists and is of that kind."""
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
        if recordings:
            last = max(r.notification.id for r in recordings)
            for listener in self._stored_listeners:
                listener(last, len(recordings))
