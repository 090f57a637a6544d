"""The outbox relay (DESIGN §5 "Out to AMQP").

Reads the application's notification log from the last published position,
maps each stored event to its published contract, publishes the batch with
confirms and only then advances the durable position. Broker down: the batch
is retried with backoff, from the same position, so nothing is lost or
reordered; a crash between confirm and advance re-publishes the same events
with the same ids, which consumers de-duplicate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification

from events import cloudevent, faults, metrics
from events.outbox import LeaderLock, PositionStore
from events.publisher import ConfirmedPublisher, OutgoingMessage
from events.store import EventSourcedApplication

log = logging.getLogger(__name__)

PublicationOf = Callable[[Any], cloudevent.Publication | None]
FILLED = -1  # the stream's fill mark once it holds every published event
# While busy, the position is written at most this often (seconds): a write
# per batch was a transaction per few commands, and a crash costs at most
# this much publishing again (ADR 18)
POSITION_EVERY = 1.0
OWN_KEPT = 2_000  # committed events kept for the relay to publish without reading them


class OutboxRelay:
    def __init__(
        self,
        service: str,
        app: EventSourcedApplication,
        publication_of: PublicationOf,
        publisher: ConfirmedPublisher,
        batch: int = 500,
        poll_seconds: float = 1.0,
        linger_seconds: float = 0.005,
    ) -> None:
        self.service, self.app, self.publication_of = service, app, publication_of
        self.publisher, self.batch, self.poll_seconds = publisher, batch, poll_seconds
        self.linger_seconds = linger_seconds
        engine = app.chained_recorder.engine
        self.positions = PositionStore(engine, f"{service}.bus")
        # how far the stream was filled with what was published before it
        # existed (events.stream); FILLED once it holds everything
        self.stream_filled = PositionStore(engine, f"{service}.stream")
        self.leader = LeaderLock(engine, f"coordonare.relay.{service}")
        self.position = self.positions.load()
        self._written = self.position  # the position the store holds
        self._write_due = 0.0  # monotonic time from which a batch writes it again
        self._leading = False
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._backoff = 0.0
        # The newest id this process stored, and whether the last batch was
        # full: with the position, all the lag needs, without asking the
        # store for its head on every step.
        self._stored_head = 0
        self._more_waiting = False
        # What this process committed and the relay has not published yet,
        # by id: a step publishes the run of it that follows on from the
        # position without reading the log back (issue 17). An id not here
        # (another replica's, a hole a failed write left, one older than
        # OWN_KEPT) means reading, as before.
        self._own: dict[int, Notification] = {}
        app.on_stored(self._stored)

    def run(self) -> None:
        """Loop until ``stop()``; every failure is logged and retried."""
        log.info("relay %s starting at position %d", self.service, self.position)
        while not self._stopping.is_set():
            try:
                if not self.leader.held():
                    self._leading = False
                    self._sleep(self.poll_seconds)
                    continue
                if not self._leading:  # another replica may have published meanwhile
                    # everything up to either position was confirmed on the
                    # bus: what this relay confirmed itself may not be
                    # written yet (POSITION_EVERY)
                    self._written = self.positions.load()
                    self.position = max(self.position, self._written)
                    self._fill_stream()
                    self._leading = True
                    log.info("relay %s leads from position %d", self.service, self.position)
                self.step()
                self._update_lag()
                if not self._more_waiting:
                    # all there was is published: a step now would read
                    # nothing, unless something was stored meanwhile, which
                    # the wait returns at once for
                    self._wait_for_events()
                self._backoff = 0.0
            except Exception as exc:
                # what the store holds is what counts after a failure: read
                # again (a position not written means publishing again what
                # consumers take once)
                self._leading = False
                self._backoff = min(max(self._backoff * 2, 0.2), 5.0)
                metrics.relay_failures.labels(self.service).inc()
                log.warning(
                    "relay %s: publishing failed at position %d, retrying in %.1fs: %s",
                    self.service,
                    self.position,
                    self._backoff,
                    exc,
                )
                self._sleep(self._backoff)
        if self._leading:
            try:
                self._write_position()
            except Exception:
                log.warning("relay %s: its last position was not written", self.service)
        self.publisher.close()
        self.leader.release()

    def step(self) -> int:
        """Publish the next batch; returns how many stored events it covered."""
        notifications = self._own_run() or self.app.chained_recorder.select_notifications(
            start=self.position, limit=self.batch, inclusive_of_start=False
        )
        # more to read now: a full batch, or its own run stopped short of
        # what this process stored (an id between is another replica's)
        self._more_waiting = len(notifications) == self.batch or (
            bool(notifications) and notifications[-1].id < self._stored_head
        )
        if not notifications:
            return 0
        messages = [m for m in map(self._message, notifications) if m is not None]
        faults.point("relay.before_publish")
        self.publisher.publish(messages)
        faults.point("relay.after_confirm")
        self.position = notifications[-1].id
        self._own = {i: n for i, n in self._own.items() if i > self.position}
        if messages and time.monotonic() >= self._write_due:
            self._write_position()
        # else internal events only (a reminder's bookkeeping), or a position
        # written less than POSITION_EVERY ago: read again after a crash, the
        # first publish nothing and the others go out again with their ids,
        # which every consumer takes once; the write waits for a later batch
        # or for the relay to be idle or to stop
        metrics.events_published.labels(self.service).inc(len(messages))
        metrics.relay_position.labels(self.service).set(self.position)
        return len(notifications)

    def _write_position(self) -> None:
        """The position into the store, if it moved since last written."""
        if self._written == self.position:
            return
        try:
            # through the leader's session: a write that goes through proves
            # the lock still ours, without a query of its own
            self.positions.advance(self.position, self.leader.connection)
        except Exception:
            self.leader.release()
            raise
        self._written = self.position
        self._write_due = time.monotonic() + POSITION_EVERY
        self.leader.answered()

    def _fill_stream(self) -> None:
        """Writes into the stream, once, what was published before it existed
        (up to the relay's position; what comes after reaches the stream by
        its binding, declared before anything more is published). Done in
        batches, its progress kept: a crash midway goes on from there."""
        if self.publisher.stream is None:
            return
        filled = self.stream_filled.load()
        while filled != FILLED and filled < self.position:
            notifications = [
                n
                for n in self.app.chained_recorder.select_notifications(
                    start=filled, limit=self.batch, inclusive_of_start=False
                )
                if n.id <= self.position
            ]
            messages = [m for m in map(self._message, notifications) if m is not None]
            self.publisher.publish(messages, to_stream=True)
            filled = notifications[-1].id if notifications else self.position
            self.stream_filled.advance(filled)
        if filled != FILLED:
            log.info("relay %s: the stream holds what was published up to %d", self.service, filled)
            self.stream_filled.advance(FILLED)

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    def _message(self, notification: Notification) -> OutgoingMessage | None:
        domain_event = self.app.mapper.to_domain_event(notification)
        # every stored event is an aggregate's, so a timestamped DomainEvent
        assert isinstance(domain_event, DomainEvent)
        publication = self.publication_of(domain_event)
        if publication is None:  # internal bookkeeping, not part of the contract
            return None
        origin = cloudevent.Origin.of_stored(self.service, notification.id, domain_event)
        return OutgoingMessage.of(cloudevent.build(origin, publication), notification.id)

    def _own_run(self) -> list[Notification]:
        """The events this process committed right after the position, up to
        a batch; none if the next id is not one of them. Ids are taken and
        committed in order under the store's lock, so such a run is exactly
        how the log begins after the position: what the read would return
        first."""
        run: list[Notification] = []
        while len(run) < self.batch:
            notification = self._own.get(self.position + len(run) + 1)
            if notification is None:
                break
            run.append(notification)
        return run

    def _stored(self, stored: list[Notification]) -> None:
        for notification in stored:
            self._own[notification.id] = notification
            self._stored_head = max(self._stored_head, notification.id)
        while len(self._own) > OWN_KEPT:  # not leading, or far behind: forget the oldest
            del self._own[next(iter(self._own))]
        self._wakeup.set()

    def _update_lag(self) -> None:
        # What this replica stored and has not published yet, and at least one
        # more while batches come back full. Events stored by other replicas
        # show once they are read (a full batch), never by a query per step.
        lag = max(self._stored_head - self.position, 1 if self._more_waiting else 0)
        metrics.relay_lag.labels(self.service).set(lag)

    def _wait_for_events(self) -> None:
        if self._wakeup.wait(self.poll_seconds):
            # Under load, saves come in bursts: lingering a few milliseconds
            # turns many one-event batches (each a select, a confirm and a
            # position write) into a few larger ones.
            self._sleep(self.linger_seconds)
        else:
            self._write_position()  # idle: what internal events left unwritten
        self._wakeup.clear()

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            self._stopping.wait(min(0.1, seconds))
