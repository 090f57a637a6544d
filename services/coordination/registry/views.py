"""Read model of the registry for listing and counting queries: its
municipalities and staff. An ``events.views.FollowedView``: in memory,
brought up to date from the notification log before each query."""

from __future__ import annotations

from typing import Any

from events.topics import topics
from events.views import FollowedView
from services.coordination.registry.domain import Municipality, StaffMember


class RegistryView(FollowedView):
    """Municipalities by SIRUTA, staff by id (role, municipality, name, active)."""

    TOPICS = [
        *topics(Municipality, "Registered"),
        *topics(StaffMember, "Registered", "Licensed", "Transferred", "Departed"),
    ]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.municipalities: dict[str, dict[str, Any]] = {}
        self.staff: dict[str, dict[str, Any]] = {}

    def apply(self, event: Any) -> None:
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
