"""Tables made by replicas that may start together (issue 17, part 5).

Every service makes the tables it needs when it starts if they are missing:
the store's (events, tracking, the unique aggregate index), the relay's
position, the cases service's key table. Two replicas starting at once on a
fresh database would both find a table missing and both create it, and one
would crash: PostgreSQL's catalogue refuses the second name, even with ``IF
NOT EXISTS``. ``schema_lock`` makes them take turns: the second waits, then
finds the table made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine


def lock_key(name: str) -> int:
    """A PostgreSQL advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


_SCHEMA_LOCK = lock_key("coordonare.schema")


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Held while tables are made: a session-level advisory lock on a
    connection of its own, so the DDL may run on any other connection of the
    engine. SQLite stores are embedded and single-process: no lock."""
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
