"""The event-log benchmark's stores and baselines: the applications it
writes with (plain eventsourcing, our chained store, the coordination
table), the relay counting its batches, the broker's sink queue, and the
figures that need no domain (raw saves, raw publishing, verifying)."""

import time

import kombu
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from events.chain import Verdict
from events.relay import OutboxRelay
from events.store import EventSourcedApplication
from events.verify import verify_store
from tests.bench.support import rate, timed

EXCHANGE = "coordonare.events"
SINK_QUEUE = "bench.sink"
MESSAGE_BYTES = 1_024  # figure 4
TOP_UP_BATCH = 500  # figure 7


class Sink:
    """A durable queue bound to the exchange with ``#``, so every published
    message is really routed and stored by the broker."""

    def __init__(self, amqp_uri: str) -> None:
        self.connection = kombu.Connection(amqp_uri)
        exchange = kombu.Exchange(EXCHANGE, "topic", durable=True)
        queue = kombu.Queue(SINK_QUEUE, exchange, routing_key="#", durable=True)
        self.queue = queue(self.connection.channel())
        self.queue.declare()

    def purge(self) -> int:
        return self.queue.purge() or 0

    def close(self) -> None:
        try:
            self.queue.delete()
        finally:
            self.connection.release()


class Dot(Aggregate):
    """The smallest aggregate: a single Created event with no attributes."""


class RawApplication(Application):
    """Plain eventsourcing on eventsourcing_sqlalchemy: the baseline."""

    def __init__(self, store_url: str) -> None:
        super().__init__(
            env={
                "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
                "SQLALCHEMY_URL": store_url,
                "CREATE_TABLE": "y",
            }
        )


class ChainedApplication(EventSourcedApplication):
    """Our chained store with nothing of a domain on top."""


class CoordinationFiller(EventSourcedApplication):
    """Writes into the coordination store's own table (``coordination_events``)."""

    name = "coordination"


def head(app: EventSourcedApplication) -> int:
    return app.recorder.max_notification_id() or 0


class CountingRelay(OutboxRelay):
    """The relay as the services run it, counting the batches that published something."""

    batches = 0

    def step(self) -> int:
        covered = super().step()
        self.batches += covered > 0
        return covered


def bench_saves(app: Application, count: int) -> float:
    """Saves per second."""

    def save_all() -> None:
        for _ in range(count):
            app.save(Dot())

    return rate(count, timed(save_all))


def bench_raw_publish(amqp_uri: str, count: int) -> float:
    """Messages per second, one broker confirm per message."""
    body = b"x" * MESSAGE_BYTES
    exchange = kombu.Exchange(EXCHANGE, "topic", durable=True)
    with kombu.Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = kombu.Producer(connection.channel(), exchange=exchange)

        def publish_all() -> None:
            for n in range(count):
                producer.publish(
                    body,
                    routing_key="ro.coordonare.bench.Raw.v1",
                    delivery_mode=2,
                    content_type="application/octet-stream",
                    message_id=str(n),
                )

        return rate(count, timed(publish_all))


def top_up(store_url: str, target: int) -> tuple[int, float]:
    """Batched saves of trivial aggregates into the coordination table until
    it holds ``target`` events; (events added, seconds)."""
    filler = CoordinationFiller(store_url)
    try:
        before = head(filler)
        missing = max(target - before, 0)

        def fill() -> None:
            for start in range(0, missing, TOP_UP_BATCH):
                filler.save(*(Dot() for _ in range(min(TOP_UP_BATCH, missing - start))))

        seconds = timed(fill)
        return head(filler) - before, seconds
    finally:
        filler.close()


def bench_verify(store_url: str) -> tuple[Verdict, float]:
    started = time.perf_counter()
    verdict = verify_store("coordination", store_url)
    return verdict, time.perf_counter() - started
