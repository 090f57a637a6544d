"""Event-log benchmark (``make bench``): how fast events are stored, published
and verified, next to the raw library / broker baselines. Not a test: it only
prints figures, never asserts on them.

Runs like the services do (eventlet, green psycopg2) against the real
PostgreSQL and RabbitMQ, in databases and a vhost of its own that it removes
at the end, even on error.

The figures:

1. raw eventsourcing save/s -- baseline: a plain ``eventsourcing`` application
   on ``eventsourcing_sqlalchemy`` saving trivial aggregates (one event each),
   one ``save`` per aggregate, sequentially.
2. chained store save/s -- the same aggregates and loop through
   ``EventSourcedApplication``: the difference to 1 is the hash chain (head
   read + SHA-256 under the table lock), the tracking-capable recorder and the
   aggregate cache.
3. register_staff commands/s -- full domain commands of
   ``CoordinationApplication`` (validation, municipality lookup, existence
   check, save; one stored event each), sequentially and from 10 greenthreads.
4. raw kombu confirmed publish/s -- baseline: ~1 KB persistent messages to the
   durable topic exchange, waiting for the broker's confirm of each message,
   routed to a durable queue.
5. relay publish/s -- ``OutboxRelay.step()`` draining the store of 3 (nothing
   published yet): stored events read, mapped to CloudEvents, published and
   confirmed per batch, position advanced (the batch count is printed too).
   Also as a percentage of 4 (target >= 80 %).
6. sustained -- the relay running while 10 greenthreads issue register_staff
   as fast as they can: the store rate achieved, the largest and the final
   lag (stored but not yet confirmed on the bus, sampled every 0.5 s), and
   how long the relay takes to drain once the writers stop. The relay wakes
   on every save, so it publishes many small batches here.
7. verify events/s -- ``verify_store`` walking the whole coordination store
   (topped up to >= 50,000 events with batched saves of trivial aggregates
   into the same table first; that top-up rate is printed too) and
   recomputing the chain; it must be intact (target >= 50,000 events/s).
"""

# ruff: noqa: E402
import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from events.nameko import make_psycopg_green

make_psycopg_green()

import itertools
import os
import time
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from sqlalchemy.exc import SAWarning

from events.actor import Actor
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.bench.event_log_store import (
    EXCHANGE,
    MESSAGE_BYTES,
    TOP_UP_BATCH,
    ChainedApplication,
    CountingRelay,
    RawApplication,
    Sink,
    bench_raw_publish,
    bench_saves,
    bench_verify,
    head,
    top_up,
)
from tests.bench.support import admin_sql, new_database, new_vhost, rate, section, show, timed
from tests.support.waiting import eventually

SAVES = 3_000  # figures 1 and 2
COMMANDS = 3_000  # figure 3, each of sequential and concurrent
CONCURRENCY = 10  # greenthreads in figures 3 and 6
PUBLISHES = 5_000  # figure 4
SUSTAIN_SECONDS = 15.0  # figure 6
LAG_SAMPLE_SECONDS = 0.5  # figure 6
DRAIN_TIMEOUT = 120.0  # figure 6
VERIFY_EVENTS = 50_000  # figure 7

ACTOR = Actor("bench", "county_admin")
MUNICIPALITY = "54975"

# Every chained store after the first in one process re-declares the library's
# tracking record class; harmless, and not what this benchmark is about.
warnings.filterwarnings("ignore", "This declarative base already contains", SAWarning)


# -- the domain's writer and the relay (the rest: event_log_store.py) ------------
class StaffWriter:
    """Issues register_staff commands, each for a new e-mail address."""

    def __init__(self, app: CoordinationApplication) -> None:
        self.app = app
        self._numbers = itertools.count(1)

    def register(self) -> None:
        n = next(self._numbers)
        self.app.register_staff(
            ACTOR,
            email=f"bench.{n}@example.ro",
            full_name=f"Bench Technician {n}",
            role="technician",
            municipality=MUNICIPALITY,
            beneficiary_categories=["poverty"],
        )


