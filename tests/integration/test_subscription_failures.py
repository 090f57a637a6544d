"""A consumer whose handler fails holds its place and retries, so nothing is
skipped; a message that is not one of our CloudEvents is set aside in the
subscription's dead-letter queue and the stream goes on."""

from typing import Any

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
