"""Read models of incidents (``events.views.FollowedView``) and the plain
view of one incident."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.topics import topics
from events.views import FollowedView
from services.coordination.incidents.domain import Incident


class IncidentIndex(FollowedView):
    """Which incidents exist, whose and how far they are (an
    ``events.views.FollowedView``)."""

    TOPICS = topics(
        Incident, "Reported", "SolutionImplemented", "Documented", "Escalated", "TasksRedistributed"
    )

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.incidents: dict[UUID, dict[str, Any]] = {}  # in order of report

    def apply(self, event: Any) -> None:
        if isinstance(event, Incident.Reported):
            self.incidents[event.originator_id] = {
                "technician_id": event.technician_id,
                "municipality": event.municipality,
                "resolved": False,
                "closed": False,
                "at_the_top": False,
                "detected": event.detected,
            }
        elif isinstance(event, Incident.SolutionImplemented):
            self.incidents[event.originator_id]["resolved"] = True
        elif isinstance(event, Incident.TasksRedistributed):
            self.incidents[event.originator_id]["redistributed"] = True
        elif isinstance(event, Incident.Documented):
            self.incidents[event.originator_id]["closed"] = True
        elif isinstance(event, Incident.Escalated) and event.next_deadline is None:
            self.incidents[event.originator_id]["at_the_top"] = True

    def escalatable(self) -> list[UUID]:
        """Without a solution and below the highest level; whether the
        deadline has passed is for the incident itself to judge."""
        return [i for i, s in self.incidents.items() if not (s["resolved"] or s["at_the_top"])]

    def with_redistribution(self) -> list[UUID]:
        return [i for i, s in self.incidents.items() if s.get("redistributed")]

    def of_technician(self, technician_id: str) -> list[UUID]:
        return [i for i, s in self.incidents.items() if s["technician_id"] == technician_id]

    def open_detected(self, technician_id: str, detected: str) -> bool:
        """A difficulty the platform raised for the technician, not yet documented."""
        return any(
            s["technician_id"] == technician_id
            and s.get("detected") == detected
            and not s["closed"]
            for s in self.incidents.values()
        )

    def still_open(self, municipality: str | None) -> list[UUID]:
        return [
            i
            for i, s in self.incidents.items()
            if not s["closed"] and municipality in (None, s["municipality"])
        ]


def incident_view(i: Incident) -> dict[str, Any]:
    return {
        "incident_id": str(i.id),
        "municipality": i.municipality,
        "technician_id": i.technician_id,
        "coordinator_id": i.coordinator_id,
        "contract_id": i.contract_id,
        "reporter_id": i.reporter_id,
        "reporter_role": i.reporter_role,
        "difficulty_type": i.difficulty_type,
        "description": i.description,
        "reported_at": i.reported_at,
        "resolution_days": i.resolution_days,
        "resolution_hours": i.resolution_hours,
        "deadline": i.deadline,
        "steps": [dict(s) for s in i.steps],
        "next_step": i.next_step,
        "resolved": i.resolved,
        "closed": i.closed,
        "escalation_level": i.escalation_level,
        "escalations": [dict(e) for e in i.escalations],
        "redistributions": [dict(r) for r in i.redistributions],
        "about_coordinator": i.about_coordinator,
        "shared_with_coordinator": i.shared_with_coordinator,
        "detected": i.detected,
        "version": i.version,
    }
