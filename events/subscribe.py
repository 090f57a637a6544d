"""In from the bus (DESIGN §5): ``@subscribe(source, [names])`` makes a nameko
method consume another service's CloudEvents.

- one durable queue per subscription (``coordonare.<service>.<method>``),
  single active consumer, so events arrive in publication order even with
  several replicas;
- the handler is called as ``handler(event, tracking)`` and must store its
  effect with ``app.save_processed(tracking, *aggregates)``: the upstream
  position is recorded in the same transaction, so a redelivered event has no
  second effect (a handler that stores nothing gets its position recorded
  after it returns, in that same transaction: ``events.consuming``); it may
  return what to start once that transaction committed;
- urgent subscriptions take one event at a time, the moment it arrives; one
  declared with ``batch=N`` (not urgent: followed facts, reminders, figures)
  takes what has already arrived, up to N (or also what arrives within its
  linger, none by default), and handles them in ONE transaction,
  acknowledged together once it committed. A batch that fails is rolled
  back whole and its events are taken one by one;
- a failing handler is retried with backoff (logged as an error after
  ``alert_after`` attempts) and holds the subscription, because skipping one
  event would break the order the next ones rely on; a message that is not a
  CloudEvent of ours goes to the subscription's dead-letter queue
  (``….dead``). Nothing is acknowledged before it took effect.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import eventlet
import kombu
from eventsourcing.persistence import IntegrityError, Tracking
from nameko.extensions import Entrypoint, register_entrypoint

from events import cloudevent, faults, metrics
from events.config import DEAD_LETTER_EXCHANGE, DEFAULT_EXCHANGE, Batching, amqp_ssl
from events.consuming import Batch, Delivery
from events.nameko import ApplicationProvider
from events.store import EventSourcedApplication
from events.stream import offset_at, stream_name

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 20  # AMQP heartbeat of a subscription's connection (SUBSCRIPTION_HEARTBEAT)


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
        batch: int = 1,
        linger: float = 0.0,
        **kwargs: Any,
    ) -> None:
        """``batch`` > 1 makes a subscription that is not urgent consume up to
        that many events per transaction: those already arrived, and those
        arriving within ``linger`` seconds (none by default: no event waits;
        ``CONSUME_BATCH``/``CONSUME_LINGER_SECONDS`` override both, see
        ``events.config.Batching``); 1 handles each event the moment it
        arrives."""
        self.source, self.names, self.alert_after = source, list(names), alert_after
        self.declared = Batching(batch, linger)
        self._stopping = False
        self._pending: list[tuple[kombu.Message, Delivery]] = []
        self._deadline = 0.0
        self._tick = 0.5  # the longest wait on the connection (a quarter of its heartbeat)
        self._stream_at = -1  # the last offset taken from the source's stream
        # A redelivery is found by the write (a batch with one in it fails
        # whole, then is taken one by one): an outcome, logged by nameko as
        # a warning without a traceback (events.logs), not as an error.
        kwargs.setdefault("expected_exceptions", (IntegrityError,))
        super().__init__(**kwargs)

    @classmethod
    def decorator(cls, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        """``@subscribe(source, names, …)``; the method stays callable as
        ``handler(event, tracking)``, and the worker hands it a ``Batch``,
        which calls it for each of its events in one unit of work."""

        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(handler)
            def entry(service: Any, *call: Any) -> Any:
                if len(call) == 1 and isinstance(call[0], Batch):
                    return call[0].run(functools.partial(handler, service))
                return handler(service, *call)

            register_entrypoint(entry, cls(*args, **kwargs))
            return entry

        return register

    # -- nameko lifecycle -------------------------------------------------
    def setup(self) -> None:
        service = self.container.service_name
        self.queue_name = f"coordonare.{service}.{self.method_name}"
        self.tracking_name = tracking_name(self.source, self.method_name)
        self.batching = Batching.from_env(self.declared)
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
        self._backoff = 0.2
        while not self._stopping:
            try:
                config = self.container.config
                # heartbeats: a half-open connection (the broker's host gone
                # without a reset) is noticed within two of them, then redone
                heartbeat = float(config.get("SUBSCRIPTION_HEARTBEAT", HEARTBEAT_SECONDS))
                # checked (and ours sent) at least four times per interval
                self._tick = min(0.5, heartbeat / 4) if heartbeat else 0.5
                conn = kombu.Connection(
                    config["AMQP_URI"], heartbeat=heartbeat, ssl=amqp_ssl(config)
                )
                try:
                    self._consume_on(conn)
                except BaseException:
                    # Abandoned, not closed: a close (or the consumer's
                    # cancel) waits for the broker's answer, which never
                    # comes on a connection gone silent.
                    conn.collect()
                    raise
                conn.release()
            except Exception as exc:
                # Broker or store unreachable: the unacknowledged messages are
                # redelivered once we are back, so nothing is lost.
                log.warning("subscription %s: %s; reconnecting", self.queue_name, exc)
                eventlet.sleep(self._backoff)
                self._backoff = min(self._backoff * 2, 5.0)

    def _consume_on(self, conn: kombu.Connection) -> None:
        channel = conn.channel()
        self.exchange(channel).declare()
        self.dead_queue(channel).declare()
        # What a lost connection left unacknowledged is redelivered: nothing
        # of it may be acknowledged now.
        self._pending = []
        # bound first: from here on the queue gets every event; what came
        # before, it may never have had (a service started after its source,
        # a queue made anew), and the source's stream has
        self.queue(channel).declare()
        self._catch_up(conn)
        consumer = conn.Consumer(
            self.queue,
            channel=channel,
            on_message=self._on_message,
            prefetch_count=self.batching.size,
        )
        consumer.consume()
        self._backoff = 0.2
        while not self._stopping:
            self._drain(conn)
        # what was taken is handled before stopping, as an event in hand
        # always was (the store is still open)
        self._flush()
        consumer.cancel()

    def _catch_up(self, conn: kombu.Connection) -> None:
        """What the source published before this queue was bound, from its
        stream (``events.stream``), from the first event past this
        subscription's position to the stream's end; each taken as from the
        queue, and what the queue also holds is then skipped by position."""
        probe = conn.channel()
        try:
            length = probe.queue_declare(stream_name(self.source), passive=True).message_count
        except conn.channel_errors:  # a source without a stream (an older deployment)
            return
        finally:
            with contextlib.suppress(Exception):
                probe.close()
        if length == 0:
            return
        seen = self._application().chained_recorder.max_tracking_id(self.tracking_name) or 0
        reader = conn.channel()
        start = offset_at(reader, self.source, seen + 1, length - 1)
        reader.basic_qos(0, self.batching.size, False)
        self._stream_at = start - 1
        stream = kombu.Queue(
            stream_name(self.source), no_declare=True, consumer_arguments={"x-stream-offset": start}
        )
        with kombu.Consumer(reader, queues=[stream], on_message=self._from_stream):
            while self._stream_at < length - 1 and not self._stopping:
                self._drain(conn)
        # After the cancel, which takes what the stream sent while it was
        # under way (a source publishing its backlog after an outage): taken
        # while the reader is open to acknowledge it. Left for later, its ack
        # on the closed reader dropped the connection, over and over.
        self._flush()
        reader.close()

    def _from_stream(self, message: kombu.Message) -> None:
        self._stream_at = int(message.headers["x-stream-offset"])
        name = str(message.headers.get("cloudEvents:type", "")).split(".")
        if "*" in self.names or (len(name) > 3 and name[3] in self.names):
            self._on_message(message)
        else:
            message.ack()  # not this subscription's: a stream's ack is only credit

    def _drain(self, conn: kombu.Connection) -> None:
        """Takes what arrives until a batch is full or its linger is over
        (at once when unbatched or with no linger), then handles it."""
        conn.heartbeat_check()  # sends ours when due; raises if the broker's stopped
        wait = self._tick
        if self._pending:
            wait = min(max(self._deadline - time.monotonic(), 0.001), self._tick)
        with contextlib.suppress(TimeoutError):
            conn.drain_events(timeout=wait)
            # then what has already arrived (the broker sends up to the
            # prefetch ahead): a backlog is taken in batches at once, while
            # an event arriving alone is handled alone, without waiting
            while self._pending and len(self._pending) < self.batching.size:
                conn.drain_events(timeout=0.001)
        full = len(self._pending) >= self.batching.size
        if full or time.monotonic() >= self._deadline:
            self._flush()

    def _flush(self) -> None:
        taken, self._pending = self._pending, []
        if taken:
            self._take(taken)

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
        if not self._pending:
            self._deadline = time.monotonic() + self.batching.linger
        self._pending.append((message, Delivery(event, tracking)))

    def _take(self, taken: list[tuple[kombu.Message, Delivery]]) -> None:
        """A batch in one transaction, acknowledged (all at once) only after
        it committed; if it fails, it was rolled back as a whole and its
        events are handled one by one, so a poison event holds only itself
        (and, for order's sake, those after it)."""
        labels = (self.container.service_name, self.method_name)
        if len(taken) > 1:
            _, exc_info = self._run_worker([d for _, d in taken])
            if exc_info is None:
                self._ack(taken[-1][0], multiple=True)
                metrics.consumed.labels(*labels, "processed").inc(len(taken))
                return
            metrics.consumer_errors.labels(*labels, "batch").inc()
            log.warning(
                "subscription %s: a batch of %d failed (%r); taking its events one by one",
                self.queue_name,
                len(taken),
                exc_info[1],
            )
        for n, (message, delivery) in enumerate(taken):
            outcome = self._handle(delivery)
            metrics.consumed.labels(*labels, outcome).inc()
            if outcome == "interrupted":
                # shutting down: the next consumer takes them, in order
                for later, _ in taken[n:]:
                    later.requeue()
                return
            self._ack(message)

    def _ack(self, message: kombu.Message, multiple: bool = False) -> None:
        # the crash tests' power cut: committed, not yet acknowledged
        faults.point("subscription.before_ack")
        message.ack(multiple=multiple)

    def _handle(self, delivery: Delivery) -> str:
        """Retries until the handler succeeds: skipping an event would break
        the order later events rely on, so a failing handler holds its
        subscription (and says so in logs and metrics) rather than lose one."""
        labels = (self.container.service_name, self.method_name)
        attempt = 0
        while True:
            attempt += 1
            outcome, exc_info = self._run_worker([delivery])
            if exc_info is None:
                if outcome == "duplicate":
                    metrics.consumer_redeliveries.labels(*labels).inc()
                return str(outcome)
            metrics.consumer_errors.labels(*labels, "handler").inc()
            level = logging.ERROR if attempt >= self.alert_after else logging.WARNING
            log.log(
                level,
                "subscription %s: %s #%s failed (attempt %d), retrying: %r",
                self.queue_name,
                delivery.event.get_type(),
                delivery.tracking.notification_id,
                attempt,
                exc_info[1],
            )
            if self._stopping:
                return "interrupted"
            eventlet.sleep(min(0.2 * 2 ** (attempt - 1), 30.0))

    def _run_worker(self, deliveries: list[Delivery]) -> tuple[Any, Any]:
        """One worker for the deliveries (``Batch.run``): its outcome, and
        the error it raised, if any."""
        done: eventlet.event.Event = eventlet.event.Event()

        def handle_result(worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
            done.send((result, exc_info))
            return result, exc_info

        first = deliveries[0].event
        context = {"correlation_id": first.get_extension("correlationid") or first.get_id()}
        self.container.spawn_worker(
            self,
            (Batch(self._application(), deliveries),),
            {},
            context_data=context,
            handle_result=handle_result,
        )
        result: tuple[Any, Any] = done.wait()
        return result

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
