"""The relay's durable position (issue 17): written with every batch that
publishes something, and for a run of internal events only (bookkeeping no
one subscribes to) once the relay is idle or stops, not after each of their
batches. Read again after a crash, internal events publish nothing: waiting
costs no duplicate, and saves a transaction per batch."""

import eventlet
from sqlalchemy import create_engine

from events.outbox import PositionStore
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN_ACTOR, TECHNICIAN, register_technicians
from tests.support.waiting import eventually


def durable(store_url: str) -> int:
    engine = create_engine(store_url)
    try:
        return PositionStore(engine, "coordination.bus").load()
    finally:
        engine.dispose()


def hire(app: CoordinationApplication, *names: str) -> None:
    for name in names:
        app.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email=f"{name}@primaria-cluj.ro"))


def test_internal_events_are_covered_at_once_and_written_when_the_relay_rests(
    store_url, amqp_uri
):
    app = CoordinationApplication(store_url)
    publisher = ConfirmedPublisher(amqp_uri, "coordonare.events")
    shown = {"public": True}
    relay = OutboxRelay(
        "coordination",
        app,
        lambda event: publication_of(event) if shown["public"] else None,
        publisher,
        poll_seconds=0.5,
    )
    outside = OutsideSubscriber(amqp_uri)
    try:
        register_technicians(app, 1)
        assert relay.step() == 2  # published: written with the batch
        assert durable(store_url) == 2
        shown["public"] = False  # from here on, as if internal
        hire(app, "a", "b")
        assert relay.step() == 2 and relay.position == 4
        assert durable(store_url) == 2, "a batch publishing nothing wrote its position"

        thread = eventlet.spawn(relay.run)
        eventually(lambda: durable(store_url) == 4, timeout=5)  # idle: written
        shown["public"] = True
        hire(app, "c")
        # published once, the internal ones never
        assert [e["position"] for e in outside.receive(3)] == [1, 2, 5]
        relay.stop()
        thread.wait()
        assert durable(store_url) == relay.position == app.recorder.max_notification_id()
        assert outside.nothing_more(wait=0.5)
    finally:
        relay.stop()
        outside.close()
        app.close()
