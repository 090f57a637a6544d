"""The notifications service's clock. Deadlines and SLA windows are read
against it, never against the wall clock directly, so that a test, a
rehearsal or a replay can move time forward instead of sleeping: with
``NOTIFICATIONS_CLOCK_OFFSET_FILE`` set, the number of seconds in that file
is added to the real time (the file is read on every call, so another
process can move time while the service runs, and a restarted service finds
time where it was left). Production leaves it unset."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path


class Clock:
    def __init__(self, offset_file: str | None = None) -> None:
        self.offset_file = Path(offset_file) if offset_file else None

    @classmethod
    def from_env(cls) -> Clock:
        return cls(os.environ.get("NOTIFICATIONS_CLOCK_OFFSET_FILE"))

    def offset(self) -> timedelta:
        if self.offset_file is None:
            return timedelta(0)
        try:
            return timedelta(seconds=float(self.offset_file.read_text().strip() or 0))
        except FileNotFoundError:
            return timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()


def move_forward(offset_file: str | Path, by: timedelta) -> None:
    """Moves a service's clock (tests and rehearsals only)."""
    path = Path(offset_file)
    current = float(path.read_text().strip() or 0) if path.exists() else 0.0
    path.write_text(str(current + by.total_seconds()))
