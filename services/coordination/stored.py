"""Stored topics across the move to capability folders (ADR 0016).

Events stored before the move keep their topic, naming the module the
aggregate was in then (``services.coordination.domain:StaffMember.Licensed``);
each moved aggregate registers its old topic, so such an event loads as the
new class. A read model selects its events by topic in the store, though, so
it asks for both spellings.
"""

from __future__ import annotations

from collections.abc import Iterable


def and_former(topics: Iterable[str], former_module: str) -> list[str]:
    """``topics`` and the same events as stored under ``former_module``."""
    current = list(topics)
    return [*current, *(f"{former_module}:{t.partition(':')[2]}" for t in current)]
