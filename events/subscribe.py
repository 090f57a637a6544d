"""In from the bus (DESIGN §5): ``@subscribe(source, [names])`` makes a nameko
method consume another service's CloudEvents.

- one quorum queue per subscription (``coordonare.<service>.<method>``,
  ``events.queues``), single active consumer: publication order even with
  several replicas;
- the handler is called as ``handler(event, tracking)`` and stores its
  effect with ``app.save_processed(tracking, *aggregates)``: the upstream
  position is recorded in the same transaction, so a redelivered event has
  no second effect (``events.consuming``); it may return what to start once
  that transaction committed;
- urgent subscriptions take one event at a time, the moment it arrives; one
  declared with ``batch=N`` (followed facts, reminders, figures) takes what
  has already arrived, up to N (and, while events keep coming, what arrives
  within its linger), in ONE transaction, acknowledged together once it
  committed. A batch that fails is rolled back whole, then taken one by one;
- a failing handler is retried with backoff (an error in the logs after
  ``alert_after`` attempts) and holds the subscription while the store or
  the broker is out of reach; an event failing by its own fault is parked
  after ``SUBSCRIPTION_PARK_AFTER`` attempts, as is a message that is not a
  CloudEvent of ours (``events.parking``). Nothing is acknowledged before
  it took effect.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import eventlet
import kombu
from eventsourcing.persistence import IntegrityError, Tracking
from nameko.extensions import Entrypoint, register_entrypoint

from events import cloudevent, faults, metrics, parking, queues
from events.config import DEFAULT_EXCHANGE, Batching, amqp_ssl
from events.consuming import Batch, Delivery
from events.nameko import ApplicationProvider
from events.queues import routing_keys, tracking_name
from events.store import EventSourcedApplication
from events.stream import offset_at, stream_name, told_length

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 20  # AMQP heartbeat of a subscription's connection (SUBSCRIPTION_HEARTBEAT)
PARKED_EVERY = 30.0  # seconds between two looks at the parking queue's depth
STREAM_QUIET = 2.0  # seconds without a message that end a stream's catch-up (as ``read_one``)


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
        """``batch`` > 1: up to that many events per transaction, those arrived
        and, while events keep coming, those within ``linger`` seconds
        (``events.config.Batching``, which the environment overrides); 1
        handles each event the moment it arrives (urgent)."""
        self.source, self.names, self.alert_after = source, list(names), alert_after
        self.declared = Batching(batch, linger)
        self._stopping = False
        self._pending: list[tuple[kombu.Message, Delivery]] = []
        self._deadline = 0.0
        self._taken_at = -float("inf")  # when the last batch was handled (``Batching.deadline``)
        self._tick = 0.5  # the longest wait on the connection (a quarter of its heartbeat)
        self._stream_at = -1  # the last offset taken from the source's stream
        self._look_at_parking = 0.0  # when to read the parking queue's depth next
        self._silence = 10.0  # how long a question to the broker may go unanswered
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
        config = self.container.config
        exchange_name = config.get("EVENTS_EXCHANGE", DEFAULT_EXCHANGE)
        exchange = kombu.Exchange(exchange_name, "topic", durable=True)
        self.queues = queues.SubscriptionQueues.of(
            self.queue_name,
            exchange,
            routing_keys(self.source, self.names),
            queues.delivery_limit(config),
        )
        self.park_after = parking.park_after(config)
        self.parked_gauge = metrics.parked.labels(service, self.method_name)

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
                self._silence = 2 * heartbeat if heartbeat else 10.0
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
        # What a lost connection left unacknowledged is redelivered: nothing
        # of it may be acknowledged now.
        self._pending = []
        # bound first: from here on the queue gets every event; what came
        # before, it may never have had (a service started after its source,
        # a queue made anew), and the source's stream has
        queue = self.queues.open(conn)
        streamed = self._catch_up(conn)
        # an earlier release's classic queue: replaced once emptied, if what
        # is published meanwhile can then be read from the source's stream
        legacy = queue is self.queues.legacy and streamed
        consumer = conn.Consumer(
            queue,
            channel=conn.channel(),
            on_message=self._on_message,
            prefetch_count=self.batching.size,
        )
        consumer.consume()
        self._backoff = 0.2
        while not self._stopping:
            self._drain(conn)
            if time.monotonic() >= self._look_at_parking:
                self._look_at_parking = time.monotonic() + PARKED_EVERY
                self.parked_gauge.set(queues.count(conn, self.queues.dead.name, self._silence))
            if legacy and not self._pending and queues.count(conn, queue.name, self._silence) == 0:
                consumer.cancel()
                if self.queues.replace_legacy(conn):
                    log.info("subscription %s: now a quorum queue", self.queue_name)
                    return  # connected again, to the new queue
                consumer.consume()
        # what was taken is handled before stopping, as an event in hand
        # always was (the store is still open)
        self._flush()
        consumer.cancel()

    def _catch_up(self, conn: kombu.Connection) -> bool:
        """What the source published before this queue was bound, from its
        stream (``events.stream``): from the first event past this
        subscription's position until nothing more comes for ``STREAM_QUIET``
        seconds (the length the broker tells is seconds old: a lower bound).
        Each is taken as from the queue, which then skips it by position.
        False if the source has no stream (an older deployment)."""
        length = told_length(conn, self.source)
        if length is None:
            return False
        seen = self._application().chained_recorder.max_tracking_id(self.tracking_name) or 0
        reader = conn.channel()
        start = offset_at(reader, self.source, seen + 1, length - 1) if length else 0
        reader.basic_qos(0, self.batching.size, False)
        self._stream_at = start - 1
        log.info("subscription %s: catching up from offset %d", self.queue_name, start)
        stream = kombu.Queue(
            stream_name(self.source), no_declare=True, consumer_arguments={"x-stream-offset": start}
        )
        with kombu.Consumer(reader, queues=[stream], on_message=self._from_stream):
            heard = time.monotonic()
            while not self._stopping:
                taken = self._stream_at
                self._drain(conn)
                if self._stream_at != taken:
                    heard = time.monotonic()
                elif self._stream_at >= length - 1 and heard < time.monotonic() - STREAM_QUIET:
                    break
            self._flush()
        log.info("subscription %s: caught up at offset %d", self.queue_name, self._stream_at)
        # what the cancel handed over, acknowledged while the reader is open
        self._flush()
        reader.close()
        return True

    def _from_stream(self, message: kombu.Message) -> None:
        self._stream_at = int(message.headers["x-stream-offset"])
        name = cloudevent.name_of(str(message.headers.get("cloudEvents:type", "")))
        if "*" in self.names or name in self.names:
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
            self._taken_at = time.monotonic()

    def _on_message(self, message: kombu.Message) -> None:
        labels = (self.container.service_name, self.method_name)
        try:
            event = cloudevent.parse(message.body)
            position = int(event.get_extension("position"))
        except Exception as exc:
            log.error("subscription %s: malformed message parked: %s", self.queue_name, exc)
            metrics.consumer_errors.labels(*labels, "malformed").inc()
            self._park(message)
            return
        if (message.headers or {}).get(parking.REPLAYED):
            tracking = parking.replayed_tracking(self.tracking_name, position)
        else:
            tracking = Tracking(self.tracking_name, position)
        if not self._pending:
            self._deadline = self.batching.deadline(time.monotonic(), self._taken_at)
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
            if outcome == "parked":
                self._park(message)
            else:
                self._ack(message)

    def _park(self, message: kombu.Message) -> None:
        # dead-lettered by the broker into the parking queue, atomically
        message.reject(requeue=False)
        metrics.events_parked.labels(self.container.service_name, self.method_name).inc()
        # shown at once (the queue may not hold it yet: the broker moves it
        # after the reject); the depth is read again within PARKED_EVERY
        self.parked_gauge.inc()

    def _ack(self, message: kombu.Message, multiple: bool = False) -> None:
        # the crash tests' power cut: committed, not yet acknowledged
        faults.point("subscription.before_ack")
        message.ack(multiple=multiple)

    def _handle(self, delivery: Delivery) -> str:
        """Retries until the handler succeeds: skipping an event would break
        the order later events rely on, so a failing handler holds its
        subscription (and says so in logs and metrics) rather than lose one."""
        labels = (self.container.service_name, self.method_name)
        attempt = failures = 0
        while True:
            attempt += 1
            outcome, exc_info = self._run_worker([delivery])
            if exc_info is None:
                if outcome == "duplicate":
                    metrics.consumer_redeliveries.labels(*labels).inc()
                return str(outcome)
            metrics.consumer_errors.labels(*labels, "handler").inc()
            failures += 0 if parking.is_outage(exc_info[1]) else 1
            if self.park_after and failures >= self.park_after:
                log.error(
                    "subscription %s: %s #%s parked after %d failures: %r",
                    self.queue_name,
                    delivery.event.get_type(),
                    delivery.tracking.notification_id,
                    failures,
                    exc_info[1],
                )
                return "parked"
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
