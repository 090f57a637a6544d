"""Durable outbox state kept in the service's own database: the relay's
published position, and (on PostgreSQL) the advisory lock that lets only one
replica of a service publish at a time."""

from __future__ import annotations

import logging

from sqlalchemy import BigInteger, Column, MetaData, String, Table, text
from sqlalchemy.engine import Connection, Engine

from events.schema import lock_key, schema_lock

log = logging.getLogger(__name__)

_metadata = MetaData()
relay_positions = Table(
    "relay_positions",
    _metadata,
    Column("relay", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


class PositionStore:
    def __init__(self, engine: Engine, relay: str) -> None:
        self.engine, self.relay = engine, relay
        with schema_lock(engine):
            _metadata.create_all(engine, checkfirst=True)

    def load(self) -> int:
        with self.engine.connect() as conn:
            row = conn.execute(
                relay_positions.select().where(relay_positions.c.relay == self.relay)
            ).first()
        return row.position if row else 0

    def advance(self, position: int) -> None:
        with self.engine.begin() as conn:
            updated = conn.execute(
                relay_positions.update()
                .where(relay_positions.c.relay == self.relay)
                .values(position=position)
            ).rowcount
            if not updated:
                conn.execute(relay_positions.insert().values(relay=self.relay, position=position))


class LeaderLock:
    """Session-level ``pg_try_advisory_lock`` held on a connection of its own.
    SQLite stores are embedded and single-process: always the leader."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.key = lock_key(name)
        self._conn: Connection | None = None

    def held(self) -> bool:
        """True while we hold the lock; tries to take it when we don't."""
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            if self._conn is not None:
                self._conn.execute(text("SELECT 1"))  # still alive, so still ours
                # ended at once: an idle transaction is what a server's
                # idle_in_transaction_session_timeout ends, lock and all
                self._conn.commit()
                return True
            conn = self.engine.connect()
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
                conn.commit()
                self._conn = conn
                return True
            conn.close()
        except Exception:
            log.warning("relay leader lock lost or unavailable", exc_info=True)
            self.release()
        return False

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                # Invalidate, not close: a closed connection goes back to the
                # pool with its session, and the session keeps the lock.
                conn.invalidate()
            except Exception:
                log.debug("dropping the lock connection failed", exc_info=True)
