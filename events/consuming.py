"""What one subscription worker does with the events it was handed
(``events.subscribe``): each handler in order, inside ONE unit of work, so a
consumed event — or a whole batch of them — costs one PostgreSQL transaction,
its tracking written with its effect.

A handler records its position itself, with ``app.save_processed(tracking,
…)``; one that stores nothing gets it recorded here, in the same unit. To
know which, without a read, ``save_processed`` notes the position it wrote
in a greenthread-local (``note``): the worker runs in one greenthread from
the first handler to the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import eventlet
from eventlet.corolocal import local
from eventsourcing.persistence import IntegrityError, Tracking

from events import logs

if TYPE_CHECKING:  # the store notes positions here: imported by it
    from events.store import EventSourcedApplication

_written = local()  # greenthread-local: eventlet's own, patched or not


def note(tracking: Tracking) -> None:
    """``save_processed`` wrote this position (in this greenthread)."""
    _written.tracking = tracking


def _noted(tracking: Tracking) -> bool:
    return getattr(_written, "tracking", None) == tracking


def _forget() -> None:
    _written.tracking = None


@dataclass(frozen=True)
class Delivery:
    """One event from the bus and the upstream position it stands for."""

    event: Any
    tracking: Tracking


# A handler may return what to start once its effect is committed (the
# notifications service sends an urgent alert's mail at once: started
# inside the unit, it could look before the alert is there to be seen).
Handler = Callable[[Any, Tracking], Callable[[], object] | None]


class Batch:
    """Deliveries handed to one worker; ``run`` is what the worker does."""

    def __init__(self, app: EventSourcedApplication, deliveries: Sequence[Delivery]) -> None:
        self.app, self.deliveries = app, list(deliveries)

    def run(self, handler: Handler) -> str:
        """Every delivery in one unit of work: all take effect, or — on any
        error, the unit rolled back — none. ``"processed"``, or
        ``"duplicate"`` for a single delivery whose position was already
        written (a redelivery: found under the table lock by the write, so
        nothing is read before the handler runs)."""
        after: list[Callable[[], object]] = []
        try:
            with self.app.unit_of_work():
                for delivery in self.deliveries:
                    _forget()
                    event = delivery.event
                    logs.correlation_id.set(event.get_extension("correlationid") or event.get_id())
                    then = handler(delivery.event, delivery.tracking)
                    if then is not None:
                        after.append(then)
                    if not _noted(delivery.tracking):
                        self.app.save_processed(delivery.tracking)
        except IntegrityError:
            # A duplicate position, or a concurrent write of the same
            # aggregate: the one read that tells them apart, only now.
            if len(self.deliveries) == 1 and self.app.has_processed(self.deliveries[0].tracking):
                return "duplicate"
            raise
        finally:
            _forget()
        for then in after:
            eventlet.spawn_n(then)
        return "processed"
