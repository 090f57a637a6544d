"""A replayable log on the broker (issue 18, ``events.stream``): an outside
system that joins late reads a service's whole history from its stream,
with nothing but kombu and what ``docs/events.md`` says — exactly the events
the service published, in order, once each, including those published
before the stream existed — then the live ones; and it can start at one of
our positions."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import kombu
from nameko.containers import ServiceContainer

from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from events.stream import offset_at, stream_name
from events.verify import open_recorder
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from services.coordination.service import CoordinationService
from tests.support.registry import ADMIN_ACTOR, CLUJ, TECHNICIAN
from tests.support.services import nameko_config
from tests.support.waiting import eventually

STREAM = stream_name("coordination")


def replay(amqp_uri: str, count: int, offset: Any = "first") -> list[dict[str, Any]]:
    """What an outside consumer reads from the stream, from ``offset``:
    ``count`` events (it waits for them)."""
    got: list[dict[str, Any]] = []
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.channel()
        channel.basic_qos(0, 100, False)  # a stream is read with a prefetch, and acks
        queue = kombu.Queue(STREAM, no_declare=True, consumer_arguments={"x-stream-offset": offset})

        def take(message: kombu.Message) -> None:
            got.append(json.loads(message.body) | {"offset": message.headers["x-stream-offset"]})
            message.ack()

        with kombu.Consumer(channel, queues=[queue], on_message=take):
            eventually(lambda: _drained(conn) or len(got) >= count, 20, every=0)
    return got


def _drained(conn: kombu.Connection) -> bool:
    with contextlib.suppress(TimeoutError):
        conn.drain_events(timeout=0.2)
    return False


def published_positions(store_url: str) -> list[int]:
    """The positions of what the store holds and the service publishes."""
    app = CoordinationApplication(store_url)
    try:
        return [
            n.id
            for n in open_recorder("coordination", store_url).select_notifications(1, 1000)
            if publication_of(app.mapper.to_domain_event(n)) is not None
        ]
    finally:
        app.close()


def test_a_late_reader_replays_the_whole_history_then_the_live_events(
    store_url: str, amqp_uri: str, monkeypatch
) -> None:
    # a registry that published its first events before its stream existed
    app = CoordinationApplication(store_url)
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    app.register_staff(ADMIN_ACTOR, **TECHNICIAN.command())
    earlier = OutboxRelay(
        "coordination", app, publication_of, ConfirmedPublisher(amqp_uri, "coordonare.events")
    )
    while earlier.step():
        pass
    assert earlier.position == len(published_positions(store_url)) > 0

    # the service, started now, makes its stream and fills it with that history
    monkeypatch.setenv("STORE_URL", store_url)
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    container = ServiceContainer(CoordinationService, nameko_config(amqp_uri))
    container.start()
    try:
        history = published_positions(store_url)
        replayed = replay(amqp_uri, len(history))
        assert [e["position"] for e in replayed] == history
        assert replayed[0]["type"] == "ro.coordonare.coordination.MunicipalityRegistered.v1"

        # then the live ones, after the history, in the same stream
        app.register_municipality(ADMIN_ACTOR, "55259", "Dej", "Cluj")
        now = published_positions(store_url)
        everything = replay(amqp_uri, len(now))
        assert [e["position"] for e in everything] == now
        assert len({e["id"] for e in everything}) == len(everything)  # each once

        # from one of our positions: its offset found, the reading starts there
        wanted = now[-1]
        with kombu.Connection(amqp_uri) as conn:
            start = offset_at(conn.channel(), "coordination", wanted, everything[-1]["offset"])
        (first,) = replay(amqp_uri, 1, offset=start)
        assert first["position"] == wanted
    finally:
        container.stop()
        app.close()
