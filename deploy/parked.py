"""What the subscriptions parked, and its replay once fixed (events.parking).

    python -m deploy.parked                      # every subscription's parked events
    python -m deploy.parked --replay cases.on_coordination
    make parked / make replay-parked SUBSCRIPTION=cases.on_coordination

Each service's parking queues are reached with that service's broker
account (``deploy/stack.py``: the local accounts, or ``AMQP_URI`` when set).
A replay puts the events back into their subscription's queue, in order;
they take effect once, however often replayed. What fails again is parked
again, and the logs say why.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator

import kombu

from deploy.stack import SERVICES, broker_uris
from events import parking
from events.nameko import entrypoints_of
from events.subscribe import Subscription


def subscriptions() -> Iterator[tuple[str, str]]:
    """(service, live queue) of every subscription of every service."""
    for service in SERVICES:
        module, name = service.entry.split(":")
        service_class = getattr(importlib.import_module(module), name)
        for method, _ in entrypoints_of(service_class, Subscription):
            yield service.name, f"coordonare.{service.name}.{method}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--replay",
        metavar="SERVICE.METHOD",
        help="put this subscription's parked events back into its queue",
    )
    args = parser.parse_args(argv)
    uris = broker_uris()
    known = dict((queue.removeprefix("coordonare."), (s, queue)) for s, queue in subscriptions())
    if args.replay:
        if args.replay not in known:
            print(f"no subscription {args.replay}; there are: {', '.join(sorted(known))}")
            return 2
        service, queue = known[args.replay]
        with kombu.Connection(uris[service]) as conn:
            moved = parking.replay(conn, queue)
        print(f"{args.replay}: {moved} parked event(s) put back into {queue}")
        return 0
    total = 0
    for name, (service, queue) in sorted(known.items()):
        with kombu.Connection(uris[service]) as conn:
            found = parking.parked(conn, queue)
        total += len(found)
        print(f"{name}: {len(found)} parked")
        for event in found:
            print(f"  #{event.position} {event.type} {event.event_id} ({event.reason})")
    print(f"{total} parked in all" + (" (make replay-parked SUBSCRIPTION=…)" if total else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
