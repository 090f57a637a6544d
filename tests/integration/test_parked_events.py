"""Cluster-ready subscription queues (issue 18 part 6): a poison event is
parked after its failures and the subscription goes on; the metrics show
it; once fixed, an operator replays it and it takes effect — once, however
often replayed. An outage is never the event's fault: it holds, and
nothing is parked. An event that kills whoever takes it is parked by the
broker after the queue's delivery limit. A classic queue left by an earlier
release is emptied, then replaced by the quorum queue, losing nothing."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import kombu
import pytest
from amqp.exceptions import PreconditionFailed
from eventsourcing.persistence import Tracking
from nameko.containers import ServiceContainer

from events import metrics, parking, queues
from events.nameko import ApplicationProvider
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from events.stream import Retention, Stream
from events.subscribe import subscribe
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.support.registry import ADMIN_ACTOR, CLUJ
from tests.support.services import nameko_config
from tests.support.tally import TallyApplication
from tests.support.waiting import eventually

QUEUE = "coordonare.poisoned.on_municipality"
BROKEN = {"siruta": "", "outages": 0}  # what the handler cannot take yet


class PoisonedTallyService:
    """Counts municipalities; cannot take one of them until "fixed"."""

    name = "poisoned"
    app: TallyApplication = ApplicationProvider(TallyApplication, lambda _: None)

    @subscribe("coordination", ["MunicipalityRegistered"])
    def on_municipality(self, event: Any, tracking: Tracking) -> None:
        if BROKEN["outages"]:
            BROKEN["outages"] -= 1
            raise ConnectionError("the store is out of reach")
        if BROKEN["siruta"] and BROKEN["siruta"] in json.dumps(event.get_data()):
            raise ValueError("a handler bug")
        self.app.record(event.get_id(), "", tracking)


def publish_everything(store_url: str, amqp_uri: str) -> None:
    app = CoordinationApplication(store_url)
    stream = Stream("coordination", "coordonare.events", Retention())
    publisher = ConfirmedPublisher(amqp_uri, "coordonare.events", stream=stream)
    relay = OutboxRelay("coordination", app, publication_of, publisher)
    while relay.step():
        pass
    app.close()


@pytest.fixture
def poisoned(make_store, amqp_uri, monkeypatch):
    store = make_store()
    monkeypatch.setenv("POISONED_STORE_URL", store)
    BROKEN.update(siruta="", outages=0)
    config = nameko_config(amqp_uri) | {"SUBSCRIPTION_PARK_AFTER": 2}
    containers: list[ServiceContainer] = []

    def start() -> TallyApplication:
        container = ServiceContainer(PoisonedTallyService, config)
        container.start()
        containers.append(container)
        return TallyApplication(store)

    yield start
    for container in containers:
        container.stop()


def seen(tally: TallyApplication) -> int:
    counted = tally.tally()
    return 0 if counted is None else len(counted.seen)


def parked_here() -> float:
    return metrics.parked.labels("poisoned", "on_municipality")._value.get()


def test_a_poison_event_is_parked_then_replayed_once_fixed(poisoned, store_url, amqp_uri):
    parked_before = metrics.events_parked.labels("poisoned", "on_municipality")._value.get()
    BROKEN["siruta"] = "55259"
    tally = poisoned()
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    app.register_municipality(ADMIN_ACTOR, "55259", "Dej", "Cluj")
    app.register_municipality(ADMIN_ACTOR, "54984", "Turda", "Cluj")
    publish_everything(store_url, amqp_uri)

    # the one it cannot take is set aside; the one after it is not held
    eventually(lambda: seen(tally) == 2, 60)
    with kombu.Connection(amqp_uri) as conn:
        eventually(lambda: len(parking.parked(conn, QUEUE)) == 1)
        [waiting] = parking.parked(conn, QUEUE)
    assert waiting.type == "ro.coordonare.coordination.MunicipalityRegistered.v1"
    assert waiting.reason == "rejected"
    assert metrics.events_parked.labels("poisoned", "on_municipality")._value.get() == (
        parked_before + 1
    )
    eventually(lambda: parked_here() == 1)

    # fixed; the operator replays it: it takes effect, and the queue is empty
    BROKEN["siruta"] = ""
    with kombu.Connection(amqp_uri) as conn:
        assert parking.replay(conn, QUEUE) == 1
        eventually(lambda: seen(tally) == 3)
        assert parking.parked(conn, QUEUE) == []
    eventually(lambda: parked_here() == 0, 60)


def test_a_replayed_event_takes_effect_once_however_often_replayed(poisoned, store_url, amqp_uri):
    redelivered = metrics.consumer_redeliveries.labels("poisoned", "on_municipality")
    before = redelivered._value.get()
    BROKEN["siruta"] = "55259"
    tally = poisoned()
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, "55259", "Dej", "Cluj")
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    publish_everything(store_url, amqp_uri)
    eventually(lambda: seen(tally) == 1, 60)
    with kombu.Connection(amqp_uri) as conn:
        eventually(lambda: len(parking.parked(conn, QUEUE)) == 1)
        # a replay cut short after the broker took the event, before it was
        # removed from the parking queue: the next replay sends it again
        channel = conn.channel()
        message = channel.basic_get(f"{QUEUE}.dead", no_ack=False)
        copy = kombu.Producer(channel, exchange=kombu.Exchange("coordonare.dead-letter"))
        copy.publish(
            message.body,
            routing_key=queues.REPLAY_KEY.format(queue=QUEUE),
            headers={parking.REPLAYED: True},
            content_type=message.properties.get("content_type"),
            content_encoding=message.properties.get("content_encoding"),
        )
        channel.close()  # given back, unacknowledged
        BROKEN["siruta"] = ""
        eventually(lambda: seen(tally) == 2)
        assert parking.replay(conn, QUEUE) == 1
    eventually(lambda: redelivered._value.get() == before + 1)
    assert seen(tally) == 2  # once


def test_an_outage_holds_the_event_and_parks_nothing(poisoned, store_url, amqp_uri):
    BROKEN["outages"] = 4  # twice the attempts after which a bug is parked
    tally = poisoned()
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    publish_everything(store_url, amqp_uri)
    eventually(lambda: seen(tally) == 1, 60)
    assert BROKEN["outages"] == 0
    with kombu.Connection(amqp_uri) as conn:
        assert parking.parked(conn, QUEUE) == []


def test_an_event_delivered_past_the_limit_is_parked_by_the_broker(amqp_uri):
    events = kombu.Exchange("coordonare.events", "topic", durable=True)
    keys = ["ro.coordonare.coordination.#"]
    subscription = queues.SubscriptionQueues.of("coordonare.limited.on_all", events, keys, 2)
    with kombu.Connection(amqp_uri) as conn:
        assert subscription.open(conn) is subscription.live
        kombu.Producer(conn.channel(), exchange=events).publish(
            b"{}", routing_key="ro.coordonare.coordination.Killer.v1"
        )
        # taken, and the taker dies before its acknowledgement, three times
        for _ in range(3):
            channel = conn.channel()
            taken: list[Any] = []
            channel.basic_consume("coordonare.limited.on_all", callback=taken.append)
            conn.drain_events(timeout=10)
            assert len(taken) == 1
            channel.close()
        assert queues.count(conn, "coordonare.limited.on_all") == 0
        # moved by the broker, at least once: soon, not at once
        eventually(lambda: len(parking.parked(conn, "coordonare.limited.on_all")) == 1)
        [dead] = parking.parked(conn, "coordonare.limited.on_all")
        assert dead.reason == "delivery_limit"


def test_a_classic_queue_of_an_earlier_release_is_emptied_then_replaced(
    poisoned, store_url, amqp_uri
):
    events = kombu.Exchange("coordonare.events", "topic", durable=True)
    keys = ["ro.coordonare.coordination.MunicipalityRegistered.*"]
    earlier = queues.SubscriptionQueues.of(QUEUE, events, keys, 20)
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    with kombu.Connection(amqp_uri) as conn:
        # the queue as an earlier release made it, holding one event
        for made in (QUEUE, f"{QUEUE}.dead"):  # by this module's other stories
            conn.default_channel.queue_delete(made)
        earlier.legacy(conn.channel()).declare()
        publish_everything(store_url, amqp_uri)
        assert queues.count(conn, QUEUE) == 1
        # and its parking queue, holding one: kept as it is, until replayed
        earlier.legacy_dead(conn.channel()).declare()
        dead_letters = kombu.Exchange("coordonare.dead-letter", "direct", durable=True)
        kombu.Producer(conn.channel(), exchange=dead_letters).publish(b"?", routing_key=QUEUE)

        tally = poisoned()
        eventually(lambda: seen(tally) == 1, 60)
        # replaced by the quorum queue once emptied
        eventually(lambda: _is_quorum(conn, earlier), 30)
        assert queues.count(conn, f"{QUEUE}.dead") == 1
    app.register_municipality(ADMIN_ACTOR, "55259", "Dej", "Cluj")
    publish_everything(store_url, amqp_uri)
    eventually(lambda: seen(tally) == 2, 60)


def _is_quorum(conn: kombu.Connection, subscription: queues.SubscriptionQueues) -> bool:
    """A queue's type cannot be read, but a declaration of another is refused."""
    channel = conn.channel()
    try:
        subscription.live(channel).declare()
        return True
    except PreconditionFailed:
        return False
    finally:
        with contextlib.suppress(Exception):
            channel.close()
