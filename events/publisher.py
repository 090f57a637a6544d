"""Confirmed publishing to the events exchange.

A batch is written to the channel and then we wait until the broker has
confirmed every message of it (publisher confirms): only then may the outbox
position move. Waiting per batch rather than per message keeps the relay near
the broker's confirmed throughput without weakening the guarantee.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import amqp
import kombu
from cloudevents.core.v1.event import CloudEvent

from events import cloudevent
from events.stream import Stream

log = logging.getLogger(__name__)


class PublishFailed(Exception):
    """The broker did not confirm a batch; it must be published again."""


@dataclass(frozen=True)
class OutgoingMessage:
    routing_key: str
    body: bytes
    message_id: str
    content_type: str
    headers: dict[str, object]

    @classmethod
    def of(cls, event: CloudEvent, position: int) -> OutgoingMessage:
        """A CloudEvent as it goes on the bus: routed by its type, its id the
        message's, its type and position also in headers (what a stream's
        reader filters and seeks by, ``events.stream``)."""
        return cls(
            routing_key=event.get_type(),
            body=cloudevent.serialize(event),
            message_id=event.get_id(),
            content_type=cloudevent.CONTENT_TYPE,
            headers={"cloudEvents:type": event.get_type(), "cloudEvents:position": position},
        )


class ConfirmedPublisher:
    def __init__(
        self,
        amqp_uri: str,
        exchange: str,
        confirm_timeout: float = 30.0,
        app_id: str = "",
        ssl: dict[str, object] | None = None,
        stream: Stream | None = None,
    ) -> None:
        self.amqp_uri, self.ssl = amqp_uri, ssl  # ssl: events.config.amqp_ssl
        # the service's stream (events.stream), declared with its binding
        # before anything is published on a connection
        self.stream = stream
        self.exchange = exchange
        self.confirm_timeout = confirm_timeout
        self.app_id = app_id
        self._connection: kombu.Connection | None = None
        self._channel: amqp.Channel | None = None
        self._next_tag = 1
        self._outstanding: set[int] = set()
        self._nacked: set[int] = set()

    def publish(self, messages: Sequence[OutgoingMessage], to_stream: bool = False) -> None:
        """Returns once the broker confirmed all; raises otherwise (and drops
        the connection, so the next call starts clean). ``to_stream``: into
        the stream alone (what was published before it existed)."""
        if not messages:
            return
        try:
            channel = self._ensure_channel()
            for m in messages:
                if to_stream:
                    assert self.stream is not None
                    channel.basic_publish(self._message(m), self.stream.fill, "")
                else:
                    channel.basic_publish(self._message(m), self.exchange, m.routing_key)
                self._outstanding.add(self._next_tag)
                self._next_tag += 1
            self._await_confirms()
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        self._outstanding.clear()
        self._nacked.clear()
        if connection is not None:
            try:
                connection.release()
            except Exception:  # a dead connection may fail to close; it is gone either way
                log.debug("closing a broken AMQP connection", exc_info=True)

    def _ensure_channel(self) -> amqp.Channel:
        if self._channel is not None:
            return self._channel
        connection = kombu.Connection(self.amqp_uri, connect_timeout=5, heartbeat=0, ssl=self.ssl)
        connection.connect()
        channel = connection.channel()
        kombu.Exchange(self.exchange, "topic", durable=True)(channel).declare()
        if self.stream is not None:
            self.stream.declare(channel)
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._connection, self._channel, self._next_tag = connection, channel, 1
        return channel

    def _await_confirms(self) -> None:
        assert self._connection is not None
        deadline = time.monotonic() + self.confirm_timeout
        while self._outstanding:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed(f"{len(self._outstanding)} messages not confirmed in time")
            try:
                self._connection.drain_events(timeout=min(remaining, 1.0))
            except TimeoutError:
                continue
        if self._nacked:
            raise PublishFailed(f"broker refused {len(self._nacked)} messages")

    def _settle(self, delivery_tag: int, multiple: bool) -> set[int]:
        settled = (
            {t for t in self._outstanding if t <= delivery_tag} if multiple else {delivery_tag}
        )
        self._outstanding -= settled
        return settled

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked |= self._settle(delivery_tag, multiple)

    def _message(self, m: OutgoingMessage) -> amqp.Message:
        return amqp.Message(
            m.body,
            content_type=m.content_type,
            delivery_mode=2,  # persistent
            message_id=m.message_id,
            app_id=self.app_id,
            application_headers=m.headers,
        )
