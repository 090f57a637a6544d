"""Stored topics, and the aggregates that moved (ADR 0016).

An event is stored under its topic, ``module:Aggregate.Event``. When an
aggregate moves to another module (the capability folders of ADR 0016), the
events already in the stores keep naming the old module. ``moved``
keeps them readable in the two ways a store is read: the library resolves
the old topic to the class where it is now (``register_topic``; its nested
event classes follow), and a read model that selects events by topic in
SQL (``topics``) asks for every name they were stored under."""

from __future__ import annotations

from eventsourcing.utils import register_topic

# aggregate class -> the "module:Class" heads its events were stored under before
_FORMER: dict[type, list[str]] = {}


def moved(old: str, aggregate: type) -> None:
    """``aggregate`` was stored as ``old`` (``"module:Class"``) before it moved."""
    register_topic(old, aggregate)
    _FORMER.setdefault(aggregate, []).append(old)


def topics(aggregate: type, *events: str) -> list[str]:
    """The topics some events of ``aggregate`` are stored under, the current
    one first, then those written before it moved."""
    heads = [f"{aggregate.__module__}:{aggregate.__qualname__}", *_FORMER.get(aggregate, ())]
    return [f"{head}.{name}" for head in heads for name in events]
