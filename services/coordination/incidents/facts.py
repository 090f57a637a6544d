"""The events of an incident (instrument F), declared once: each becomes
``Incident.<Name>`` on the aggregate (``domain.py``), which is its stored
topic; the seven steps of 4.5 share one ``apply``.

Pure: attribute names are the stored state of every event already written,
so they do not change.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from eventsourcing.domain import Aggregate

from events.actor import AuditedAggregate
from services.coordination.incidents.rules import moment_text


class Reported(Aggregate.Created, AuditedAggregate.Event):
    municipality: str
    technician_id: str
    coordinator_id: str | None  # at report time, None without a contract
    contract_id: str | None
    difficulty_type: str
    description: str
    reported_at: str
    resolution_days: int  # whole days, rounded up (the deadline is exact)
    deadline: str
    resolution_hours: int | None = None  # None: stored in days (resolution_days × 24)
    # 4.5 step 2: the difficulty concerns the coordinator (led by the SPAS
    # head, hidden from the coordinator until the head shares it); reports
    # stored before item 9 were not
    about_coordinator: bool = False
    # what the platform detected and raised (an INCIDENT_CAUSES code: 4.2.1
    # excessive delegation, from the tasks); None when a person reported it
    detected: str | None = None


class Fact(AuditedAggregate.Event):
    """Carried by every later event, so that the event alone names the
    tenant and the technician (the published contracts need both)."""

    municipality: str
    technician_id: str


class Stepped(Protocol):
    """What a step changes: the incident's list of steps (and its type)."""

    steps: list[dict[str, Any]]
    difficulty_type: str


class Step(Fact):
    """A step of 4.5; ``step`` is its code in ``STEPS``. The seven share
    this one ``apply`` (their fields are what the guide asks at each step),
    which is why they are triggered as classes, not through ``@event``."""

    step = ""

    def apply(self, incident: Stepped) -> None:
        incident.steps.append(
            {
                "step": self.step,
                "by": self.actor_id,
                "by_role": self.actor_role,
                "at": moment_text(self.timestamp),
                **self.details(),
            }
        )

    def details(self) -> dict[str, Any]:
        """What the guide asks for at this step: the fields of the
        concrete step beyond those every incident event has."""
        common = {f.name for f in dataclasses.fields(Fact)}
        return {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in common
        }


class Identified(Step):
    step = "identified"
    difficulty_type: str  # confirmed, or corrected by who recognises it
    problem: str

    def apply(self, incident: Stepped) -> None:
        super().apply(incident)
        incident.difficulty_type = self.difficulty_type


class Informed(Step):
    step = "informed"
    informed_party: str
    note: str


class CauseAnalysed(Step):
    step = "cause_analysed"
    causes: list[str]
    analysis: str


class SolutionChosen(Step):
    step = "solution_chosen"
    measures: list[str]
    solution: str


class SolutionImplemented(Step):
    step = "solution_implemented"
    implementation: str


class Monitored(Step):
    step = "monitored"
    outcome: str
    observations: str


class Documented(Step):
    step = "documented"
    case_study: str  # the internal case study (step 7)
    lessons: str


class Escalated(Fact):
    level: str
    trigger: str
    missed_deadline: str | None
    next_deadline: str | None  # None at the highest level
    as_of: str  # the moment the deadline was judged by (the injected clock)
    reason: str

    def apply(self, incident: Any) -> None:
        incident.escalation_level, incident.deadline = self.level, self.next_deadline
        incident.escalations.append(
            {
                "level": self.level,
                "trigger": self.trigger,
                "as_of": self.as_of,
                "by": self.actor_id,
                "missed_deadline": self.missed_deadline,
                "reason": self.reason,
            }
        )


class TasksRedistributed(Fact):
    """The technician's open tasks go to ``to_technician_id`` until
    ``until``; the task capability acts on the published event."""

    to_technician_id: str
    coordinator_id: str
    until: str
    reason: str


class TasksReturned(Fact):
    """The redistribution ended (``until`` passed): the tasks still open
    went back from the colleague to the technician."""

    from_technician_id: str
    task_ids: list[str]

    def apply(self, incident: Any) -> None:
        incident.redistributions[-1]["returned"] = True


class SharedWithCoordinator(Fact):
    """4.5 step 2: the SPAS head decided that the coordinator a difficulty
    concerns may now read it (the head still leads it)."""

    note: str
    # whom it was shared with, for those who tell them (the notifications
    # service); events stored before it was carried have none
    coordinator_id: str | None = None

    def apply(self, incident: Any) -> None:
        incident.shared_with_coordinator = True
