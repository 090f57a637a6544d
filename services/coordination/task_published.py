"""Published contracts of task events (see published.py)."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication


def task_publication(event: Any) -> Publication | Any | None:
    return NotImplemented
