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


def test_a_busy_relay_writes_its_position_once_a_second_and_a_crash_publishes_again(
    store_url, amqp_uri, monkeypatch
):
    """Under load the relay publishes batch after batch; writing the
    position after each was a transaction per few commands. It writes it
    at most once a ``POSITION_EVERY`` while busy: a relay that crashed
    meanwhile is followed by one that publishes the rest again, under the
    same positions, which consumers take once."""
    monkeypatch.setattr("events.relay.POSITION_EVERY", 0.5)
    app = CoordinationApplication(store_url)
    relay = OutboxRelay(
        "coordination", app, publication_of, ConfirmedPublisher(amqp_uri, "coordonare.events")
    )
    outside = OutsideSubscriber(amqp_uri)
    try:
        register_technicians(app, 1)
        assert relay.step() == 2 and durable(store_url) == 2  # the first batch writes it
        hire(app, "a")
        assert relay.step() == 1 and durable(store_url) == 2  # written less than 0.5 s ago
        eventlet.sleep(0.6)
        hire(app, "b")
        assert relay.step() == 1 and durable(store_url) == 4  # due again
        hire(app, "c")
        assert relay.step() == 1 and durable(store_url) == 4
        assert [e["position"] for e in outside.receive(5)] == [1, 2, 3, 4, 5]
        relay.publisher.close()  # a crash: nothing more written

        after = OutboxRelay(
            "coordination", app, publication_of, ConfirmedPublisher(amqp_uri, "coordonare.events")
        )
        assert after.position == 4 and after.step() == 1
        assert [e["position"] for e in outside.receive(6)][5:] == [5]  # again, same position
        after.stop()
        after.publisher.close()
    finally:
        outside.close()
        app.close()
