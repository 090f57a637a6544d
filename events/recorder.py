"""The store's recorder: ``eventsourcing`` on SQLAlchemy (psycopg2, or
SQLite for an embedded run), with two additions the library does not have:

- every stored event carries ``chain_hash`` (see ``events.chain``), computed
  while the table is locked so the chain follows notification order;
- tracking (what a consumer already processed) is checked under that same
  lock, so two deliveries of one message can never both take effect.

Selected by ``PERSISTENCE_MODULE=events.recorder:ChainedFactory``
(``store_env``); on PostgreSQL its hot path is ``events.pg_recorder``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, StoredEvent, Tracking
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.models import StoredEventRecord
from eventsourcing_sqlalchemy.recorders import SQLAlchemyProcessRecorder
from sqlalchemy import Column, Engine, LargeBinary, Text, cast, select
from sqlalchemy.orm import Session

from events.chain import GENESIS, ChainRow, chain_hash
from events.schema import schema_lock
from events.unit import UnitDatastore


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

    def select_notifications_of(
        self, originator_ids: Sequence[UUID], topics: Sequence[str] = ()
    ) -> list[Notification]:
        """The events of these aggregates (of these topics) in notification
        order: what a view reads when asked rather than holds in memory."""
        cls = self.events_record_cls
        with self.transaction(commit=False) as session:
            query = session.query(cls).filter(cls.originator_id.in_(list(originator_ids)))
            rows = query.filter(cls.topic.in_(topics)) if topics else query
            return [
                Notification(r.originator_id, r.originator_version, r.topic, bytes(r.state), r.id)
                for r in rows.order_by(cls.id)
            ]

    def _chain_head(self, session: Session) -> bytes:
        cls = self.events_record_cls
        head = session.execute(select(cls.chain_hash).order_by(cls.id.desc()).limit(1)).scalar()
        return head if head is not None else GENESIS

    def chain_head(self) -> tuple[int, bytes] | None:
        """The newest stored event's position and chain hash (what a
        checkpoint signs, ``events.checkpoint``); None for an empty store."""
        table = self.events_record_cls.__table__
        query = select(table.c.id, table.c.chain_hash).order_by(table.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None or row[1] is None else (int(row[0]), bytes(row[1]))

    def chain_rows(self, batch: int = 10_000, after: int = 0) -> Iterator[ChainRow]:
        """Every stored event after position ``after`` in notification order,
        read in keyset pages so a store of any size is walked in constant
        memory."""
        last = after
        while True:
            rows = self._chain_page(last, batch)
            for r in rows:
                yield ChainRow(
                    r[0], r[1], r[2], r[3], bytes(r[4]), None if r[5] is None else bytes(r[5])
                )
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def _chain_page(self, after: int, batch: int) -> Sequence[Any]:
        """One page of (id, originator, version, topic, state, chain hash),
        a short read of its own: no transaction is held over the walk."""
        table = self.events_record_cls.__table__
        originator = table.c.originator_id
        if self.engine.dialect.name == "postgresql":
            # the text form is what was hashed; skips a UUID object per row
            originator = cast(originator, Text)
        query = select(
            table.c.id,
            originator,
            table.c.originator_version,
            table.c.topic,
            table.c.state,
            table.c.chain_hash,
        )
        with self.engine.connect() as conn:
            return conn.execute(
                query.where(table.c.id > after).order_by(table.c.id).limit(batch)
            ).all()


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
        "PERSISTENCE_MODULE": "events.recorder:ChainedFactory",
        "SQLALCHEMY_URL": store_url,
        "CREATE_TABLE": "y",
        "AGGREGATE_CACHE_MAXSIZE": "2000",
    }
