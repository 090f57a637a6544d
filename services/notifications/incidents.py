"""Chapter 4 of the guide: a technician's difficulty reaches whoever leads it
at once, and each level it climbs to. The coordination service records the
incident and its escalations; this part makes sure the people concerned hear
of them, by inbox and e-mail, once each however often the event is delivered.

- Reported (4.5 step 2, "Informarea": "tehnicianul comunică imediat
  situația către asistentul social; dacă dificultatea privește chiar
  relația de coordonare … se aduce la cunoștința superiorului"): the
  technician's coordinator; the SPAS heads of the technician's municipality
  when it is about the coordinator (the coordinator is not told: it is
  hidden from them until the head shares it), when the platform raised it
  (excessive delegation, 4.2.1) or when the technician has no coordinator.
  Whoever reported it is not told of their own report.
- Escalated (4.4.3, "Situațiile nerezolvate se raportează … șefului
  ierarhic"): every active SPAS head of the municipality, or every member of
  the county's staff, as the level says.
- Shared with the coordinator (4.5 step 2): the head decided that the
  coordinator a difficulty concerns may now read it; the coordinator is told.

What the difficulty is (its description, analysis and solution) stays in the
coordination service: a notice names the incident, its type and deadline.
A mixin of ``NotificationsApplication``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.notifications.domain import Notification
from services.notifications.reminder_planning import ReminderPlanning
from services.notifications.reminder_rules import shown

REPORTED = "incident_reported"
ESCALATED = "incident_escalated"
SHARED = "incident_shared"
# the coordination events that make a notice (the subscription binds them)
INCIDENT_EVENTS = ["IncidentReported", "IncidentEscalated", "IncidentSharedWithCoordinator"]


class IncidentNotices(ReminderPlanning):
    def incident_notices(self, name: str, event: Any, now: datetime) -> list[Notification]:
        """The notices an incident's event makes (none for any other event)."""
        if name not in INCIDENT_EVENTS:
            return []
        data, municipality = event.get_data(), event.get_extension("municipality")
        about = {
            "incident_id": data["incident_id"],
            "technician_id": data["technician_id"],
            "municipality": municipality,
        }
        if name == "IncidentReported":
            return self._reported(data, about, event.get_extension("actor"), now)
        if name == "IncidentEscalated":
            return self._escalated(data, about, now)
        # shared by the SPAS head: the coordinator it concerns may now read it
        # (none named by an event published before it was carried)
        coordinator = [data["coordinator_id"]] if data.get("coordinator_id") else []
        fields = {"incident_id": data["incident_id"]}
        payload = about | {"kind": SHARED}
        return self.tell(coordinator, SHARED, data["incident_id"], "shared", fields, payload, now)

    def _reported(
        self, data: dict[str, Any], about: dict[str, Any], reporter: str | None, now: datetime
    ) -> list[Notification]:
        about_coordinator = data.get("about_coordinator") is True
        if about_coordinator or data.get("coordinator_id") is None:
            leaders = self.people_with_role("spas_head", about["municipality"])
        else:
            leaders = [data["coordinator_id"]]
        fields = {
            "incident_id": data["incident_id"],
            "difficulty_type": data["difficulty_type"],
            "deadline": shown(data["deadline"]),
            "about_coordinator": about_coordinator,
        }
        payload = about | {
            "kind": REPORTED,
            "difficulty_type": data["difficulty_type"],
            "about_coordinator": about_coordinator,
            "detected": data.get("detected"),
            "deadline": data["deadline"],
        }
        people = [p for p in leaders if p != reporter]
        return self.tell(people, REPORTED, data["incident_id"], "incident", fields, payload, now)

    def _escalated(
        self, data: dict[str, Any], about: dict[str, Any], now: datetime
    ) -> list[Notification]:
        level = data["level"]  # a staff role: events.vocabulary.ESCALATION_LEVELS
        next_deadline = data.get("next_deadline")
        fields = {
            "incident_id": data["incident_id"],
            "level": level,
            "next_deadline": shown(next_deadline) if next_deadline else "",
        }
        payload = about | {"kind": ESCALATED, "level": level, "next_deadline": next_deadline}
        people = self.people_with_role(level, about["municipality"])
        # one notice per incident and level
        source = f"{data['incident_id']}:{level}"
        return self.tell(people, ESCALATED, source, "escalation", fields, payload, now)
