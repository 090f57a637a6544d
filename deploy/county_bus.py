"""The generator's way into the services without a broker: a service's own
RPC entrypoints called in process, and the bus's mapping replayed from one
store to a follower.

- ``Direct(service_class, app)`` calls an entrypoint of the nameko service
  class (``direct.call("refer_case", actor, command)``): the same lambda,
  the same contract check (``contracts/commands``) and the same application
  method as an RPC call; only the transport and the signed assertion are
  left out (the generator is the operator, acting for the people it made).
- ``forward(source, follower)`` delivers what ``source`` stored since the
  follower last saw it, as the relay and the subscriptions would: each
  stored event through the source service's published mapping
  (``publication_of``) into a CloudEvent, parsed back, then to every
  ``@subscribe`` method of the follower whose names match, with the
  ``Tracking`` that subscription records (same tracking name, same
  position). A service started later on these stores finds those positions
  taken and skips a redelivery, as it would after a real one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Tracking

from events import cloudevent
from events.actor import Actor
from events.contracts import check_command
from events.nameko import entrypoints_of
from events.outbox import PositionStore
from events.relay import FILLED
from events.store import EventSourcedApplication
from events.subscribe import Subscription, tracking_name

PublicationOf = Callable[[Any], cloudevent.Publication | None]
BATCH = 500


class Direct:
    """A nameko service class's entrypoints, called in process: ``self`` of
    each is this object, which has what ``events.adapter`` needs of it."""

    def __init__(self, service_class: type, app: EventSourcedApplication) -> None:
        self.service_class, self.app = service_class, app
        self.name: str = service_class.name  # type: ignore[attr-defined]
        self.correlation_id = ""

    def _actor(self, actor: dict[str, Any]) -> Actor:
        return Actor.from_dict(actor, self.correlation_id)

    def _command(self, command_name: str, command: Any) -> dict[str, Any]:
        return check_command(self.name, command_name, command)

    def call(self, method: str, actor: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        """One RPC, in its own correlation (one command, one id)."""
        self.correlation_id = str(uuid.uuid4())
        # past ``events.nameko.rpc``'s check of the call's signed assertion:
        # the generator acts in process, as the operator, for its own people
        entrypoint = getattr(self.service_class, method).__wrapped__
        return entrypoint(self, actor, *args, **kwargs)


@dataclass(frozen=True)
class Source:
    """A store whose events go out on the bus: its service's name, its
    application and its published mapping."""

    service: str
    app: EventSourcedApplication
    publication_of: PublicationOf

    def published_since(self, position: int) -> Iterator[tuple[int, Any]]:
        """(position, CloudEvent) of what it stored after ``position``,
        parsed from the bytes a subscriber receives."""
        recorder = self.app.chained_recorder
        while True:
            notifications = recorder.select_notifications(
                start=position, limit=BATCH, inclusive_of_start=False
            )
            if not notifications:
                return
            for notification in notifications:
                position = notification.id
                event = self.app.mapper.to_domain_event(notification)
                assert isinstance(event, DomainEvent)
                publication = self.publication_of(event)
                if publication is not None:
                    yield (
                        position,
                        cloudevent.parse(
                            cloudevent.serialize(self._build(position, event, publication))
                        ),
                    )

    def _build(self, position: int, event: Any, publication: cloudevent.Publication) -> Any:
        origin = cloudevent.Origin.of_stored(self.service, position, event)
        return cloudevent.build(origin, publication)

    def mark_delivered(self) -> int:
        """The relay's durable position moved to the head: everything stored
        was delivered to every follower in process, so a service started on
        this store does not publish a million events again. Returns the head."""
        head = self.app.chained_recorder.max_notification_id() or 0
        engine = self.app.chained_recorder.engine
        PositionStore(engine, f"{self.service}.bus").advance(head)
        # nor written into its stream (events.stream): a generated county
        # is not history any reader should replay
        PositionStore(engine, f"{self.service}.stream").advance(FILLED)
        return head


def subscriptions(direct: Direct, source: str) -> list[tuple[str, list[str], Callable]]:
    """The follower's ``@subscribe`` methods on ``source``: tracking name,
    event names, handler."""
    return [
        (tracking_name(source, name), entrypoint.names, getattr(direct.service_class, name))
        for name, entrypoint in entrypoints_of(direct.service_class, Subscription)
        if entrypoint.source == source
    ]


def forward(source: Source, follower: Direct) -> int:
    """What ``source`` stored and ``follower`` subscribes to, delivered with
    its tracking; returns how many events were delivered."""
    delivered = 0
    recorder = follower.app.chained_recorder
    for name, names, handler in subscriptions(follower, source.service):
        since = recorder.max_tracking_id(name) or 0
        for position, event in source.published_since(since):
            if "*" not in names and cloudevent.name_of(event.get_type()) not in names:
                continue
            tracking = Tracking(name, position)
            follower.correlation_id = event.get_extension("correlationid") or event.get_id()
            handler(follower, event, tracking)
            if not follower.app.has_processed(tracking):  # a handler that stored nothing
                follower.app.save_processed(tracking)
            delivered += 1
    return delivered
