"""Poison events: parked, counted, replayed once fixed (issue 18 part 6,
ADR 22).

A handler that fails is tried again in place, with backoff, because the
events after it may rely on it. When the failure is the infrastructure's —
the store or the broker unreachable, a deadlock — it holds on for as long as
it takes (``is_outage``): the event is fine, and nothing may overtake it.
When it is the event's own — a bug, data the handler cannot take — the
subscription would hold forever; after ``SUBSCRIPTION_PARK_AFTER`` failed
attempts (default 8, about half a minute; 0 = hold forever) the event is
**parked**: rejected into the subscription's parking queue (``….dead``),
counted (``coordonare_events_parked_total``, and the queue's depth as
``coordonare_events_parked_waiting``), and the subscription goes on. An event that
kills its process before it can fail is parked by the broker after the
queue's delivery limit (``events.queues``).

Once fixed, an operator replays what is parked (``python -m deploy.parked``):
each event is published back to its live queue, marked ``coordonare-replayed``,
and only then removed from the parking queue. A replayed event is older than
the subscription's position, which only moves forward, so its effect is
tracked under a name of its own position (``replayed_tracking``): it takes
effect once however often it is replayed, and in any order.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import kombu
from amqp import Message
from amqp.exceptions import NotFound
from eventsourcing.persistence import Tracking

from events.config import BROKER_UNREACHABLE, DEAD_LETTER_EXCHANGE, STORE_UNREACHABLE
from events.queues import REPLAY_KEY

PARK_AFTER = 8
REPLAYED = "coordonare-replayed"
# what the broker adds when dead-lettering, and nothing a replay should carry
_BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")

# Not the event's fault: the store or the broker out of reach, a deadlock,
# a connection lost. Held on, never parked.
OUTAGES = (*BROKER_UNREACHABLE, *STORE_UNREACHABLE)


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGES)


def park_after(config: Any) -> int:
    """Failed attempts after which an event is parked (0: never)."""
    value = config.get("SUBSCRIPTION_PARK_AFTER")
    return PARK_AFTER if value in (None, "") else int(value)


def replayed_tracking(tracking_name: str, position: int) -> Tracking:
    """The tracking of a replayed event: one row per position (the library
    column holds 32 characters), so it is recorded, and refused a second
    time, whatever the subscription's own position."""
    digest = hashlib.sha1(tracking_name.encode()).hexdigest()[:11]
    return Tracking(f"{digest}#{position}", position)


@dataclass(frozen=True)
class Parked:
    """What an operator sees of a parked event."""

    event_id: str
    type: str
    position: str
    reason: str  # the broker's: rejected (by the handler), delivery_limit…

    @classmethod
    def of(cls, message: Any) -> Parked:
        headers = message.headers or {}
        deaths = headers.get("x-death") or [{}]
        return cls(
            str(headers.get("cloudEvents:id", "?")),
            str(headers.get("cloudEvents:type", "?")),
            str(headers.get("cloudEvents:position", "?")),
            str(deaths[0].get("reason", "?")),
        )


def parked(conn: kombu.Connection, queue: str) -> list[Parked]:
    """The events parked for the live queue ``queue``, in order, left where
    they are (taken unacknowledged, then given back as the channel closes)."""
    channel = conn.channel()
    try:
        return [Parked.of(message) for message in _taken(channel, f"{queue}.dead")]
    except NotFound:  # a subscription never started here
        return []
    finally:
        with contextlib.suppress(Exception):
            channel.close()


def replay(conn: kombu.Connection, queue: str) -> int:
    """Every event parked for ``queue`` when called, back into it, in order;
    returns how many. Each is removed from the parking queue only once the
    broker confirmed it in the live one: a replay cut short loses nothing,
    and one run again has no second effect (``replayed_tracking``)."""
    channel = conn.channel()
    moved = 0
    try:
        try:
            waiting = int(channel.queue_declare(f"{queue}.dead", passive=True).message_count)
        except NotFound:  # a subscription never started here
            return 0
        route = REPLAY_KEY.format(queue=queue)
        for message in _taken(channel, f"{queue}.dead", waiting):
            headers = {
                k: v
                for k, v in (message.headers or {}).items()
                if not k.startswith(_BROKER_HEADERS)
            }
            again = Message(
                message.body,
                content_type=message.properties.get("content_type"),
                content_encoding=message.properties.get("content_encoding"),
                application_headers=headers | {REPLAYED: True},
                delivery_mode=2,
            )
            channel.basic_publish_confirm(again, exchange=DEAD_LETTER_EXCHANGE, routing_key=route)
            channel.basic_ack(message.delivery_tag)
            moved += 1
    finally:
        with contextlib.suppress(Exception):
            channel.close()
    return moved


def _taken(channel: Any, queue: str, most: int | None = None) -> Iterator[Any]:
    taken = 0
    while most is None or taken < most:
        message = channel.basic_get(queue, no_ack=False)
        if message is None:
            return
        taken += 1
        yield message
