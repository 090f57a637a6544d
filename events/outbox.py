"""Durable outbox state kept in the service's own database: the relay's
published position, and (on PostgreSQL) the advisory lock that lets only one
replica of a service publish at a time; also the lock under which replicas
make the store's tables (``schema_lock``)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import BigInteger, Column, MetaData, String, Table, text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

_metadata = MetaData()
relay_positions = Table(
    "relay_positions",
    _metadata,
    Column("relay", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


_SCHEMA_LOCK = _lock_key("coordonare.schema")


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Held while tables are made. Replicas starting together on a fresh
    store would otherwise both see a table missing and both create it: one
    fails (PostgreSQL's catalogue refuses the second name, even with ``IF
    NOT EXISTS``). Under the lock the second waits, then finds the table. A
    session-level advisory lock on a connection of its own, so the DDL may
    run on any other connection; SQLite stores are single-process."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _SCHEMA_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SCHEMA_LOCK})
            conn.commit()


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
        self.key = _lock_key(name)
        self._conn: Connection | None = None

    def held(self) -> bool:
        """True while we hold the lock; tries to take it when we don't."""
        if self.engine.dialect.name != "postgresql":
            return True
        try:
            if self._conn is not None:
                self._conn.execute(text("SELECT 1"))  # still alive, so still ours
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
