"""Store-path benchmark (issue 17, part 3): the recorder's CPU cost, the old
path (SQLAlchemy ORM, one transaction per recorder call) against the new
(psycopg2 below the ORM, a command in one unit of work), in the same run.
Not a test: it only prints figures, never asserts on them.

Runs like the services do (eventlet, green psycopg2) against the real
PostgreSQL, each path on a database of its own, removed at the end even on
error. CPU is this process's (``time.process_time``: the client side of the
store, what the services spend), not PostgreSQL's; wall time is printed too.

1. chained save -- one event inserted (lock, chain head, hash, insert,
   NOTIFY, commit), sequentially.
2. chained save with tracking -- the same, with a tracking position (what a
   consumed event stores).
3. command -- one of 100 aggregates loaded (the aggregate cache
   fast-forwarding it from the store), changed and saved: the old path one
   transaction per call, the new one unit of work as every RPC entrypoint.
"""

# ruff: noqa: E402
import eventlet

eventlet.monkey_patch()

import sys
import time
from collections.abc import Callable
from contextlib import ExitStack, nullcontext
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent, Tracking

from events.nameko import make_psycopg_green
from events.recorder import ChainedProcessRecorder
from events.store import EventSourcedApplication
from tests.bench.support import new_database, section, show

SAVES = 500
COMMANDS = 300
AGGREGATES = 100
STATE = b'{"actor_id":"t-1","actor_role":"technician","note":"' + b"x" * 200 + b'"}'


class Counter(Aggregate):
    """A small aggregate a command changes."""

    def __init__(self) -> None:
        self.count = 0

    @event("Counted")
    def count_one(self, note: str) -> None:
        self.count += 1


class Store(EventSourcedApplication):
    name = "bench"


class OrmStore(Store):
    """The same application on the previous recorder: the ORM path."""

    def construct_recorder(self) -> ChainedProcessRecorder:
        recorder = ChainedProcessRecorder(
            datastore=self.factory.datastore,  # type: ignore[attr-defined]
            events_table_name="bench_events",
            tracking_table_name="bench_tracking",
        )
        recorder.create_table()
        return recorder


def cpu_ms(action: Callable[[int], Any], times: int) -> tuple[float, float]:
    """CPU and wall milliseconds per call of ``action(i)``."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(times):
        action(i)
    return (
        (time.process_time() - cpu) * 1000 / times,
        (time.perf_counter() - wall) * 1000 / times,
    )


def saves(app: Store, tracking: bool) -> tuple[float, float]:
    recorder = app.chained_recorder
    position = (recorder.max_tracking_id("upstream") or 0) if tracking else 0

    def save(i: int) -> None:
        stored = StoredEvent(uuid4(), 1, "bench:Saved", STATE)
        kwargs = {"tracking": Tracking("upstream", position + i + 1)} if tracking else {}
        recorder.insert_events([stored], **kwargs)

    return cpu_ms(save, SAVES)


def commands(app: Store, in_unit: bool) -> tuple[float, float]:
    ids: list[UUID] = []
    for _ in range(AGGREGATES):
        counter = Counter()
        app.save(counter)
        ids.append(counter.id)
    for aggregate_id in ids:  # cached, as in a running service
        app.find(aggregate_id, Counter)

    def command(i: int) -> None:
        with app.unit_of_work() if in_unit else nullcontext():
            counter = app.find(ids[i % AGGREGATES], Counter)
            assert counter is not None
            counter.count_one("one more")
            app.save(counter)

    return cpu_ms(command, COMMANDS)


def main() -> int:
    make_psycopg_green()
    with ExitStack() as cleanup:
        old = OrmStore(new_database(cleanup))
        new = Store(new_database(cleanup))
        cleanup.callback(old.close)
        cleanup.callback(new.close)
        print(f"recorders: old {type(old.recorder).__name__}, new {type(new.recorder).__name__}")
        figures = [
            ("chained save", lambda app, unit: saves(app, tracking=False)),
            ("chained save with tracking", lambda app, unit: saves(app, tracking=True)),
            ("command (find, change, save)", lambda app, unit: commands(app, unit)),
        ]
        for title, run in figures:
            section(title)
            run(old, False), run(new, True)  # warm both: pools, caches, code paths
            old_cpu, old_wall = run(old, False)
            new_cpu, new_wall = run(new, True)
            show("old (ORM) CPU", old_cpu, "ms/call", f"wall {old_wall:.2f} ms")
            show("new (psycopg2, unit) CPU", new_cpu, "ms/call", f"wall {new_wall:.2f} ms")
            show("new / old", new_cpu / old_cpu * 100, "%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
