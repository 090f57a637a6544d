"""What the coordination service publishes: each stored event mapped to its
contract in ``contracts/events/coordination/``. Each capability maps its own
events (its ``published.py``); ids, codes and categories only — staff names
and e-mail addresses stay in the store (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events import refusals
from events.cloudevent import Publication
from events.refusals import Refusal
from services.coordination.audit import CoordinationRead
from services.coordination.contracts.published import contract_publication
from services.coordination.incidents.published import incident_publication
from services.coordination.planning.published import plan_journal_publication
from services.coordination.registry.published import registry_publication
from services.coordination.tasks.published import task_publication

# Each capability maps its own stored events: a function that returns the
# Publication, None for internal events, or NotImplemented for events that
# are not its own.
CAPABILITIES: list[Callable[[Any], Publication | Any | None]] = [
    registry_publication,
    contract_publication,
    plan_journal_publication,
    task_publication,
    incident_publication,
]


def publication_of(event: Any) -> Publication | None:
    for capability in CAPABILITIES:
        publication = capability(event)
        if publication is not NotImplemented:
            return publication
    if isinstance(event, Refusal.Recorded):
        return refusals.publication(event)
    if isinstance(event, CoordinationRead.Event):
        return None  # the auditor's read log stays in the store
    raise LookupError(f"no published contract for stored event {type(event).__qualname__}")
