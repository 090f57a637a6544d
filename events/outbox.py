"""Durable outbox state kept in the service's own database: the relay's
published position, and (on PostgreSQL) the advisory lock that lets only one
replica of a service publish at a time."""

from __future__ import annotations

import logging
import time

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

    def advance(self, position: int, on: Connection | None = None) -> None:
        """Writes the position, on ``on`` when given (the leader's own
        connection, which the write then proves alive), else on a pooled one."""
        if on is not None:
            on.execute(_UPSERT, {"relay": self.relay, "position": position})
            on.commit()
            return
        with self.engine.begin() as conn:
            conn.execute(_UPSERT, {"relay": self.relay, "position": position})


# one statement, prepared once (PostgreSQL and SQLite both have ON CONFLICT):
# the relay writes it on every batch it publishes
_UPSERT = text(
    "INSERT INTO relay_positions (relay, position) VALUES (:relay, :position) "
    "ON CONFLICT (relay) DO UPDATE SET position = excluded.position"
)


class LeaderLock:
    """Session-level ``pg_try_advisory_lock`` held on a connection of its own.
    SQLite stores are embedded and single-process: always the leader.

    The session is asked whether it is still alive at most every
    ``recheck_seconds``, not on every relay step (issue 17: a query and a
    commit per step): the leader writes its position through this session
    (``connection``), and a write that went through is the same proof.
    Leading for a moment after the session died publishes nothing wrong:
    the next leader starts from the last position written, and consumers
    take an event published twice once (same id)."""

    def __init__(self, engine: Engine, name: str, recheck_seconds: float = 1.0) -> None:
        self.engine = engine
        self.key = lock_key(name)
        self.recheck_seconds = recheck_seconds
        self._conn: Connection | None = None
        self._answered_at = 0.0

    @property
    def connection(self) -> Connection | None:
        """The session holding the lock (None on SQLite, or when not held)."""
        return self._conn

    def answered(self) -> None:
        """The session just did some work: it is alive, so the lock is ours."""
        self._answered_at = time.monotonic()

    def held(self) -> bool:
        """True while we hold the lock; tries to take it when we don't."""
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            if self._conn is not None:
                if time.monotonic() - self._answered_at < self.recheck_seconds:
                    return True
                self._conn.execute(text("SELECT 1"))  # still alive, so still ours
                # ended at once: an idle transaction is what a server's
                # idle_in_transaction_session_timeout ends, lock and all
                self._conn.commit()
                self.answered()
                return True
            conn = self.engine.connect()
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
                conn.commit()
                self._conn = conn
                self.answered()
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
