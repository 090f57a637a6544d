"""An outside system's subscriber: plain kombu and nothing of ours, bound
with only what docs/events.md says (exchange, type, routing key)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import kombu

from tests.support.waiting import eventually


class OutsideSubscriber:
    def __init__(self, amqp_uri: str, *routing_keys: str) -> None:
        self.connection = kombu.Connection(amqp_uri)
        exchange = kombu.Exchange("coordonare.events", "topic", durable=True)
        keys = routing_keys or ("ro.coordonare.coordination.#",)
        self.queue = kombu.Queue(
            f"outside-{uuid.uuid4().hex[:8]}",
            bindings=[kombu.binding(exchange, routing_key=k) for k in keys],
            durable=True,
        )
        self.bound = self.queue(self.connection.channel())
        self.bound.declare()
        self.messages: list[kombu.Message] = []

    def receive(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Waits for ``count`` messages in all (raises if they do not come)."""
        eventually(
            lambda: self.take_up_to(count) >= count,
            timeout,
            every=0.05,
            message=lambda: f"received {len(self.messages)} of {count} events",
        )
        return self.events

    def take_up_to(self, count: int) -> int:
        """Takes (and acknowledges) what the queue holds, but never beyond
        ``count`` messages in all (what is left stays for ``nothing_more``);
        how many were taken in all."""
        while len(self.messages) < count and (
            message := self.bound.get(no_ack=False, accept=["application/cloudevents+json"])
        ):
            message.ack()
            self.messages.append(message)
        return len(self.messages)

    def republish(self, event: dict[str, Any]) -> None:
        """Sends a received event again, as a broker redelivering it would."""
        producer = kombu.Producer(self.connection.channel())
        producer.publish(
            json.dumps(event),
            exchange=kombu.Exchange("coordonare.events", "topic", durable=True),
            routing_key=event["type"],
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            delivery_mode=2,
        )

    def nothing_more(self, wait: float = 1.0) -> bool:
        time.sleep(wait)
        return self.bound.get(no_ack=False) is None

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(m.body) for m in self.messages]

    def close(self) -> None:
        try:
            self.bound.delete()
        finally:
            self.connection.release()
