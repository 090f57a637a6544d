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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Recording
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore, Transaction, transactions


@dataclass
class Unit:
    """What an open unit did so far: what it stored (told to listeners only
    once committed) and which aggregates it wrote (their uncommitted events
    must never reach the shared aggregate cache)."""

    shared: bool = False  # one transaction for all (PostgreSQL), else one per call
    recordings: list[Recording[UUID]] = field(default_factory=list)
    written: set[UUID] = field(default_factory=set)

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


class UnitDatastore(SQLAlchemyDatastore):
    """The library's datastore, with units of work: while a greenthread has a
    unit open on this store, every recorder call of that greenthread joins
    the unit's one transaction (``EventSourcedApplication.unit_of_work``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # greenthread-local (see events.unit), and this store's own: a unit
        # never captures the calls made to another store
        self._unit: ContextVar[Transaction | None] = ContextVar(f"unit:{id(self)}", default=None)

    @property
    def shares_transactions(self) -> bool:
        # SQLite keeps one transaction per call: its in-process locks, held
        # for a whole unit, would stall every other worker of the process
        return self.engine is not None and self.engine.dialect.name == "postgresql"

    @contextmanager
    def unit(self) -> Iterator[bool]:
        """One transaction for the greenthread's recorder calls until exit,
        committed then (rolled back on an exception). Yields whether calls
        really share it; nested use joins the outer unit."""
        if self._unit.get() is not None or not self.shares_transactions:
            yield self._unit.get() is not None
            return
        transaction = self._fresh_transaction(commit=True)
        token = self._unit.set(transaction)
        try:
            with transaction:
                yield True
        finally:
            self._unit.reset(token)

    @property
    def in_unit(self) -> bool:
        """Whether this greenthread's calls share an open unit's transaction."""
        return self._unit.get() is not None

    def transaction(self, commit: bool) -> Transaction:
        unit = self._unit.get()
        if unit is not None:
            return unit
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
