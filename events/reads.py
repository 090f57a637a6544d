"""A log of reads, kept from the log of events (``FollowedView``): who read
what, when, in which relation to it. Each service records its reads with an
aggregate of its own (what identifies the subject differs) and lists them
with a ``ReadLog`` that names the recording event and its keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from events.views import FollowedView


class ReadLog(FollowedView):
    KEYS: Sequence[str] = ()  # what the service's read event says of its subject

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.reads: list[dict[str, Any]] = []

    def apply(self, event: Any) -> None:
        self.reads.append(
            {
                "at": event.timestamp.isoformat(),
                "actor_id": event.actor_id,
                "actor_role": event.actor_role,
                "relation": event.relation,
                "subject_kind": event.subject_kind,
                "subject_id": event.subject_id,
            }
            | {key: getattr(event, key) for key in self.KEYS}
        )

    def of(self, **wanted: str | None) -> list[dict[str, Any]]:
        """The reads whose keys match every value given (None: any)."""
        return [
            r
            for r in self.reads
            if all(value is None or r[key] == value for key, value in wanted.items())
        ]
