"""Units of work: every store read and write of one greenthread in one
transaction (issue 17: a command costs at most two PostgreSQL transactions,
a consumed batch one).

A unit belongs to one application and its store (datastore). Nameko runs each
worker in its own eventlet greenthread, and greenlets each have their own
``contextvars`` context, so a ``ContextVar`` is greenthread-local: two
workers never share a unit, and a unit of one store never captures the
calls made to another store in the same greenthread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import psycopg2  # type: ignore[import-untyped]  # (no stubs installed)
from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    Recording,
)
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore, Transaction, transactions
from psycopg2.extensions import TRANSACTION_STATUS_IDLE  # type: ignore[import-untyped]
from sqlalchemy import Engine

from events.config import store_pool


@dataclass
class Unit:
    """What an open unit did so far: what it stored (told to listeners only
    once committed) and which aggregates it wrote (their uncommitted events
    must never reach the shared aggregate cache)."""

    shared: bool = False  # one transaction for all (PostgreSQL), else one per call
    recordings: list[Recording[UUID]] = field(default_factory=list)
    written: set[UUID] = field(default_factory=set)
    # the views caught up after the unit wrote: only they may hold its rows
    tainted: set[type] = field(default_factory=set)
    # the log's head its views are caught up to until it writes (issue 17)
    head: int | None = None

    @property
    def wrote(self) -> bool:
        return bool(self.recordings)


class UnitScope:
    """The open unit of one application, per greenthread; nested use joins
    the outer one."""

    def __init__(self, name: str) -> None:
        self._current: ContextVar[Unit | None] = ContextVar(f"unit:{name}", default=None)

    @property
    def current(self) -> Unit | None:
        return self._current.get()

    @contextmanager
    def open(self) -> Iterator[tuple[Unit, bool]]:
        """``(unit, outermost)``: the greenthread's unit, new if none was open."""
        unit = self._current.get()
        if unit is not None:
            yield unit, False
            return
        unit = Unit()
        token = self._current.set(unit)
        try:
            yield unit, True
        finally:
            self._current.reset(token)


class RawUnit:
    """A unit's one PostgreSQL connection, straight from the engine's pool
    (so pool and settings stay in one place), checked out at first use: a
    unit that never touches the store costs no connection and no transaction.

    The transaction begins with the unit's first statement, in the same
    round trip (``BEGIN; …``): left to itself psycopg2 sends its ``BEGIN``
    alone first, a round trip of every unit (issue 17). So the connection
    is in autocommit while the unit holds it, and the unit says ``BEGIN``,
    ``COMMIT`` and ``ROLLBACK`` itself."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pooled: Any = None
        self.savepoint = False  # a write's savepoint not yet released
        self.begun = False  # BEGIN sent: the server holds the unit's transaction
        self._at_commit: list[tuple[str, Sequence[Any]]] = []
        # (aggregate id, after version) -> its events, read ahead in one
        # round trip with others (``PgChainedRecorder.read_ahead``)
        self.ahead: dict[tuple[str, int], list[Any]] = {}

    @property
    def pooled(self) -> Any:
        """The pool's proxy of the connection (``raw_errors`` takes it)."""
        if self._pooled is None:
            pooled: Any = self._engine.raw_connection()
            pooled.dbapi_connection.autocommit = True  # BEGIN is the unit's to send
            self._pooled = pooled
        return self._pooled

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor of the unit's transaction; the unit's first statement
        begins it."""
        with raw_errors(self.pooled), _cursor_of(self, self.pooled.dbapi_connection) as cursor:
            yield cursor

    def at_commit(self, sql: str, args: Sequence[Any]) -> None:
        """A last statement, sent with the ``COMMIT`` in its round trip (and
        never, if the unit rolls back)."""
        self._at_commit.append((sql, args))

    def end(self, commit: bool) -> None:
        """Commit (or roll back) and give the connection back to the pool."""
        pooled, self._pooled = self._pooled, None
        if pooled is None:
            return
        last, self._at_commit = self._at_commit if commit else [], []
        try:
            connection = pooled.dbapi_connection
            if connection is None:  # lost mid-unit, and taken out of the pool
                if commit:
                    raise OperationalError("the unit's connection was lost before its commit")
                return
            with raw_errors(pooled):
                try:
                    if self.begun or last:
                        with _cursor_of(self, connection) as cursor:
                            said = [cursor.mogrify(sql, args) for sql, args in last]
                            said.append(b"COMMIT" if commit else b"ROLLBACK")
                            cursor.execute(b"; ".join(said))
                finally:
                    self.begun = False
                    if not connection.closed:
                        if connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
                            # an end that failed half-way: never hand on a
                            # connection still inside our transaction
                            pooled.invalidate()
                        else:
                            connection.autocommit = False  # as the pool hands it out
        finally:
            pooled.close()


class UnitCursor(psycopg2.extensions.cursor):
    """Sends the unit's ``BEGIN`` with its first statement."""

    unit: RawUnit

    def execute(self, query: Any, vars: Any = None) -> Any:
        if not self.unit.begun:
            query = (b"BEGIN; " + query) if isinstance(query, bytes) else "BEGIN; " + query
            self.unit.begun = True
        return super().execute(query, vars)


