"""Incidents and difficulties (instrument F; guide chapter 4): the
``Incident`` aggregate, one report walked through the seven steps of 4.5,
escalated when it stays unresolved (4.4.3), and the tasks redistributed
where the workload is the cause (4.5 step 4; the package's docstring tells
the whole story).

Pure domain; the rules that need no incident are in ``rules.py``, the steps
in ``steps.py``, deadlines in ``deadlines.py``, the workload's in
``workload.py``, codes in the vocabulary.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeAlias

from eventsourcing.domain import event

from events.actor import Actor, AuditedAggregate
from events.topics import moved
from events.vocabulary.coordination import (
    DIFFICULTY_TYPES,
    INCIDENT_CAUSES,
    INCIDENT_MEASURES,
    INCIDENT_OUTCOMES,
    INFORMED_PARTIES,
)
from services.coordination.incidents import deadlines as county
from services.coordination.incidents import facts, rules, steps, workload


class Incident(AuditedAggregate):
    """One report of a difficulty; its tenant is the technician's SPAS."""

    # declared in facts.py; the library makes each the aggregate's own
    # subclass, Incident.<Name>, which is what its stored topic names
    Reported: TypeAlias = facts.Reported
    Fact: TypeAlias = facts.Fact
    Step: TypeAlias = facts.Step
    Identified: TypeAlias = facts.Identified
    Informed: TypeAlias = facts.Informed
    CauseAnalysed: TypeAlias = facts.CauseAnalysed
    SolutionChosen: TypeAlias = facts.SolutionChosen
    SolutionImplemented: TypeAlias = facts.SolutionImplemented
    Monitored: TypeAlias = facts.Monitored
    Documented: TypeAlias = facts.Documented
    Escalated: TypeAlias = facts.Escalated
    TasksRedistributed: TypeAlias = facts.TasksRedistributed
    TasksReturned: TypeAlias = facts.TasksReturned
    SharedWithCoordinator: TypeAlias = facts.SharedWithCoordinator

    def __init__(
        self,
        municipality: str,
        technician_id: str,
        coordinator_id: str | None,
        contract_id: str | None,
        difficulty_type: str,
        description: str,
        reported_at: str,
        resolution_days: int,
        deadline: str,
        actor_id: str,
        actor_role: str,
        resolution_hours: int | None = None,
        about_coordinator: bool = False,
        detected: str | None = None,
        **_meta: str,
    ) -> None:
        self.municipality, self.technician_id = municipality, technician_id
        self.coordinator_id, self.contract_id = coordinator_id, contract_id
        self.difficulty_type, self.description = difficulty_type, description
        self.reported_at, self.resolution_days = reported_at, resolution_days
        self.resolution_hours = resolution_hours or resolution_days * rules.DAY
        self.deadline: str | None = deadline
        self.reporter_id, self.reporter_role = actor_id, actor_role
        self.steps: list[dict[str, Any]] = []
        self.escalation_level: str | None = None
        self.escalations: list[dict[str, Any]] = []
        self.redistributions: list[dict[str, Any]] = []
        self.about_coordinator, self.shared_with_coordinator = about_coordinator, False
        self.detected = detected

    @classmethod
    def report(
        cls,
        actor: Actor,
        *,
        technician: dict[str, Any],
        coordination: dict[str, Any] | None,
        difficulty_type: str,
        description: str,
        now: datetime,
        deadlines: Mapping[str, int] = county.DEFAULT_DEADLINE_HOURS,
        resolution_hours: int | None = None,
        about_coordinator: bool = False,
        detected: str | None = None,
    ) -> Incident:
        """``technician``: staff_view; ``coordination``: ``coordination_of``
        today; the deadline is the county's for the type, or shorter.
        ``about_coordinator``: the difficulty concerns the coordinator (4.5 step 2)."""
        rules.check_is_technician(technician, "technician_id")
        rules.check_may_report(actor, technician, coordination)
        rules.check_about_coordinator(actor, coordination, about_coordinator)
        kind = rules.check_code(difficulty_type, DIFFICULTY_TYPES, "difficulty_type")
        hours = county.check_resolution_hours(resolution_hours, deadlines[kind])
        return cls._create(
            cls.Reported,
            id=uuid.uuid4(),
            municipality=technician["municipality"],
            technician_id=technician["staff_id"],
            coordinator_id=coordination["coordinator_id"] if coordination else None,
            contract_id=coordination["contract_id"] if coordination else None,
            difficulty_type=kind,
            description=rules.check_text(description, "description"),
            reported_at=rules.moment_text(now),
            resolution_days=-(-hours // rules.DAY),
            resolution_hours=hours,
            deadline=rules.moment_text(rules.deadline_after(now, hours)),
            about_coordinator=about_coordinator,
            detected=detected,
            **actor.event_fields(),
        )

    # -- state ---------------------------------------------------------------
    @property
    def done(self) -> list[str]:
        return [s["step"] for s in self.steps]

    @property
    def next_step(self) -> str | None:
        return steps.STEPS[len(self.steps)] if len(self.steps) < len(steps.STEPS) else None

    @property
    def resolved(self) -> bool:
        return steps.RESOLVING_STEP in self.done

    @property
    def closed(self) -> bool:
        return steps.CLOSING_STEP in self.done

    # -- the seven steps of 4.5 ------------------------------------------------
    def identify(
        self, actor: Actor, coordinator_id: str | None, difficulty_type: str, problem: str
    ) -> None:
        self._begin(actor, coordinator_id, "identified")
        self._record(
            self.Identified,
            actor,
            difficulty_type=rules.check_code(difficulty_type, DIFFICULTY_TYPES, "difficulty_type"),
            problem=rules.check_text(problem, "problem"),
        )

    def inform(
        self, actor: Actor, coordinator_id: str | None, informed_party: str, note: str
    ) -> None:
        self._begin(actor, coordinator_id, "informed")
        self._record(
            self.Informed,
            actor,
            informed_party=rules.check_code(informed_party, INFORMED_PARTIES, "informed_party"),
            note=rules.check_text(note, "note"),
        )

    def analyse_cause(
        self, actor: Actor, coordinator_id: str | None, causes: list[str], analysis: str
    ) -> None:
        self._begin(actor, coordinator_id, "cause_analysed")
        self._record(
            self.CauseAnalysed,
            actor,
            causes=rules.check_codes(causes, INCIDENT_CAUSES, "causes"),
            analysis=rules.check_text(analysis, "analysis"),
        )

    def choose_solution(
        self, actor: Actor, coordinator_id: str | None, measures: list[str], solution: str
    ) -> None:
        self._begin(actor, coordinator_id, "solution_chosen")
        if "task_redistribution" in measures:  # a solution only where it answers (4.5 step 4)
            workload.check_redistributable(str(self.id), self.difficulty_type, self.steps)
        self._record(
            self.SolutionChosen,
            actor,
            measures=rules.check_codes(measures, INCIDENT_MEASURES, "measures"),
            solution=rules.check_text(solution, "solution"),
        )

    def implement_solution(
        self, actor: Actor, coordinator_id: str | None, implementation: str
    ) -> None:
        self._begin(actor, coordinator_id, "solution_implemented")
        self._record(
            self.SolutionImplemented,
            actor,
            implementation=rules.check_text(implementation, "implementation"),
        )

    def monitor(
        self, actor: Actor, coordinator_id: str | None, outcome: str, observations: str
    ) -> None:
        self._begin(actor, coordinator_id, "monitored")
        self._record(
            self.Monitored,
            actor,
            outcome=rules.check_code(outcome, INCIDENT_OUTCOMES, "outcome"),
            observations=rules.check_text(observations, "observations"),
        )

    def document(
        self, actor: Actor, coordinator_id: str | None, case_study: str, lessons: str
    ) -> None:
        self._begin(actor, coordinator_id, "documented")
        self._record(
            self.Documented,
            actor,
            case_study=rules.check_text(case_study, "case_study"),
            lessons=rules.check_text(lessons, "lessons"),
        )

    # -- escalation (4.4.3) ------------------------------------------------------
    def escalate_if_overdue(self, actor: Actor, now: datetime) -> bool:
        """One level up when the deadline passed with no solution in place."""
        if self.resolved or self.deadline is None or now <= rules.parse_moment(self.deadline):
            return False
        self._escalate(actor, now, "deadline_missed", self.deadline, "")
        return True

    def escalate(
        self, actor: Actor, coordinator_id: str | None, reason: str, now: datetime
    ) -> None:
        """By who leads the steps, before the deadline (a difficulty beyond
        the coordination's reach); always exactly one level up."""
        self.check_may_lead(actor, coordinator_id)
        self.check_open()
        reason = rules.check_text(reason, "reason")
        # the SPAS head escalates beyond themselves, to the county
        floor = "spas_head" if actor.role == "spas_head" else None
        self._escalate(actor, now, "manual", None, reason, floor)

    def _escalate(
        self,
        actor: Actor,
        now: datetime,
        trigger: str,
        missed: str | None,
        reason: str,
        floor: str | None = None,
    ) -> None:
        # a difficulty about the coordinator starts at the SPAS head (4.5 step 2)
        reached = (self.escalation_level, floor, "spas_head" if self.about_coordinator else None)
        level, deadline = rules.escalation(str(self.id), reached, now, self.resolution_hours)
        self.trigger_event(
            self.Escalated,
            level=level,
            trigger=trigger,
            missed_deadline=missed,
            next_deadline=deadline,
            as_of=rules.moment_text(now),
            reason=reason,
            **self._fact(actor),
        )

    # -- temporary redistribution where the workload is the cause (4.5 step 4) ----
    def redistribute_tasks(
        self,
        actor: Actor,
        coordination: dict[str, Any] | None,
        receiver: dict[str, Any],
        receiver_coordination: dict[str, Any] | None,
        until: str,
        reason: str,
        today: date,
    ) -> None:
        """Records that the technician's open tasks go, until ``until``, to
        ``receiver`` (a registry view; ``rules.check_receiver``)."""
        coordinator_id = coordination["coordinator_id"] if coordination else None
        self.check_may_lead(actor, coordinator_id)
        self.check_open()
        workload.check_redistributable(str(self.id), self.difficulty_type, self.steps)
        delegator = rules.check_receiver(
            self.technician_id, self.municipality, receiver, coordinator_id, receiver_coordination
        )
        end = rules.check_until(until, today)
        rules.check_none_in_force(self.technician_id, self.redistributions, today)
        self._tasks_redistributed(
            to_technician_id=receiver["staff_id"],
            coordinator_id=delegator,
            until=end.isoformat(),
            reason=rules.check_text(reason, "reason"),
            **self._fact(actor),
        )

    def record_tasks_returned(self, actor: Actor, task_ids: list[str]) -> None:
        last = self.redistributions[-1]
        self.trigger_event(
            self.TasksReturned,
            from_technician_id=last["to_technician_id"],
            task_ids=task_ids,
            **self._fact(actor),
        )

    # -- guards --------------------------------------------------------------------
    def check_may_lead(self, actor: Actor, coordinator_id: str | None) -> None:
        self.check_not_hidden_from(actor)
        rules.check_may_lead(
            actor, str(self.id), self.municipality, self.escalation_level, coordinator_id,
            self.about_coordinator,
        )  # fmt: skip

    # -- a difficulty about the coordinator (4.5 step 2) ---------------------------
    def share_with_coordinator(self, actor: Actor, coordinator_id: str | None, note: str) -> None:
        """The SPAS head's decision: the coordinator may now read it."""
        self.check_may_lead(actor, coordinator_id)
        if not self.about_coordinator or self.shared_with_coordinator:
            raise rules.IncidentNotHidden(
                f"incident {self.id} is not hidden from the coordinator", incident_id=str(self.id)
            )
        note = rules.check_text(note, "note")
        shared = {"note": note, "coordinator_id": self.coordinator_id}  # whom: for the notices
        self.trigger_event(self.SharedWithCoordinator, **shared, **self._fact(actor))

    def check_not_hidden_from(self, actor: Actor) -> None:
        """Hidden is as if it were not there: not found, rather than a
        refusal that would tell the coordinator what it is about."""
        if self.hidden_from(actor):
            raise rules.UnknownIncident(f"no incident {self.id}", incident_id=str(self.id))

    def hidden_from(self, actor: Actor) -> bool:
        """Hidden from the coordinator it concerns until the head shares it."""
        return (
            self.about_coordinator
            and not self.shared_with_coordinator
            and actor.role == "social_worker"
            and actor.id == self.coordinator_id
        )

    def check_open(self) -> None:
        if self.closed:
            raise rules.IncidentClosed(
                f"incident {self.id} is documented as a case study and closed"
            )

    def check_may_read(self, actor: Actor, coordinator_id: str | None) -> None:
        if actor.id == self.reporter_id:
            return
        self.check_not_hidden_from(actor)
        rules.check_may_read_about(
            actor, self.technician_id, self.municipality, (self.coordinator_id, coordinator_id)
        )

    def _begin(self, actor: Actor, coordinator_id: str | None, step: str) -> None:
        self.check_may_lead(actor, coordinator_id)
        rules.check_next_step(str(self.id), self.done, step)

    def _fact(self, actor: Actor) -> dict[str, Any]:
        """What every event after the report carries (``Fact``), and who."""
        return {
            "municipality": self.municipality,
            "technician_id": self.technician_id,
            **actor.event_fields(),
        }

    def _record(self, step: type[Incident.Step], actor: Actor, **fields: Any) -> None:
        """A step of 4.5 (``facts.Step``: one ``apply`` for the seven)."""
        self.trigger_event(step, **fields, **self._fact(actor))

    # -- what the other events change (run again when the incident is loaded) -----
    @event(TasksRedistributed)
    def _tasks_redistributed(
        self,
        to_technician_id: str,
        coordinator_id: str,
        until: str,
        reason: str,
        municipality: str,
        technician_id: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
        timestamp: datetime | None = None,  # the event's own, when it is applied
    ) -> None:
        assert timestamp is not None
        self.redistributions.append(
            {
                "to_technician_id": to_technician_id,
                "coordinator_id": coordinator_id,
                "until": until,
                "reason": reason,
                "at": rules.moment_text(timestamp),
                "by": actor_id,
            }
        )


moved("services.coordination.incidents:Incident", Incident)  # stored before ADR 0016
