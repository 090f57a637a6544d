"""Consumers for the batched-consumption stories: each keeps a ledger of
the upstream events it consumed (event-sourced, so a second effect would
show as a position kept twice), and can be told to fail on one position (a
poison event). ``Running`` starts and stops one on a database of its own and
counts the transactions PostgreSQL committed there."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import amqp
import kombu
import psycopg2
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking
from nameko.containers import ServiceContainer
from sqlalchemy.engine import make_url

from events import cloudevent, metrics
from events.nameko import ApplicationProvider
from events.store import EventSourcedApplication
from events.subscribe import subscribe
from tests.support.services import nameko_config
from tests.support.waiting import eventually

# What the story's handlers are told to fail on, until released.
POISON: dict[str, Any] = {"position": None, "attempts": 0}


class Ledger(Aggregate):
    """The upstream events one subscription kept, in the order it kept them."""

    @event("Opened")
    def __init__(self) -> None:
        self.kept: list[int] = []

    @event("Kept")
    def keep(self, position: int) -> None:
        self.kept.append(position)


def ledger_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"tests/ledger/{name}")


class LedgerApplication(EventSourcedApplication):
    name = "ledger"

    def record(self, ledger: str, event: Any, tracking: Tracking) -> None:
        position = event.get_data()["position"]
        if position == POISON["position"]:
            POISON["attempts"] += 1
            raise ConnectionError(f"poison #{position}")
        if not event.get_data()["keep"]:
            return  # nothing kept: the subscription records the position alone
        found = self.ledger(ledger)
        if found is None:
            found = Ledger._create(Ledger.Opened, id=ledger_id(ledger))
        found.keep(position)
        self.save_processed(tracking, found)

    def ledger(self, name: str) -> Ledger | None:
        return self.find(ledger_id(name), Ledger)

    def kept(self, name: str) -> list[int]:
        found = self.ledger(name)
        return [] if found is None else found.kept


class WithoutRelay(ApplicationProvider):
    """The store without its outbox relay (nothing here is published): the
    transactions counted are the consumer's alone."""

    def start(self) -> None:
        pass

    def stop(self) -> None:
        if self.app is not None:
            self.app.close()


class BatchedService:
    name = "batched"
    app: LedgerApplication = WithoutRelay(LedgerApplication, lambda _: None)

    @subscribe("upstream", ["Noted"], batch=25, linger=0.2)
    def on_noted(self, event: Any, tracking: Tracking) -> None:
        self.app.record("noted", event, tracking)


class OneByOneService:
    name = "one_by_one"
    app: LedgerApplication = WithoutRelay(LedgerApplication, lambda _: None)

    @subscribe("upstream", ["Noted"])
    def on_noted(self, event: Any, tracking: Tracking) -> None:
        self.app.record("noted", event, tracking)


class TriageService:
    name = "triage"
    app: LedgerApplication = ApplicationProvider(LedgerApplication, lambda _: None)

    @subscribe("upstream", ["UrgentRaised"])
    def urgent(self, event: Any, tracking: Tracking) -> None:
        self.app.record("urgent", event, tracking)

    @subscribe("upstream", ["Routine"], batch=25, linger=0.2)
    def routine(self, event: Any, tracking: Tracking) -> None:
        self.app.record("routine", event, tracking)


def publish(amqp_uri: str, name: str, positions: Sequence[int]) -> None:
    """Upstream events as the relay publishes them; one in five tells the
    subscriber nothing it keeps."""
    with kombu.Connection(amqp_uri) as conn:
        exchange = kombu.Exchange("coordonare.events", "topic", durable=True)
        producer = conn.Producer(exchange=exchange)
        for position in positions:
            origin = cloudevent.Origin(
                "upstream",
                position,
                uuid5(NAMESPACE_URL, f"upstream/{position}"),
                1,
                datetime.now(UTC),
                "upstream",
                "system",
            )
            data = {"position": position, "keep": position % 5 != 0}
            message = cloudevent.build(origin, cloudevent.Publication(name, data))
            producer.publish(
                cloudevent.serialize(message),
                routing_key=message.get_type(),
                content_type=cloudevent.CONTENT_TYPE,
                content_encoding="binary",
                delivery_mode=2,
            )


def kept(positions: range) -> list[int]:
    return [p for p in positions if p % 5 != 0]


class Running:
    """A service on a database of its own, which can be stopped while its
    queues fill up (then started again, it finds a backlog there)."""

    def __init__(self, service: type, amqp_uri: str, store: str) -> None:
        self.service, self.amqp_uri, self.store = service, amqp_uri, store
        self.container: ServiceContainer | None = None

    def start(self) -> None:
        self.container = ServiceContainer(self.service, nameko_config(self.amqp_uri))
        self.container.start()

    def stop(self) -> None:
        """Stopped, its sessions with the store ended: PostgreSQL has then
        counted all they did (``commits``)."""
        if self.container is None:
            return
        (provider,) = [d for d in self.container.dependencies if d.attr_name == "app"]
        self.container.stop()
        self.container = None
        provider.app.chained_recorder.engine.dispose()
        eventually(lambda: self._sessions() == 0)

    def queues_declared(self, *methods: str) -> None:
        with kombu.Connection(self.amqp_uri) as conn:
            for method in methods:

                def declared(queue: str = f"coordonare.{self.service.name}.{method}") -> Any:
                    with conn.channel() as channel:
                        return channel.queue_declare(queue, passive=True)

                eventually(declared, retrying=(amqp.exceptions.NotFound,))

    def purge(self, *methods: str) -> int:
        """Empties the service's queues: a story's backlog is only what it
        publishes. The queues outlive a story (the module's vhost), and what
        the last one's consumer held unacknowledged when it stopped is
        delivered again — to the next story's store, which never saw it."""
        purged = 0
        with kombu.Connection(self.amqp_uri) as conn, conn.channel() as channel:
            for method in methods:
                purged += channel.queue_purge(f"coordonare.{self.service.name}.{method}") or 0
        return purged

    def commits(self) -> int:
        """Transactions committed in the service's database so far."""
        return int(self._admin("SELECT xact_commit FROM pg_stat_database WHERE datname = %s"))

    def _sessions(self) -> int:
        return int(self._admin("SELECT count(*) FROM pg_stat_activity WHERE datname = %s"))

    def _admin(self, sql: str) -> Any:
        """Asked from another database, so that asking adds nothing."""
        url = make_url(self.store)
        admin = url.set(database="postgres").render_as_string(hide_password=False)
        with closing(psycopg2.connect(admin)) as conn, conn.cursor() as cur:
            cur.execute(sql, (url.database,))
            row = cur.fetchone()
            return row[0] if row else 0


def processed(service: str) -> float:
    return float(metrics.consumed.labels(service, "on_noted", "processed")._value.get())


def ledger(running: Running, name: str = "noted") -> list[int]:
    """The ledger as stored, read by a session that ends at once."""
    app = LedgerApplication(running.store)
    try:
        return app.kept(name)
    finally:
        app.chained_recorder.engine.dispose()
