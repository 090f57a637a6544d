"""A consumer whose handler fails holds its place and retries, so nothing is
skipped; a message that is not one of our CloudEvents is set aside in the
subscription's dead-letter queue and the stream goes on; a connection gone
silent is noticed by its heartbeats."""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import kombu
import pytest
from eventsourcing.persistence import Tracking
from nameko.containers import ServiceContainer

from events import metrics
from events.nameko import ApplicationProvider
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from events.subscribe import subscribe
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.support.proxy import CuttableProxy
from tests.support.registry import ADMIN_ACTOR, CLUJ
from tests.support.services import nameko_config
from tests.support.tally import TallyApplication
from tests.support.waiting import eventually

FAILURES = {"left": 2}


class FlakyTallyService:
    """Fails twice (as a database hiccup would), then counts."""

    name = "flaky"
    app: TallyApplication = ApplicationProvider(TallyApplication, lambda _: None)

    @subscribe("coordination", ["MunicipalityRegistered"])
    def on_municipality(self, event: Any, tracking: Tracking) -> None:
        if FAILURES["left"]:
            FAILURES["left"] -= 1
            raise ConnectionError("store hiccup")
        self.app.record(event.get_id(), "", tracking)


def publish_everything(store_url, amqp_uri):
    app = CoordinationApplication(store_url)
    relay = OutboxRelay(
        "coordination", app, publication_of, ConfirmedPublisher(amqp_uri, "coordonare.events")
    )
    while relay.step():
        pass
    app.close()


@pytest.fixture
def flaky(make_store, amqp_uri, monkeypatch):
    tally_store = make_store()
    monkeypatch.setenv("FLAKY_STORE_URL", tally_store)
    FAILURES["left"] = 2
    container = ServiceContainer(FlakyTallyService, nameko_config(amqp_uri))
    container.start()
    yield tally_store
    container.stop()


def test_a_failing_handler_is_retried_in_place_and_takes_effect_once(flaky, store_url, amqp_uri):
    errors = metrics.consumer_errors.labels("flaky", "on_municipality", "handler")
    before = errors._value.get()
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    app.register_municipality(ADMIN_ACTOR, "55259", "Dej", "Cluj")
    publish_everything(store_url, amqp_uri)

    tally = TallyApplication(flaky)
    eventually(lambda: (t := tally.tally()) is not None and len(t.seen) == 2)
    assert errors._value.get() - before == 2
    assert FAILURES["left"] == 0


def test_a_malformed_message_is_dead_lettered_and_the_stream_goes_on(flaky, store_url, amqp_uri):
    FAILURES["left"] = 0
    with kombu.Connection(amqp_uri) as conn:
        producer = conn.Producer(
            exchange=kombu.Exchange("coordonare.events", "topic", durable=True)
        )
        producer.publish(
            b"{not json",
            routing_key="ro.coordonare.coordination.MunicipalityRegistered.v1",
            content_type="application/cloudevents+json",
            content_encoding="binary",
        )
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    publish_everything(store_url, amqp_uri)

    tally = TallyApplication(flaky)
    eventually(lambda: (t := tally.tally()) is not None and len(t.seen) == 1)
    with kombu.Connection(amqp_uri) as conn:
        dead = kombu.Queue("coordonare.flaky.on_municipality.dead")(conn.channel())
        message = dead.get(no_ack=True)
    assert message is not None and message.body == b"{not json"


def consumers_of(amqp_uri: str, queue: str) -> int:
    with kombu.Connection(amqp_uri) as conn:
        try:
            return int(conn.default_channel.queue_declare(queue, passive=True).consumer_count)
        except conn.channel_errors:  # not declared yet
            return 0


class HalfOpenTallyService:
    name = "halfopen"
    app: TallyApplication = ApplicationProvider(TallyApplication, lambda _: None)

    @subscribe("coordination", ["MunicipalityRegistered"])
    def on_municipality(self, event: Any, tracking: Tracking) -> None:
        self.app.record(event.get_id(), "", tracking)


def test_a_half_open_connection_is_noticed_by_its_heartbeats(
    make_store, store_url, amqp_uri, monkeypatch
):
    """The broker's host vanishes without a reset (a cable pulled, a VM
    gone): nothing arrives on the connection, and nothing says it is dead.
    The subscription's AMQP heartbeats notice; it connects again, and what
    was published meanwhile arrives (issue 18)."""
    tally_store = make_store()
    monkeypatch.setenv("HALFOPEN_STORE_URL", tally_store)
    parts = urlsplit(amqp_uri)
    proxy = CuttableProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    account = f"{parts.username}:{parts.password}"
    through_proxy = urlunsplit(parts._replace(netloc=f"{account}@127.0.0.1:{proxy.port}"))
    config = nameko_config(through_proxy) | {"SUBSCRIPTION_HEARTBEAT": 1}
    container = ServiceContainer(HalfOpenTallyService, config)
    container.start()
    try:
        # the subscription connects as the container starts (here through the
        # proxy): published before its queue exists, an event would miss it
        eventually(lambda: consumers_of(amqp_uri, "coordonare.halfopen.on_municipality") == 1)
        app = CoordinationApplication(store_url)
        app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
        publish_everything(store_url, amqp_uri)
        tally = TallyApplication(tally_store)
        eventually(lambda: (t := tally.tally()) is not None and len(t.seen) == 1)

        proxy.freeze()
        app.register_municipality(ADMIN_ACTOR, "55259", "Dej", "Cluj")
        publish_everything(store_url, amqp_uri)
        eventually(lambda: len(tally.tally().seen) == 2, 30, message="the half-open link hid it")
    finally:
        container.stop()
        proxy.close()
