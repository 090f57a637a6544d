"""In from the bus (DESIGN §5): ``@subscribe(source, [names])`` makes a nameko
method consume another service's CloudEvents.

- one durable queue per subscription (``coordonare.<service>.<method>``),
  single active consumer and one message at a time, so events arrive in
  publication order even with several replicas;
- the handler is called as ``handler(event, tracking)`` and must store its
  effect with ``app.save_processed(tracking, *aggregates)``: the upstream
  position is recorded in the same transaction, so a redelivered event has no
  second effect (a handler that stores nothing gets its position recorded
  after it returns);
- a failing handler is retried with backoff (logged as an error after
  ``alert_after`` attempts) and holds the subscription, because skipping one
  event would break the order the next ones rely on; a message that is not a
  CloudEvent of ours goes to the subscription's dead-letter queue
  (``….dead``). Nothing is acknowledged before it took effect.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Any

import eventlet
import kombu
from eventsourcing.persistence import IntegrityError, Tracking
from nameko.extensions import Entrypoint

from events import cloudevent, metrics
from events.config import DEAD_LETTER_EXCHANGE, DEFAULT_EXCHANGE, amqp_ssl
from events.nameko import ApplicationProvider
from events.store import EventSourcedApplication

log = logging.getLogger(__name__)


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


class Subscription(Entrypoint):
    def __init__(
        self,
        source: str,
        names: Sequence[str] = ("*",),
        alert_after: int = 5,
        **kwargs: Any,
    ) -> None:
        self.source, self.names, self.alert_after = source, list(names), alert_after
        self._stopping = False
        super().__init__(**kwargs)

    # -- nameko lifecycle -------------------------------------------------
    def setup(self) -> None:
        service = self.container.service_name
        self.queue_name = f"coordonare.{service}.{self.method_name}"
        self.tracking_name = tracking_name(self.source, self.method_name)
        exchange_name = self.container.config.get("EVENTS_EXCHANGE", DEFAULT_EXCHANGE)
        exchange = kombu.Exchange(exchange_name, "topic", durable=True)
        dead_letters = kombu.Exchange(DEAD_LETTER_EXCHANGE, "direct", durable=True)
        self.dead_queue = kombu.Queue(
            f"{self.queue_name}.dead", dead_letters, routing_key=self.queue_name, durable=True
        )
        self.queue = kombu.Queue(
            self.queue_name,
            bindings=[
                kombu.binding(exchange, routing_key=k)
                for k in routing_keys(self.source, self.names)
            ],
            durable=True,
            queue_arguments={
                "x-single-active-consumer": True,
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": self.queue_name,
            },
        )
        self.exchange = exchange

    def start(self) -> None:
        self._thread = self.container.spawn_managed_thread(
            self._consume, identifier=f"subscription {self.queue_name}"
        )

    def stop(self) -> None:
        self._stopping = True
        self._thread.wait()

    def kill(self) -> None:
        self._stopping = True
        self._thread.kill()

    # -- consuming --------------------------------------------------------
    def _consume(self) -> None:
        backoff = 0.2
        while not self._stopping:
            try:
                config = self.container.config
                with kombu.Connection(
                    config["AMQP_URI"], heartbeat=0, ssl=amqp_ssl(config)
                ) as conn:
                    channel = conn.channel()
                    self.exchange(channel).declare()
                    self.dead_queue(channel).declare()
                    with conn.Consumer(
                        self.queue, channel=channel, on_message=self._on_message, prefetch_count=1
                    ):
                        backoff = 0.2
                        while not self._stopping:
                            try:
                                conn.drain_events(timeout=0.5)
                            except TimeoutError:
                                continue
            except Exception as exc:
                # Broker or store unreachable: the unacknowledged message is
                # redelivered once we are back, so nothing is lost.
                log.warning("subscription %s: %s; reconnecting", self.queue_name, exc)
                eventlet.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    def _on_message(self, message: kombu.Message) -> None:
        labels = (self.container.service_name, self.method_name)
        try:
            event = cloudevent.parse(message.body)
            tracking = Tracking(self.tracking_name, int(event.get_extension("position")))
        except Exception as exc:
            log.error("subscription %s: malformed message dead-lettered: %s", self.queue_name, exc)
            metrics.consumer_errors.labels(*labels, "malformed").inc()
            message.reject(requeue=False)
            return
        app = self._application()
        if app.has_processed(tracking):
            metrics.consumer_redeliveries.labels(*labels).inc()
            metrics.consumed.labels(*labels, "duplicate").inc()
            message.ack()
            return
        outcome = self._handle(app, event, tracking)
        metrics.consumed.labels(*labels, outcome).inc()
        if outcome == "interrupted":
            message.requeue()  # shutting down: the next consumer takes it, in order
        else:
            message.ack()

    def _handle(self, app: EventSourcedApplication, event: Any, tracking: Tracking) -> str:
        """Retries until the handler succeeds: skipping an event would break
        the order later events rely on, so a failing handler holds its
        subscription (and says so in logs and metrics) rather than lose one."""
        labels = (self.container.service_name, self.method_name)
        attempt = 0
        while True:
            attempt += 1
            exc_info = self._run_worker(event, tracking)
            if exc_info is None:
                if not app.has_processed(tracking):
                    app.save_processed(tracking)
                return "processed"
            if isinstance(exc_info[1], IntegrityError) and app.has_processed(tracking):
                metrics.consumer_redeliveries.labels(*labels).inc()
                return "duplicate"
            metrics.consumer_errors.labels(*labels, "handler").inc()
            level = logging.ERROR if attempt >= self.alert_after else logging.WARNING
            log.log(
                level,
                "subscription %s: %s #%s failed (attempt %d), retrying: %r",
                self.queue_name,
                event.get_type(),
                tracking.notification_id,
                attempt,
                exc_info[1],
            )
            if self._stopping:
                return "interrupted"
            eventlet.sleep(min(0.2 * 2 ** (attempt - 1), 30.0))

    def _run_worker(self, event: Any, tracking: Tracking) -> Any:
        done: eventlet.event.Event = eventlet.event.Event()

        def handle_result(worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
            done.send(exc_info)
            return result, exc_info

        context = {"correlation_id": event.get_extension("correlationid") or event.get_id()}
        self.container.spawn_worker(
            self, (event, tracking), {}, context_data=context, handle_result=handle_result
        )
        return done.wait()

    def _application(self) -> EventSourcedApplication:
        for dependency in self.container.dependencies:
            if isinstance(dependency, ApplicationProvider):
                assert dependency.app is not None  # set up before any entrypoint starts
                return dependency.app
        raise RuntimeError(
            f"{self.container.service_name} subscribes to events "
            "but has no events.nameko.ApplicationProvider"
        )


subscribe = Subscription.decorator
