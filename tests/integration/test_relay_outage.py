"""Broker down: the relay waits, then publishes everything, in order, once."""

from urllib.parse import urlsplit, urlunsplit

import eventlet
import pytest

from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.support.outside import OutsideSubscriber
from tests.support.proxy import CuttableProxy
from tests.support.registry import ADMIN_ACTOR, TECHNICIAN, register_technicians


@pytest.fixture
def relay_behind_proxy(store_url, amqp_uri):
    parts = urlsplit(amqp_uri)
    proxy = CuttableProxy(parts.hostname, parts.port or 5672)
    # the module's own broker user, through the proxy
    account = f"{parts.username}:{parts.password}"
    through_proxy = urlunsplit(parts._replace(netloc=f"{account}@127.0.0.1:{proxy.port}"))
    app = CoordinationApplication(store_url)
    publisher = ConfirmedPublisher(through_proxy, "coordonare.events", confirm_timeout=5)
    relay = OutboxRelay("coordination", app, publication_of, publisher, poll_seconds=0.1)
    outside = OutsideSubscriber(amqp_uri)
    thread = eventlet.spawn(relay.run)
    yield app, relay, proxy, outside
    relay.stop()
    thread.wait()
    outside.close()
    proxy.close()
    app.close()


def test_with_the_broker_down_nothing_is_lost_reordered_or_doubled(relay_behind_proxy):
    app, relay, proxy, outside = relay_behind_proxy
    proxy.cut()
    staff_ids = register_technicians(app, 100)
    assert outside.nothing_more(wait=1.5), "published while the broker was unreachable"
    assert relay.position == 0

    proxy.restore()
    events = outside.receive(101, timeout=30)
    assert outside.nothing_more(wait=1.0), "an event was published twice"
    assert [e["data"]["staff_id"] for e in events[1:]] == staff_ids
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and len(set(positions)) == 101
    assert len({e["id"] for e in events}) == 101
    assert relay.position == app.recorder.max_notification_id()


def test_a_broker_lost_mid_stream_is_caught_up_from_the_durable_position(relay_behind_proxy):
    app, _, proxy, outside = relay_behind_proxy
    register_technicians(app, 5)
    outside.receive(6)
    proxy.cut()
    late = {"email": "late@primaria-cluj.ro", "beneficiary_categories": ["old_age"]}
    app.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(**late))
    eventlet.sleep(0.5)
    proxy.restore()
    events = outside.receive(7)
    assert events[-1]["data"]["beneficiary_categories"] == ["old_age"]
    assert outside.nothing_more(wait=1.0)
