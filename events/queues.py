"""A subscription's queues on the broker (issue 18 part 6, ADR 22).

- ``coordonare.<service>.<method>``, the live queue: a **quorum queue**, so
  a RabbitMQ cluster keeps it (and what it holds) through the loss of a
  node; single active consumer (publication order even with replicas); a
  **delivery limit** (``SUBSCRIPTION_DELIVERY_LIMIT``, default 20): an event
  delivered that many times without being acknowledged — one that kills
  the process that takes it, again and again — is dead-lettered instead of
  taking the subscription down with it forever; dead-lettering **at least
  once** (the broker keeps the event until the parking queue confirmed it);
- ``….dead``, the parking queue (quorum too): what was dead-lettered, and
  what the subscription parked itself (``events.parking``), until an
  operator replays it. A parked event comes back to the live queue through
  the dead-letter exchange with the key ``<live queue>.replay``.

Queues made by an earlier release were classic ones, and a queue's type
cannot change: the one found is used as it is while it still holds
something (``legacy``), and is replaced by the quorum queue once empty.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import eventlet
import kombu
from amqp.exceptions import PreconditionFailed

from events import cloudevent
from events.config import DEAD_LETTER_EXCHANGE

DELIVERY_LIMIT = 20
REPLAY_KEY = "{queue}.replay"


def routing_keys(source: str, names: Sequence[str]) -> list[str]:
    """Binding keys for event names of a source service (``*`` = all)."""
    if not names or "*" in names:
        return [f"{cloudevent.TYPE_PREFIX}.{source}.#"]
    return [f"{cloudevent.TYPE_PREFIX}.{source}.{n}.*" for n in names]


def tracking_name(source: str, subscription: str) -> str:
    """Each subscription tracks its own position (the library column holds 32)."""
    name = f"{source}.{subscription}"
    if len(name) <= 32:
        return name
    return f"{source[:15]}.{hashlib.sha1(name.encode()).hexdigest()[:16]}"


def delivery_limit(config: Any) -> int:
    return int(config.get("SUBSCRIPTION_DELIVERY_LIMIT") or DELIVERY_LIMIT)


@dataclass(frozen=True)
class SubscriptionQueues:
    name: str
    live: kombu.Queue
    dead: kombu.Queue
    legacy: kombu.Queue  # the classic live queue of an earlier release
    legacy_dead: kombu.Queue  # and its classic parking queue

    @classmethod
    def of(
        cls, name: str, events: kombu.Exchange, keys: Sequence[str], limit: int
    ) -> SubscriptionQueues:
        dead_letters = kombu.Exchange(DEAD_LETTER_EXCHANGE, "direct", durable=True)
        bindings = [kombu.binding(events, routing_key=k) for k in keys]
        bindings.append(kombu.binding(dead_letters, routing_key=REPLAY_KEY.format(queue=name)))
        dead_lettered = {
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": name,
        }
        quorum = {"x-queue-type": "quorum"}
        live = kombu.Queue(
            name,
            bindings=bindings,
            durable=True,
            queue_arguments=quorum
            | dead_lettered
            | {
                "x-single-active-consumer": True,
                "x-delivery-limit": limit,
                # at-least-once dead-lettering needs the broker to refuse
                # rather than drop on overflow (there is no length limit)
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )
        legacy = kombu.Queue(
            name,
            bindings=bindings,
            durable=True,
            queue_arguments={"x-single-active-consumer": True} | dead_lettered,
        )

        def parking(arguments: dict[str, Any]) -> kombu.Queue:
            return kombu.Queue(
                f"{name}.dead",
                dead_letters,
                routing_key=name,
                durable=True,
                queue_arguments=arguments,
            )

        return cls(name, live, parking(quorum), legacy, parking({}))

    def open(self, conn: kombu.Connection) -> kombu.Queue:
        """Declares the exchanges and both queues; the live queue to consume:
        the quorum one, or ``legacy`` while an earlier release's classic
        queue still holds events (then its parking queue is kept as well)."""
        channel = conn.channel()
        try:
            for bound in self.live.bindings:
                bound.exchange(channel).declare()
        finally:
            _close(channel)
        if not _declare(conn, self.dead) and not _replace_if_empty(conn, self.dead):
            _declare(conn, self.legacy_dead)
        if _declare(conn, self.live) or _replace_if_empty(conn, self.live):
            return self.live
        _declare(conn, self.legacy)
        return self.legacy

    def replace_legacy(self, conn: kombu.Connection) -> bool:
        """The classic queue deleted if it is empty (then the next ``open``
        makes the quorum one); what is published meanwhile, the source's
        stream has (the subscription catches up from it)."""
        return _replace_if_empty(conn, self.live)


def count(conn: kombu.Connection, queue: str, within: float | None = None) -> int:
    """How many messages ``queue`` holds ready (0 if it does not exist);
    ``TimeoutError`` if the broker does not answer ``within`` seconds (asked
    on a connection gone silent, the question would wait forever, where a
    drain notices by the heartbeats)."""
    with eventlet.Timeout(within, TimeoutError("the broker does not answer")):
        channel = conn.channel()
        try:
            return int(channel.queue_declare(queue, passive=True).message_count)
        except conn.channel_errors:
            return 0
        finally:
            _close(channel)


def _declare(conn: kombu.Connection, queue: kombu.Queue) -> bool:
    """True once declared; False if a queue of that name has other
    arguments (a classic queue made by an earlier release)."""
    channel = conn.channel()
    try:
        queue(channel).declare()
        return True
    except PreconditionFailed:
        return False
    finally:
        _close(channel)


def _replace_if_empty(conn: kombu.Connection, queue: kombu.Queue) -> bool:
    """The queue of that name deleted if it holds nothing, and ``queue``
    declared in its place."""
    channel = conn.channel()
    try:
        channel.queue_delete(queue.name, if_empty=True)
    except PreconditionFailed:  # not empty: kept until it is
        return False
    finally:
        _close(channel)
    return _declare(conn, queue)


def _close(channel: Any) -> None:
    # a channel the broker closed (a refused declaration) has nothing to close
    with contextlib.suppress(Exception):
        channel.close()