def new_relay(app: CoordinationApplication, amqp_uri: str) -> CountingRelay:
    publisher = ConfirmedPublisher(amqp_uri, EXCHANGE, app_id="bench")
    return CountingRelay(
        "coordination", app, publication_of, publisher, batch=500, poll_seconds=0.05
    )


# -- figure 3: domain commands ----------------------------------------------------
def bench_commands_sequential(writer: StaffWriter, count: int) -> float:
    def run() -> None:
        for _ in range(count):
            writer.register()

    return rate(count, timed(run))


def bench_commands_concurrent(writer: StaffWriter, count: int, concurrency: int) -> float:
    pool = eventlet.GreenPool(concurrency)

    def run() -> None:
        for _ in pool.imap(lambda _: writer.register(), range(count)):
            pass

    return rate(count, timed(run))


# -- figure 5: the relay catching up ------------------------------------------------
@dataclass(frozen=True)
class CatchUp:
    events: int
    batches: int
    seconds: float

    @property
    def events_rate(self) -> float:
        return rate(self.events, self.seconds)


def bench_relay_catch_up(app: CoordinationApplication, amqp_uri: str) -> CatchUp:
    """``step()`` until it returns 0, from position 0."""
    relay = new_relay(app, amqp_uri)
    covered = 0

    def drain() -> None:
        nonlocal covered
        while (n := relay.step()) > 0:
            covered += n

    try:
        seconds = timed(drain)
        return CatchUp(covered, relay.batches, seconds)
    finally:
        relay.publisher.close()
        relay.leader.release()


# -- figure 6: sustained writing with the relay running --------------------------------
@dataclass(frozen=True)
class Sustained:
    stored: int
    seconds: float
    max_lag: int
    end_lag: int
    drain_seconds: float
    batches: int

    @property
    def store_rate(self) -> float:
        return rate(self.stored, self.seconds)


def bench_sustained(
    writer: StaffWriter, amqp_uri: str, seconds: float, concurrency: int
) -> Sustained:
    app = writer.app
    relay = new_relay(app, amqp_uri)
    relay_thread = eventlet.spawn(relay.run)
    try:
        start_head = head(app)
        started = time.perf_counter()
        deadline = started + seconds

        def write() -> None:
            while time.perf_counter() < deadline:
                writer.register()

        writers = [eventlet.spawn(write) for _ in range(concurrency)]
        lags = sample_lag(relay, until=lambda: all(w.dead for w in writers))
        for w in writers:
            w.wait()  # re-raises a writer's failure
        written_seconds = time.perf_counter() - started
        end_head = head(app)
        end_lag = end_head - relay.position
        drain_seconds = timed(lambda: wait_for_position(relay, end_head, DRAIN_TIMEOUT))
        return Sustained(
            end_head - start_head,
            written_seconds,
            max(lags, default=0),
            end_lag,
            drain_seconds,
            relay.batches,
        )
    finally:
        relay.stop()
        relay_thread.wait()


def sample_lag(relay: OutboxRelay, until: Callable[[], bool]) -> list[int]:
    """Stored-but-unpublished events, every ``LAG_SAMPLE_SECONDS`` until ``until()``."""
    lags = []
    while not until():
        eventlet.sleep(LAG_SAMPLE_SECONDS)
        lags.append(head(relay.app) - relay.position)
    return lags


def wait_for_position(relay: OutboxRelay, position: int, timeout: float) -> None:
    eventually(
        lambda: relay.position >= position,
        timeout,
        every=0.001,
        message=lambda: f"relay at {relay.position}, still short of {position}",
    )


# -- the run ----------------------------------------------------------------------------
def print_header() -> None:
    postgres = admin_sql("SHOW server_version")[0].split()[0]
    print(
        f"Coordonare event-log benchmark: {os.cpu_count()} cores, PostgreSQL {postgres}, "
        f"Python {sys.version.split()[0]} on eventlet\n"
        f"  events: {SAVES:,} saves per store; register_staff {COMMANDS:,} sequential + "
        f"{COMMANDS:,} from {CONCURRENCY} greenthreads;\n"
        f"  {PUBLISHES:,} raw publishes of {MESSAGE_BYTES:,} B; "
        f"{SUSTAIN_SECONDS:.0f} s sustained with {CONCURRENCY} writers; "
        f"verify over >= {VERIFY_EVENTS:,}",
        flush=True,
    )


