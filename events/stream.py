"""A replayable log on the broker (issue 18, ADR 21): every event a service
publishes is also kept in a RabbitMQ stream of its own,
``coordonare.<service>.log`` (``x-queue-type: stream``), bound to the events
exchange with ``ro.coordonare.<service>.#``. A queue bound to the exchange
gets what is published after it exists; the stream holds the history, and
any reader starts where it wants: at the first event, at an offset, at a
time (``x-stream-offset``), or at one of our positions (``offset_at``).

The relay declares the stream (and its bindings) before it publishes, and
the first time it leads it writes into it what was published before the
stream existed (``OutboxRelay``, through the fanout exchange
``coordonare.<service>.fill``, bound to the stream alone), so the stream
holds every published event whatever the deployment's age.

Offsets are not positions: internal events are never published, and a relay
that crashed between the broker's confirm and its own bookkeeping publishes
a batch again (same ids, same positions). Each message carries its position
(the CloudEvent's ``position``; the header ``cloudEvents:position``): a
reader skips what it has seen by position, as every subscriber does.

Retention, from the environment: ``EVENTS_STREAM_MAX_AGE`` (``x-max-age``:
``30D``, ``5Y`` …) and ``EVENTS_STREAM_MAX_BYTES``; unset, everything is
kept. A stream's arguments are fixed when it is made: to change them later,
set a RabbitMQ policy (``max-age``, ``max-length-bytes``) on the stream.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any

import kombu

from events.cloudevent import TYPE_PREFIX


def stream_name(service: str) -> str:
    return f"coordonare.{service}.log"


@dataclass(frozen=True)
class Retention:
    max_age: str | None = None  # RabbitMQ's x-max-age, e.g. "5Y"
    max_bytes: int | None = None

    @classmethod
    def from_env(cls) -> Retention:
        size = os.environ.get("EVENTS_STREAM_MAX_BYTES")
        return cls(os.environ.get("EVENTS_STREAM_MAX_AGE") or None, int(size) if size else None)

    def arguments(self) -> dict[str, Any]:
        arguments: dict[str, Any] = {"x-queue-type": "stream"}
        if self.max_age:
            arguments["x-max-age"] = self.max_age
        if self.max_bytes:
            arguments["x-max-length-bytes"] = self.max_bytes
        return arguments


@dataclass(frozen=True)
class Stream:
    """A service's stream: the queue, bound to the events exchange with the
    service's own events and to its fill exchange, a fanout into the stream
    alone. What was published before the stream existed is written through
    the fill exchange (the service's broker account may write its own
    exchanges, not the default one)."""

    service: str
    exchange: str  # the events exchange
    retention: Retention = Retention()

    @property
    def fill(self) -> str:
        return f"coordonare.{self.service}.fill"

    @property
    def queue(self) -> kombu.Queue:
        return kombu.Queue(
            stream_name(self.service),
            bindings=[
                kombu.binding(
                    kombu.Exchange(self.exchange, "topic", durable=True),
                    routing_key=f"{TYPE_PREFIX}.{self.service}.#",
                ),
                kombu.binding(kombu.Exchange(self.fill, "fanout", durable=True)),
            ],
            durable=True,
            queue_arguments=self.retention.arguments(),
        )

    def declare(self, channel: Any) -> None:
        """The exchanges, the stream and its bindings (each idempotent)."""
        queue = self.queue
        for bound in queue.bindings:
            bound.exchange(channel).declare()
        queue(channel).declare()


def told_length(conn: kombu.Connection, service: str) -> int | None:
    """How many messages the broker says the service's stream holds (None:
    it has none). Its statistics, refreshed every few seconds: what was
    written just now is not in it yet, so a reader cannot take it for the
    end."""
    probe = conn.channel()
    try:
        return int(probe.queue_declare(stream_name(service), passive=True).message_count)
    except conn.channel_errors:
        return None
    finally:
        with contextlib.suppress(Exception):
            probe.close()


def read_one(channel: Any, service: str, offset: int) -> tuple[int, int] | None:
    """(offset, position) of the message at ``offset`` or the next one, or
    None past the end. One short-lived consumer with a prefetch of one."""
    channel.basic_qos(0, 1, False)
    taken: list[Any] = []
    tag = channel.basic_consume(
        stream_name(service),
        callback=taken.append,
        arguments={"x-stream-offset": offset},
    )
    try:
        channel.connection.drain_events(timeout=2)
    except TimeoutError:
        return None
    finally:
        channel.basic_cancel(tag)
    message = taken[0]
    return int(message.headers["x-stream-offset"]), int(message.headers["cloudEvents:position"])


def offset_at(channel: Any, service: str, position: int, last: int) -> int:
    """An offset from which reading reaches the event at ``position`` (the
    first whose position is at least that) and nothing before it is far: a
    binary search over offsets 0 … ``last`` (log₂ of the stream's length in
    reads). Positions only grow along a stream, except a batch published
    again after a crash, which repeats positions a batch back at most; so
    the reader starts a batch earlier and skips what is below its position."""
    low, high = 0, last
    while low < high:
        middle = (low + high) // 2
        found = read_one(channel, service, middle)
        if found is None or found[1] >= position:
            high = middle
        else:
            low = middle + 1
    return low
