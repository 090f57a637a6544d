"""Published contracts of plan and journal events (see published.py)."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication


def plan_journal_publication(event: Any) -> Publication | Any | None:
    return NotImplemented