def run_store(cleanup: ExitStack) -> None:
    """Figures 1 and 2."""
    section("store")
    raw_app = RawApplication(new_database(cleanup))
    cleanup.callback(raw_app.close)
    raw = bench_saves(raw_app, SAVES)
    show("1. raw eventsourcing save", raw, "saves/s")
    chained_app = ChainedApplication(new_database(cleanup))
    cleanup.callback(chained_app.close)
    chained = bench_saves(chained_app, SAVES)
    show("2. coordination store save", chained, "saves/s", f"{chained / raw:.0%} of raw")


def run_commands(writer: StaffWriter) -> None:
    """Figure 3."""
    writer.app.register_municipality(ACTOR, MUNICIPALITY, "Bench", "Bench County")
    sequential = bench_commands_sequential(writer, COMMANDS)
    show("3. register_staff, sequential", sequential, "cmds/s")
    concurrent = bench_commands_concurrent(writer, COMMANDS, CONCURRENCY)
    show(f"   register_staff, {CONCURRENCY} greenthreads", concurrent, "cmds/s")


def run_bus(writer: StaffWriter, amqp_uri: str, sink: Sink) -> None:
    """Figures 4 and 5."""
    section("bus")
    raw = bench_raw_publish(amqp_uri, PUBLISHES)
    show("4. raw kombu confirmed publish", raw, "msgs/s", f"{sink.purge():,} routed to the sink")
    catch_up = bench_relay_catch_up(writer.app, amqp_uri)
    show(
        "5. relay publish (catch-up)",
        catch_up.events_rate,
        "events/s",
        f"{catch_up.events:,} events in {catch_up.seconds:.2f} s, {catch_up.batches} batches, "
        f"{sink.purge():,} routed",
    )
    show("   relay / raw confirmed", 100 * catch_up.events_rate / raw, "%", "target >= 80 %")


def run_sustained(writer: StaffWriter, amqp_uri: str, sink: Sink) -> None:
    """Figure 6."""
    section("sustained")
    result = bench_sustained(writer, amqp_uri, SUSTAIN_SECONDS, CONCURRENCY)
    show(
        "6. store rate, relay running",
        result.store_rate,
        "events/s",
        f"{result.stored:,} events in {result.seconds:.1f} s, "
        f"published in {result.batches:,} batches",
    )
    show("   max lag (sampled every 0.5 s)", result.max_lag, "events")
    show("   lag when the writers stopped", result.end_lag, "events")
    show("   relay drained after", 1000 * result.drain_seconds, "ms")
    sink.purge()


def run_verify(store_url: str) -> None:
    """Figure 7."""
    section("verify")
    added, seconds = top_up(store_url, VERIFY_EVENTS)
    show(
        f"   top-up, batches of {TOP_UP_BATCH}",
        rate(added, seconds),
        "events/s",
        f"{added:,} trivial events",
    )
    verdict, seconds = bench_verify(store_url)
    status = "intact" if verdict.intact else verdict.describe()
    show(
        "7. verify",
        rate(verdict.checked, seconds),
        "events/s",
        f"{verdict.checked:,} events in {seconds:.2f} s, {status}; target >= 50,000/s",
    )


def run(cleanup: ExitStack) -> None:
    print_header()
    run_store(cleanup)
    store_url = new_database(cleanup)
    app = CoordinationApplication(store_url)
    cleanup.callback(app.close)
    writer = StaffWriter(app)
    run_commands(writer)
    amqp_uri = new_vhost(cleanup)
    sink = Sink(amqp_uri)
    cleanup.callback(sink.close)
    run_bus(writer, amqp_uri, sink)
    run_sustained(writer, amqp_uri, sink)
    run_verify(store_url)


def main() -> int:
    with ExitStack() as cleanup:  # drops the databases and the vhost, even on error
        run(cleanup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
