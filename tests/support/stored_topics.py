"""A store rewritten as the version before the capability folders wrote it
(ADR 16): the former module in each event's topic, and in the aggregate
topic a created event carries in its state."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path


def stored_as_before(
    store: Path, moves: Mapping[str, str], table: str = "coordination_events"
) -> None:
    """``moves``: each ``"new.module:"`` prefix and the ``"old.module:"`` it replaces."""
    db = sqlite3.connect(store)
    for now, former in moves.items():
        db.execute(
            f"UPDATE {table} SET topic = replace(topic, ?, ?),"
            " state = CAST(replace(CAST(state AS TEXT), ?, ?) AS BLOB)",
            (now, former, now, former),
        )
    db.commit()
    db.close()
