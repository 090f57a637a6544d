"""Published contracts of incident events (see ``coordination/published.py``).

Ids, codes and categories only: the description, the analysis, the chosen
solution, the monitoring observations and the case study are free text about
people and stay in the store (DESIGN §5). Every incident event is published:
consolidated reports and the notifications service (escalations) need them.
"""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from services.coordination.incidents.domain import Incident

# Stored event → published name and the coded fields it carries.
CONTRACTS: dict[type, tuple[str, tuple[str, ...]]] = {
    Incident.Reported: (
        "IncidentReported",
        (
            "coordinator_id",
            "difficulty_type",
            "resolution_days",
            "deadline",
            "about_coordinator",
            "detected",
        ),
    ),
    Incident.SharedWithCoordinator: ("IncidentSharedWithCoordinator", ("coordinator_id",)),
    Incident.Identified: ("IncidentIdentified", ("difficulty_type",)),
    Incident.Informed: ("IncidentInformed", ("informed_party",)),
    Incident.CauseAnalysed: ("IncidentCauseAnalysed", ("causes",)),
    Incident.SolutionChosen: ("IncidentSolutionChosen", ("measures",)),
    Incident.SolutionImplemented: ("IncidentSolutionImplemented", ()),
    Incident.Monitored: ("IncidentMonitored", ("outcome",)),
    Incident.Documented: ("IncidentDocumented", ()),
    Incident.TasksReturned: ("TasksReturned", ("from_technician_id", "task_ids")),
    Incident.Escalated: (
        "IncidentEscalated",
        ("level", "trigger", "missed_deadline", "next_deadline"),
    ),
}


def incident_publication(event: Any) -> Publication | Any | None:
    if isinstance(event, Incident.TasksRedistributed):
        return _redistribution(event)
    contract = next((c for cls, c in CONTRACTS.items() if isinstance(event, cls)), None)
    if contract is None:
        return NotImplemented
    name, fields = contract
    data = {"incident_id": str(event.originator_id), "technician_id": event.technician_id}
    data |= {field: _plain(getattr(event, field)) for field in fields}
    return Publication(name, data, municipality=event.municipality)


def _redistribution(event: Incident.TasksRedistributed) -> Publication:
    """For the task capability: whose open tasks go to whom, until when.
    The reason (a note on the technician's strain) stays in the store."""
    return Publication(
        "TasksRedistributed",
        {
            "incident_id": str(event.originator_id),
            "from_technician_id": event.technician_id,
            "to_technician_id": event.to_technician_id,
            "coordinator_id": event.coordinator_id,
            "until": event.until,
        },
        municipality=event.municipality,
    )


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple | list) else value
