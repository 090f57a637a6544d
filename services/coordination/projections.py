"""Registry read model: municipalities and staff for listing queries.

Kept in memory and brought up to date from the notification log before each
query, so every replica answers from the shared store and the model can be
rebuilt from zero at any time (DESIGN §5)."""

from __future__ import annotations

import threading
from typing import Any

from services.coordination.domain import Municipality, StaffMember


class RegistryView:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.position = 0
        self.municipalities: dict[str, dict[str, Any]] = {}
        self.staff: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def catch_up(self) -> None:
        with self._lock:
            while True:
                batch = self.app.recorder.select_notifications(
                    start=self.position, limit=1000, inclusive_of_start=False
                )
                for notification in batch:
                    self._apply(self.app.mapper.to_domain_event(notification))
                    self.position = notification.id
                if len(batch) < 1000:
                    return

    def _apply(self, event: Any) -> None:
        if isinstance(event, Municipality.Registered):
            self.municipalities[event.siruta] = {
                "siruta": event.siruta,
                "name": event.name,
                "county": event.county,
            }
        elif isinstance(event, StaffMember.Registered):
            self.staff[str(event.originator_id)] = {
                "staff_id": str(event.originator_id),
                "role": event.role,
                "municipality": event.municipality,
                "full_name": event.full_name,
                "active": True,
            }
        elif isinstance(event, StaffMember.Licensed):
            self.staff[str(event.originator_id)]["role"] = "social_worker"
        elif isinstance(event, StaffMember.Transferred):
            self.staff[str(event.originator_id)]["municipality"] = event.municipality
        elif isinstance(event, StaffMember.Departed):
            self.staff[str(event.originator_id)]["active"] = False
