"""Events that are not urgent are consumed in batches: a backlog of upstream
events takes effect in a few transactions instead of one each, ends in the
same state as taken one by one, never twice, and a poison event holds only
itself; an urgent subscription has its own queue and never waits behind a
batch. Real broker, real PostgreSQL (a vhost and databases of the test's own).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import amqp
import kombu
import psycopg2
import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking
from nameko.containers import ServiceContainer
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from sqlalchemy.engine import make_url

from events import cloudevent, metrics
from events.nameko import ApplicationProvider
from events.store import EventSourcedApplication
from events.subscribe import Subscription, subscribe, tracking_name
from services.notifications.service import NotificationsService
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


@pytest.fixture
def services(make_store, amqp_uri, monkeypatch) -> Iterator[dict[str, Running]]:
    """The batched and the one-by-one consumer, each on a database of its own,
    their queues declared, stopped: what is published next waits there."""
    monkeypatch.delenv("CONSUME_BATCH", raising=False)
    POISON.update(position=None, attempts=0)
    running = {}
    for service in (BatchedService, OneByOneService):
        store = make_store()
        monkeypatch.setenv(f"{service.name.upper()}_STORE_URL", store)
        running[service.name] = Running(service, amqp_uri, store)
        running[service.name].start()
        running[service.name].queues_declared("on_noted")
        running[service.name].stop()
    yield running
    for each in running.values():
        each.stop()


def processed(service: str) -> float:
    return float(metrics.consumed.labels(service, "on_noted", "processed")._value.get())


def ledger(running: Running, name: str = "noted") -> list[int]:
    """The ledger as stored, read by a session that ends at once."""
    app = LedgerApplication(running.store)
    try:
        return app.kept(name)
    finally:
        app.chained_recorder.engine.dispose()


def test_a_backlog_takes_effect_in_fewer_transactions_and_ends_as_one_by_one(
    services, amqp_uri
) -> None:
    idle = {}  # what a start and a stop cost with nothing to consume
    for name, running in services.items():
        before = running.commits()
        running.start()
        running.queues_declared("on_noted")
        running.stop()
        idle[name] = running.commits() - before
    publish(amqp_uri, "Noted", range(1, 61))
    commits = {}
    for name, running in services.items():
        before, done = running.commits(), processed(name)
        running.start()
        eventually(lambda: processed(name) - done == 60)  # noqa: B023 (waited for here)
        running.stop()
        commits[name] = running.commits() - before - idle[name]
    print(f"\n60 events consumed in {commits} transactions (beyond a start and a stop)")

    # one by one: one transaction each (reads, effect and position together,
    # no tracking read); batched: one per batch of up to 25
    assert commits["one_by_one"] == 60
    assert commits["batched"] < 60 / 5
    assert ledger(services["batched"]) == ledger(services["one_by_one"]) == kept(range(1, 61))
    # the last event kept nothing: its position was recorded all the same
    app = LedgerApplication(services["batched"].store)
    assert app.has_processed(Tracking(tracking_name("upstream", "on_noted"), 60))
    app.chained_recorder.engine.dispose()


def test_a_backlog_delivered_again_has_no_second_effect(services, amqp_uri) -> None:
    batched = services["batched"]
    duplicates = metrics.consumed.labels("batched", "on_noted", "duplicate")
    before = duplicates._value.get()
    publish(amqp_uri, "Noted", range(1, 41))
    batched.start()
    eventually(lambda: ledger(batched) == kept(range(1, 41)))
    batched.stop()

    # what a consumer killed after its commit, before its ack, gets again,
    # in one batch with events it never saw
    publish(amqp_uri, "Noted", range(21, 51))
    batched.start()
    eventually(lambda: ledger(batched) == kept(range(1, 51)))
    eventually(lambda: duplicates._value.get() - before == 20)


def test_a_poison_event_holds_only_itself_and_those_after_it(services, amqp_uri) -> None:
    batched = services["batched"]
    failed_batches = metrics.consumer_errors.labels("batched", "on_noted", "batch")
    before = failed_batches._value.get()
    POISON["position"] = 7
    publish(amqp_uri, "Noted", range(1, 13))
    batched.start()

    # the batch failed whole; taken one by one, the events before the poison
    # take effect while it is retried, and the events after it wait for it
    eventually(lambda: POISON["attempts"] >= 4)
    assert ledger(batched) == kept(range(1, 7))
    assert failed_batches._value.get() > before
    POISON["position"] = None
    eventually(lambda: ledger(batched) == kept(range(1, 13)))


def test_an_urgent_event_does_not_wait_behind_a_held_batch(make_store, amqp_uri, monkeypatch):
    store = make_store()
    monkeypatch.setenv("TRIAGE_STORE_URL", store)
    POISON.update(position=3, attempts=0)
    running = Running(TriageService, amqp_uri, store)
    running.start()
    running.queues_declared("urgent", "routine")
    try:
        publish(amqp_uri, "Routine", range(1, 31))
        eventually(lambda: POISON["attempts"] >= 2)  # the routine batch is held
        publish(amqp_uri, "UrgentRaised", [101])
        eventually(lambda: ledger(running, "urgent") == [101])
        assert ledger(running, "routine") == [1, 2]
        POISON["position"] = None
        eventually(lambda: ledger(running, "routine") == kept(range(1, 31)))
    finally:
        running.stop()


def _subscription(method: Any) -> Subscription:
    (found,) = getattr(method, ENTRYPOINT_EXTENSIONS_ATTR)
    assert isinstance(found, Subscription)
    return found


def test_the_notifications_service_takes_urgent_risks_alone_and_routine_in_batches() -> None:
    urgent = _subscription(NotificationsService.on_urgent_risks)
    assert urgent.declared.size == 1
    assert urgent.names == ["UrgentRiskReported", "UrgentRiskAcknowledged"]
    for routine in (NotificationsService.on_cases, NotificationsService.on_coordination):
        assert _subscription(routine).declared.size > 1
        assert not {"UrgentRiskReported", "UrgentRiskAcknowledged"} & set(
            _subscription(routine).names
        )
