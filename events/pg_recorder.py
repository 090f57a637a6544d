"""The store's hot path on PostgreSQL, on psycopg2 directly (issue 17: the
SQLAlchemy ORM was 64–83 % of the services' CPU). Same tables, columns and
guarantees as the ORM path of ``events.recorder`` (ADR 18):

- one writer at a time: ``LOCK TABLE … IN EXCLUSIVE MODE`` first, held to
  commit, so notification ids are taken and committed in order (a reader
  never sees id n+1 before id n) and the chain head read is the last row;
- tracking is upserted under that lock, in the write's transaction: of two
  deliveries of one message exactly one takes effect, the other raises the
  library's ``IntegrityError``;
- the unique (originator_id, originator_version) index refuses a second
  writer of one version (optimistic concurrency), as ``IntegrityError``.

Connections come from the SQLAlchemy engine's pool. Inside a unit of work
every call uses the unit's connection and transaction (``events.unit``);
outside one, a read is one autocommitted statement and a write one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, StoredEvent, Tracking
from psycopg2.extras import execute_values  # type: ignore[import-untyped]

from events.chain import GENESIS, chain_hash
from events.recorder import ChainedProcessRecorder
from events.unit import raw_errors


def _ahead_key(originator_id: UUID | str, gt: int | None) -> tuple[str, int]:
    """What was read ahead of an aggregate is found under (versions start at 1)."""
    return str(originator_id), gt or 0


def _uuid(value: Any) -> UUID:
    # psycopg2 gives a str unless the connection registered the uuid type
    return value if isinstance(value, UUID) else UUID(value)


class PgChainedRecorder(ChainedProcessRecorder):
    """``ChainedProcessRecorder`` with its hot path below the ORM."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = f"{self.schema_name}." if self.schema_name else ""
        events = f"{schema}{self.events_table_name}"
        tracking = f"{schema}{self.tracking_table_name}"
        self._lock_sql = f"LOCK TABLE {events} IN EXCLUSIVE MODE"
        self._head_sql = f"SELECT chain_hash FROM {events} ORDER BY id DESC LIMIT 1"
        self._insert_sql = (
            f"NOTIFY {self.channel_name}; "  # delivered at commit, like the insert
            f"INSERT INTO {events} (originator_id, originator_version, topic, state, "
            "chain_hash) VALUES %s RETURNING id"
        )
        # inserted or advanced only past its position: no row back = already
        # processed (a NULL position, which the ORM path could leave, is none)
        self._tracking_sql = (
            f"INSERT INTO {tracking} AS t (application_name, notification_id) "
            "VALUES (%s, %s) ON CONFLICT (application_name) DO UPDATE "
            "SET notification_id = EXCLUDED.notification_id "
            "WHERE t.notification_id IS NULL OR t.notification_id < EXCLUDED.notification_id "
            "RETURNING notification_id"
        )
        self._max_tracking_sql = (
            f"SELECT notification_id FROM {tracking} WHERE application_name = %s"
        )
        self._max_id_sql = f"SELECT max(id) FROM {events}"
        self._events_sql = (
            f"SELECT originator_version, topic, state FROM {events} WHERE originator_id = %s"
        )
        self._notifications_sql = (
            f"SELECT id, originator_id, originator_version, topic, state FROM {events} WHERE true"
        )
        self._chain_sql = (  # the text form of the id is what was hashed
            "SELECT id, originator_id::text, originator_version, topic, state, chain_hash "
            f"FROM {events} WHERE id > %s ORDER BY id LIMIT %s"
        )
        # One lookup on the aggregate index per aggregate, whatever the
        # table's statistics say: with none (a bulk load, autovacuum off) an
        # ``= ANY`` or a plain join was planned as a scan of the whole table
        # (130 ms for a case's timeline). ``OFFSET 0`` keeps the planner from
        # flattening the per-aggregate lookup into that join.
        self._notifications_of_sql = (
            "SELECT e.id, e.originator_id, e.originator_version, e.topic, e.state "
            "FROM unnest(%s::uuid[]) AS wanted(id) CROSS JOIN LATERAL ("
            f"SELECT * FROM {events} WHERE originator_id = wanted.id OFFSET 0) AS e WHERE true"
        )
        self._ahead_sql = (
            "SELECT wanted.id, wanted.gt, e.originator_version, e.topic, e.state "
            "FROM unnest(%s::uuid[], %s::int[]) AS wanted(id, gt) CROSS JOIN LATERAL ("
            f"SELECT * FROM {events} WHERE originator_id = wanted.id "
            "AND originator_version > wanted.gt OFFSET 0) AS e "
            "ORDER BY wanted.id, e.originator_version"
        )

    # -- connections ------------------------------------------------------------
    @contextmanager
    def _cursor(self, write: bool) -> Iterator[Any]:
        """A cursor in this greenthread's unit, else on a connection of its own:
        autocommitted for a read (one statement, no BEGIN/COMMIT round trips),
        one transaction for a write."""
        unit = self.store.open_unit
        if unit is not None:
            with unit.cursor() as cursor:
                yield cursor
            return
        pooled = self.engine.raw_connection()
        try:
            connection: Any = pooled.dbapi_connection
            with raw_errors(pooled):
                connection.autocommit = not write
                try:
                    with connection.cursor() as cursor:
                        yield cursor
                    if write:
                        connection.commit()
                except BaseException:
                    if write:
                        connection.rollback()
                    raise
                finally:
                    connection.autocommit = False  # as the pool hands it out
        finally:
            pooled.close()

    # -- writes -----------------------------------------------------------------
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The events' notification ids (None when there were no events, as
        the library's own PostgreSQL recorder answers)."""
        tracking: Tracking | None = kwargs.get("tracking")
        unit = self.store.open_unit
        if unit is not None:
            unit.ahead.clear()  # what the unit writes makes them stale
        with self._cursor(write=True) as cursor:
            if unit is None:
                return self._write(cursor, stored_events, tracking, "")
            # In a unit, a refused write (a duplicate delivery, a concurrent
            # version) must not abort the unit: PostgreSQL refuses every later
            # statement of a failed transaction. So each write is a savepoint,
            # released with the next write's first statement (or the commit).
            prefix = "RELEASE SAVEPOINT w; " if unit.savepoint else ""
            unit.savepoint = False
            try:
                ids = self._write(cursor, stored_events, tracking, prefix + "SAVEPOINT w; ")
            except Exception:
                cursor.execute("ROLLBACK TO SAVEPOINT w; RELEASE SAVEPOINT w")
                raise
            unit.savepoint = True
            return ids

    def _write(
        self,
        cursor: Any,
        stored_events: Sequence[StoredEvent],
        tracking: Tracking | None,
        prefix: str,
    ) -> list[int] | None:
        # Lock first: the tracking position and the chain head must both be
        # read by exactly one writer at a time. (A tracking-only write locks
        # too: a unit that wrote tracking then events would otherwise take
        # the row lock before the table lock, the opposite of another unit.)
        # The lock, the tracking and the head go in one round trip.
        head_sql = f"({self._head_sql})" if stored_events else "NULL"
        if tracking is None:
            cursor.execute(f"{prefix}{self._lock_sql}; SELECT true, {head_sql}")
        else:
            cursor.execute(
                f"{prefix}{self._lock_sql}; WITH t AS ({self._tracking_sql}) "
                f"SELECT EXISTS (SELECT FROM t), {head_sql}",
                (tracking.application_name, tracking.notification_id),
            )
        row = cursor.fetchone()
        if not row[0]:
            assert tracking is not None
            raise IntegrityError(
                f"already processed {tracking.application_name}#{tracking.notification_id}"
            )
        head = GENESIS if row[1] is None else bytes(row[1])
        if not stored_events:
            return None
        rows = []
        for e in stored_events:
            head = chain_hash(head, e.originator_id, e.originator_version, e.topic, e.state)
            rows.append((str(e.originator_id), e.originator_version, e.topic, e.state, head))
        # one multi-row statement; ids come back in row order (one sequence,
        # taken row by row under the lock)
        returned = execute_values(cursor, self._insert_sql, rows, page_size=len(rows), fetch=True)
        return [r[0] for r in returned]

    def insert_tracking(self, tracking: Tracking) -> None:
        self.insert_events([], tracking=tracking)

    # -- reads ------------------------------------------------------------------
    def select_events(
        self,
        originator_id: UUID | str,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        unit = self.store.open_unit
        if unit is not None and lte is None and not desc and limit is None:
            ahead = unit.ahead.pop(_ahead_key(originator_id, gt), None)
            if ahead is not None:
                return ahead
        sql = self._events_sql
        args: list[Any] = [str(originator_id)]
        if gt is not None:
            sql += " AND originator_version > %s"
            args.append(gt)
        if lte is not None:
            sql += " AND originator_version <= %s"
            args.append(lte)
        sql += " ORDER BY originator_version DESC" if desc else " ORDER BY originator_version"
        if limit is not None:
            sql += " LIMIT %s"
            args.append(limit)
        with self._cursor(write=False) as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        oid = _uuid(originator_id)
        return [StoredEvent(oid, r[0], r[1], bytes(r[2])) for r in rows]

    def read_ahead(self, wanted: Mapping[UUID, int | None]) -> None:
        """The events of several aggregates after the versions given (None:
        all), in one round trip: each one's next ``select_events`` in this
        greenthread's unit answers from them, once (a command that reads a
        case and the case's consent, issue 17). Outside a unit, nothing."""
        unit = self.store.open_unit
        if unit is None or not wanted:
            return
        keys = [_ahead_key(i, gt) for i, gt in wanted.items()]
        with self._cursor(write=False) as cursor:
            cursor.execute(self._ahead_sql, ([k[0] for k in keys], [k[1] for k in keys]))
            rows = cursor.fetchall()
        found: dict[tuple[str, int], list[Any]] = {key: [] for key in keys}
        for r in rows:
            found[(str(r[0]), r[1])].append(StoredEvent(_uuid(r[0]), r[2], r[3], bytes(r[4])))
        unit.ahead.update(found)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> list[Notification]:
        sql = self._notifications_sql
        args: list[Any] = []
        if start is not None:
            sql += " AND id >= %s" if inclusive_of_start else " AND id > %s"
            args.append(start)
        if stop is not None:
            sql += " AND id <= %s"
            args.append(stop)
        if topics:
            sql += " AND topic = ANY(%s)"
            args.append(list(topics))
        sql += " ORDER BY id LIMIT %s"
        args.append(limit)
        return self._notifications(sql, args)

    def select_notifications_of(
        self, originator_ids: Sequence[UUID], topics: Sequence[str] = ()
    ) -> list[Notification]:
        sql, args = self._notifications_of_sql, [[str(i) for i in originator_ids]]
        if topics:
            sql += " AND e.topic = ANY(%s)"
            args.append(list(topics))
        return self._notifications(sql + " ORDER BY e.id", args)

    def _notifications(self, sql: str, args: list[Any]) -> list[Notification]:
        with self._cursor(write=False) as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        return [
            Notification(
                id=r[0],
                originator_id=_uuid(r[1]),
                originator_version=r[2],
                topic=r[3],
                state=bytes(r[4]),
            )
            for r in rows
        ]

    def _chain_page(self, after: int, batch: int) -> Sequence[Any]:
        # without the ORM's row processing: verify's rate is mostly this
        with self._cursor(write=False) as cursor:
            cursor.execute(self._chain_sql, (after, batch))
            return cursor.fetchall()

    def statement(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        """One statement on another table of the store (``events.commands``):
        in this greenthread's unit of work when one is open, else a
        transaction of its own. Its rows, if it returns any."""
        with self._cursor(write=True) as cursor:
            cursor.execute(sql, args)
            return cursor.fetchall() if cursor.description is not None else []

    def at_commit(self, sql: str, args: Sequence[Any]) -> None:
        """A last statement of this greenthread's unit of work, sent with its
        commit (``RawUnit.at_commit``); outside one, a transaction of its own."""
        unit = self.store.open_unit
        if unit is not None:
            unit.at_commit(sql, args)
        else:
            self.statement(sql, args)

    def max_notification_id(self) -> int | None:
        with self._cursor(write=False) as cursor:
            cursor.execute(self._max_id_sql)
            row = cursor.fetchone()
        return None if row is None else row[0]

    def max_tracking_id(self, application_name: str) -> int | None:
        with self._cursor(write=False) as cursor:
            cursor.execute(self._max_tracking_sql, (application_name,))
            row = cursor.fetchone()
        return None if row is None else row[0]