def _cursor_of(unit: RawUnit, connection: Any) -> Any:
    cursor = connection.cursor(cursor_factory=UnitCursor)
    cursor.unit = unit
    return cursor


@contextmanager
def raw_errors(pooled: Any) -> Iterator[None]:
    """psycopg2's errors as the library's (what callers catch), and a broken
    connection taken out of the pool instead of handed to the next caller."""
    try:
        yield
    except psycopg2.Error as error:
        connection = pooled.dbapi_connection
        if connection is not None and connection.closed:
            pooled.invalidate()
        for theirs, ours in _ERRORS:
            if isinstance(error, theirs):
                raise ours(str(error)) from error
        raise PersistenceError(str(error)) from error


_ERRORS: list[tuple[type[psycopg2.Error], type[PersistenceError]]] = [
    (psycopg2.IntegrityError, IntegrityError),
    (psycopg2.DataError, DataError),
    (psycopg2.OperationalError, OperationalError),
    (psycopg2.ProgrammingError, ProgrammingError),
    (psycopg2.InternalError, InternalError),
    (psycopg2.NotSupportedError, NotSupportedError),
    (psycopg2.InterfaceError, InterfaceError),
    (psycopg2.DatabaseError, DatabaseError),
]


KEPT_OPEN = 5  # connections a store's pool keeps when idle (SQLAlchemy's default)


def _without_jit() -> str:
    """The connection options of our PostgreSQL connections: the
    environment's own (``PGOPTIONS``, which an explicit option replaces) and
    no JIT. Our statements are short (one aggregate, one window of the log,
    one page): compiling them costs more than it saves, and where the
    planner's estimates are off (no statistics yet: a bulk load, autovacuum
    off) it JIT-compiled a 0.1 ms lookup for 90 ms. Set at connection
    start, so it costs no statement and no transaction."""
    return f"{os.environ.get('PGOPTIONS', '')} -c jit=off".strip()


class UnitDatastore(SQLAlchemyDatastore):
    """The library's datastore, with units of work: while a greenthread has a
    unit open on this store, every recorder call of that greenthread joins
    the unit's one transaction (``EventSourcedApplication.unit_of_work``).
    On PostgreSQL a unit is a raw connection (``RawUnit``), used by the
    recorder's psycopg2 path (``events.pg_recorder``); SQLite keeps one
    transaction per call: its in-process locks, held for a whole unit, would
    stall every other worker of the process."""

    def __init__(self, **kwargs: Any) -> None:
        if str(kwargs.get("url") or "").startswith("postgresql"):
            kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "options": _without_jit()}
            # SQLAlchemy's 5 kept open, and room for every worker (issue 17)
            pool = store_pool()
            kwargs["pool_size"] = min(KEPT_OPEN, pool)
            kwargs["max_overflow"] = pool - kwargs["pool_size"]
        super().__init__(**kwargs)
        # greenthread-local (see events.unit), and this store's own: a unit
        # never captures the calls made to another store
        self._unit: ContextVar[RawUnit | None] = ContextVar(f"unit:{id(self)}", default=None)

    @property
    def is_postgresql(self) -> bool:
        return isinstance(self.engine, Engine) and self.engine.dialect.name == "postgresql"

    @property
    def open_unit(self) -> RawUnit | None:
        """This greenthread's open unit on this store, if any."""
        return self._unit.get()

    @contextmanager
    def unit(self) -> Iterator[bool]:
        """One transaction for the greenthread's recorder calls until exit,
        committed then (rolled back on an exception). Yields whether calls
        really share it; nested use joins the outer unit."""
        if self._unit.get() is not None or not self.is_postgresql:
            yield self._unit.get() is not None
            return
        assert isinstance(self.engine, Engine)
        unit = RawUnit(self.engine)
        token = self._unit.set(unit)
        try:
            yield True
        except BaseException:
            unit.end(commit=False)
            raise
        else:
            unit.end(commit=True)
        finally:
            self._unit.reset(token)

    def transaction(self, commit: bool) -> Transaction:
        if self._unit.get() is not None:
            # every recorder call of a PostgreSQL store is on the raw path
            raise ProgrammingError("an ORM transaction inside a unit of work")
        # The library joins whatever transaction its context variable (one
        # for every store) holds; join it only when it is this store's own.
        current = transactions.get(None)
        if current is not None and getattr(current, "store", None) is self:
            return current
        return self._fresh_transaction(commit)

    def _fresh_transaction(self, commit: bool) -> Transaction:
        """What the library's ``transaction`` makes when none is open."""
        if not self._tried_init_sqlite_wal_mode:
            self.init_sqlite_wal_mode()
        lock = self.access_lock or (self.write_lock if commit else None)
        if lock is not None:
            lock.acquire()
        assert self.session_maker is not None
        transaction = Transaction(self.session_maker(), commit=commit, lock=lock)
        transaction.store = self  # type: ignore[attr-defined]
        transaction.token = transactions.set(transaction)
        return transaction
