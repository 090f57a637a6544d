"""A command costs the same on day 1,000 as on day 1 (issue 17, part 1).

The coordination service registers a technician and lists its staff and its
task sheets (each list a view that catches up from the log; no task was ever
delegated), once with a thousand unrelated events stored, and again with
twenty thousand. What PostgreSQL reads of the events table for it (rows and
index entries, from its statistics views) is the same both times: no
catch-up scans the history it does not follow, even when nothing there is
of its topics.
"""

from collections.abc import Iterator
from uuid import uuid4

import psycopg2
import pytest
from eventsourcing.persistence import StoredEvent

from services.coordination.application import CoordinationApplication
from services.coordination.registry.views import RegistryView
from services.coordination.tasks.views import TaskIndex
from tests.support.registry import ADMIN_ACTOR, TECHNICIAN, register_technicians
from tests.support.waiting import eventually

NOISE = "tests.noise:Unrelated.Happened"  # a topic no view of the service follows


@pytest.fixture
def app(store_url: str) -> Iterator[CoordinationApplication]:
    app = CoordinationApplication(store_url)
    yield app
    app.close()


def store_unrelated(app: CoordinationApplication, count: int) -> None:
    """``count`` events of a topic nobody follows, in big batches (through the
    recorder, so chained and numbered as any other)."""
    for start in range(0, count, 5000):
        app.recorder.insert_events(
            [StoredEvent(uuid4(), 1, NOISE, b"{}") for _ in range(min(5000, count - start))]
        )
    # as autovacuum soon would: the planner sees the table as it now is
    with app.chained_recorder.engine.connect() as conn:
        conn.exec_driver_sql(f"ANALYZE {app.name}_events")
        conn.commit()


def events_tuples_read(app: CoordinationApplication, store_url: str) -> int:
    """Tuples read so far from the service's events table, by every session.

    A session reports its counts to ``pg_stat_user_tables`` when it ends, so
    the application's connections are closed first, and the figures read
    once no session of the store is left."""
    app.chained_recorder.engine.dispose()
    conn = psycopg2.connect(store_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:

            def others() -> int:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                return int(cur.fetchone()[0])

            eventually(others, 30, until=lambda left: left == 0)
            cur.execute("SELECT pg_stat_clear_snapshot()")
            # rows read by sequential scans, and index entries read by index
            # scans (a bitmap scan fetches heap rows it filters out uncounted)
            cur.execute(
                "SELECT coalesce(max(t.seq_tup_read), 0) + coalesce(sum(i.idx_tup_read), 0)"
                " FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i USING (relid)"
                " WHERE t.relname = %s",
                (f"{app.name}_events",),
            )
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def register_and_list(app: CoordinationApplication, store_url: str, n: int) -> int:
    """Rows of the events table read to register one more technician, and
    list the staff (who shows them) and the task sheets (none)."""
    before = events_tuples_read(app, store_url)
    staff = app.register_staff(
        ADMIN_ACTOR, **TECHNICIAN.command(email=f"nou{n}@primaria-cluj.ro", full_name=f"Nou {n}")
    )
    assert staff["staff_id"] in app.view(RegistryView).staff
    assert not app.view(TaskIndex).of(staff["staff_id"])
    return events_tuples_read(app, store_url) - before


def test_a_command_reads_as_much_with_twenty_thousand_events_stored_as_with_a_thousand(
    app: CoordinationApplication, store_url: str
) -> None:
    register_technicians(app, 2)
    for view in (RegistryView, TaskIndex):  # the views have seen everything so far
        app.view(view)
    store_unrelated(app, 1_000)
    register_and_list(app, store_url, 0)  # first use of fresh sessions and plans
    early = register_and_list(app, store_url, 1)

    store_unrelated(app, 19_000)
    register_and_list(app, store_url, 2)
    late = register_and_list(app, store_url, 3)

    print(f"events tuples read per command: {early} at 10³ stored, {late} at 2·10⁴")
    assert late <= early * 1.2 + 5, f"{early} tuples read at 1,000 events, {late} at 20,000"
    assert late < 1_000, "a command read more than its own events"
