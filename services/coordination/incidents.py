"""Incidents and difficulties (instrument F; guide chapter 4).

Pure domain, like ``domain.py`` and ``contracting.py``: no nameko, no
database. A difficulty of one of the six types of 4.2 is reported on a
standard form — by the technician, their coordinator or the head of their
SPAS — and then walked through the seven steps of 4.5, strictly in order:
identified → informed → cause analysed → solution chosen → implemented →
monitored → documented as an internal case study.

- The coordinator of the technician leads the steps; the SPAS head may too
  (step 2 of 4.5 brings a difficulty about the coordination itself to the
  superior), and the county admin once it has been escalated to them.
- Escalation (4.4.3): every incident has a resolution deadline. An incident
  whose solution is not implemented by then goes up one level — the SPAS
  head, then, after a further deadline, the county admin — never twice to
  the same level. Time is always an argument (an injectable clock).
- Burnout (4.2.6, case 4 of 4.6): the coordinator redistributes the
  technician's open tasks, for a short time, to another technician they also
  coordinate. The task sheets belong to another capability, so this is
  recorded here as a fact (``TasksRedistributed``, published) for that
  capability to act on.

R1 and reporting: a technician reports only under an active coordination
contract (their report goes to the coordinator who leads the steps);
without one, the head of their SPAS — the employer — reports and leads,
so no difficulty is left without a channel (principle 2 of 4.3).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from events.actor import SYSTEM, Actor, AuditedAggregate
from events.clock import days_after
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation

# 4.2.1–4.2.6, in the guide's order.
DIFFICULTY_TYPES = (
    "roles_and_competences",
    "communication",
    "sensitive_situations",  # with beneficiaries
    "ethics_and_integrity",
    "resources",
    "emotional_strain",
)
# 4.5, in order; the incident is resolved once its solution is implemented
# (no more escalation) and closed once documented as a case study.
STEPS = (
    "identified",
    "informed",
    "cause_analysed",
    "solution_chosen",
    "solution_implemented",
    "monitored",
    "documented",
)
RESOLVING_STEP = "solution_implemented"
CLOSING_STEP = "documented"
# Step 2 of 4.5: the coordinator, or — when the difficulty is about the
# coordination itself — the team or the superior.
INFORMED_PARTIES = ("coordinator", "team", "superior")
# Step 3 of 4.5 names unclear roles, lack of communication and beneficiary
# pressure; the rest come from the types of 4.2.
CAUSES = (
    "unclear_roles",
    "excessive_delegation",
    "lack_of_communication",
    "conflicting_information",
    "beneficiary_pressure",
    "confidentiality_misunderstanding",
    "ethical_dilemma",
    "workload",
    "lack_of_training",
    "lack_of_logistics",
    "emotional_impact_of_cases",
    "team_conflict",
    "other",
)
# Step 4 of 4.5 (redistribution, training, referral), the mechanisms of 4.4
# and the handling in the case studies of 4.6.
MEASURES = (
    "task_redistribution",
    "additional_training",
    "case_referral",
    "role_clarification",
    "joint_case_analysis",
    "legality_check",
    "supervision_meeting",
    "procedure_update",
    "psychological_support",
    "team_debriefing",
    "logistic_resources",
    "other",
)
OUTCOMES = ("resolved", "improved", "persists")  # step 6: effects of the solution
ESCALATION_LEVELS = ("spas_head", "county_admin")  # 4.4.3, in order
ESCALATION_TRIGGERS = ("deadline_missed", "manual")
DEFAULT_RESOLUTION_DAYS = 14
MAX_RESOLUTION_DAYS = 90
# Case 4: tasks are redistributed "pe termen scurt" — for a short time only.
MAX_REDISTRIBUTION_DAYS = 90
REDISTRIBUTABLE = ("emotional_strain",)


# -- errors ----------------------------------------------------------------
class InvalidIncident(InvalidCommand):
    code = "invalid_incident"


class UnknownIncident(NotFound):
    code = "incident_not_found"


class IncidentAccessDenied(Forbidden):
    code = "incident_access_denied"


class IncidentReadDenied(Forbidden):
    code = "incident_read_denied"


class IncidentStepOutOfOrder(Conflict):
    code = "incident_step_out_of_order"

    def __init__(self, incident_id: str, expected: str, given: str) -> None:
        super().__init__(
            f"the steps of 4.5 go in order: incident {incident_id} is at step "
            f"{STEPS.index(expected) + 1} ({expected}), not {STEPS.index(given) + 1} ({given})",
            expected=expected,
            given=given,
        )


class IncidentStepAlreadyRecorded(Conflict):
    code = "incident_step_already_recorded"


class IncidentClosed(Conflict):
    code = "incident_closed"


class IncidentAlreadyEscalated(Conflict):
    code = "incident_already_escalated"


class IncidentChangedConcurrently(Conflict):
    code = "incident_changed_concurrently"


class RedistributionNotApplicable(Conflict):
    code = "redistribution_not_applicable"


class TasksAlreadyRedistributed(Conflict):
    code = "tasks_already_redistributed"


class RedistributionOutsideSpas(Forbidden):
    code = "redistribution_outside_spas"


class IncidentRequiresCoordination(RuleViolation):
    code = "incident_requires_coordination"


class NotCoordinatedBySameCoordinator(RuleViolation):
    code = "not_coordinated_by_same_coordinator"


# -- guards ----------------------------------------------------------------
def check_code(value: str, vocabulary: tuple[str, ...], field: str) -> str:
    if value not in vocabulary:
        raise InvalidIncident(
            f"unknown {field} {value!r}; one of {', '.join(vocabulary)}", field=field
        )
    return value


def check_codes(values: Iterable[str], vocabulary: tuple[str, ...], field: str) -> list[str]:
    values = list(values)
    if not values:
        raise InvalidIncident(f"{field}: name at least one of {', '.join(vocabulary)}", field=field)
    if len(set(values)) != len(values):
        raise InvalidIncident(f"{field} lists a code twice", field=field)
    return [check_code(v, vocabulary, field) for v in values]


def check_text(value: str, field: str) -> str:
    if not value.strip():
        raise InvalidIncident(f"{field} must not be blank", field=field)
    return value.strip()


def check_resolution_days(days: int) -> int:
    if not 1 <= days <= MAX_RESOLUTION_DAYS:
        raise InvalidIncident(
            f"the resolution deadline is 1 to {MAX_RESOLUTION_DAYS} days, not {days}",
            field="resolution_days",
        )
    return days


def parse_moment(value: str, field: str = "now") -> datetime:
    """An ISO 8601 date-time with its offset: a deadline must not depend on
    the server's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidIncident(
            f"{field} must be an ISO date-time with offset (e.g. 2026-05-01T09:00:00+00:00), "
            f"got {value!r}",
            field=field,
        )
    return moment.astimezone(UTC)


def moment_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def check_may_report(
    actor: Actor, technician: dict[str, Any], coordination: dict[str, Any] | None
) -> None:
    """The technician (under coordination, R1), their coordinator or the head
    of their SPAS fills in the report form."""
    municipality = technician["municipality"]
    if actor.role == "spas_head" and actor.municipality == municipality:
        return
    coordinator = coordination["coordinator_id"] if coordination else None
    if actor.role == "social_worker" and coordinator is not None and actor.id == coordinator:
        return
    if actor.role == "technician" and actor.id == technician["staff_id"]:
        if coordination is None:
            raise IncidentRequiresCoordination(
                "R1",
                "a technician without an active coordination contract has no coordinator "
                "to report to; the head of their SPAS reports the difficulty",
                technician_id=technician["staff_id"],
            )
        return
    raise IncidentAccessDenied(
        f"a difficulty of technician {technician['staff_id']} is reported by the technician, "
        f"their coordinator or the head of their SPAS ({municipality}), not by this {actor.role}",
        role=actor.role,
    )


def check_may_run_escalation(actor: Actor) -> None:
    if actor.role not in (SYSTEM, "county_admin"):
        raise IncidentAccessDenied(
            f"overdue incidents are escalated by the system or a county admin, not a {actor.role}",
            role=actor.role,
        )


def check_may_read_about(
    actor: Actor, technician_id: str, municipality: str, coordinator_ids: Iterable[str | None]
) -> None:
    """The technician, their coordinator, their SPAS head, the county and
    auditors; nobody else (difficulties are discussed in a safe frame, 4.3)."""
    allowed = (
        actor.role in ("county_admin", "auditor", SYSTEM)
        or (actor.role == "spas_head" and actor.municipality == municipality)
        or (actor.role == "technician" and actor.id == technician_id)
        or (actor.role == "social_worker" and actor.id in set(coordinator_ids))
    )
    if not allowed:
        raise IncidentReadDenied(
            f"incidents of technician {technician_id} are read by the technician, their "
            "coordinator, their SPAS head, the county and auditors",
            technician_id=technician_id,
        )


def check_is_technician(staff: dict[str, Any], field: str) -> None:
    if staff["role"] != "technician" or not staff["active"]:
        raise InvalidIncident(f"{staff['staff_id']} is not an active technician", field=field)


# -- the aggregate ---------------------------------------------------------
class Incident(AuditedAggregate):
    """One report of a difficulty; its tenant is the technician's SPAS."""

    class Reported(Aggregate.Created, AuditedAggregate.Event):
        municipality: str
        technician_id: str
        coordinator_id: str | None  # at report time, None without a contract
        contract_id: str | None
        difficulty_type: str
        description: str
        reported_at: str
        resolution_days: int
        deadline: str

    class Fact(AuditedAggregate.Event):
        """Carried by every later event, so that the event alone names the
        tenant and the technician (the published contracts need both)."""

        municipality: str
        technician_id: str

    class Step(Fact):
        """A step of 4.5; ``step`` is its code in ``STEPS``."""

        step = ""

        def apply(self, incident: Incident) -> None:
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
            common = {f.name for f in dataclasses.fields(Incident.Fact)}
            return {
                f.name: getattr(self, f.name)
                for f in dataclasses.fields(self)
                if f.name not in common
            }

    class Identified(Step):
        step = "identified"
        difficulty_type: str  # confirmed, or corrected by who recognises it
        problem: str

        def apply(self, incident: Incident) -> None:
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

        def apply(self, incident: Incident) -> None:
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

        def apply(self, incident: Incident) -> None:
            incident.redistributions.append(
                {
                    "to_technician_id": self.to_technician_id,
                    "coordinator_id": self.coordinator_id,
                    "until": self.until,
                    "reason": self.reason,
                    "at": moment_text(self.timestamp),
                    "by": self.actor_id,
                }
            )

    class TasksReturned(Fact):
        """The redistribution ended (``until`` passed): the tasks still open
        went back from the colleague to the technician."""

        from_technician_id: str
        task_ids: list[str]

        def apply(self, incident: Incident) -> None:
            incident.redistributions[-1]["returned"] = True

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
        **_meta: str,
    ) -> None:
        self.municipality, self.technician_id = municipality, technician_id
        self.coordinator_id, self.contract_id = coordinator_id, contract_id
        self.difficulty_type, self.description = difficulty_type, description
        self.reported_at, self.resolution_days = reported_at, resolution_days
        self.deadline: str | None = deadline
        self.reporter_id, self.reporter_role = actor_id, actor_role
        self.steps: list[dict[str, Any]] = []
        self.escalation_level: str | None = None
        self.escalations: list[dict[str, Any]] = []
        self.redistributions: list[dict[str, Any]] = []

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
        resolution_days: int = DEFAULT_RESOLUTION_DAYS,
    ) -> Incident:
        """``technician`` is a registry view (staff_view), ``coordination``
        the technician's coordination today (``coordination_of``)."""
        check_is_technician(technician, "technician_id")
        check_may_report(actor, technician, coordination)
        days = check_resolution_days(resolution_days)
        return cls._create(
            cls.Reported,
            id=uuid.uuid4(),
            municipality=technician["municipality"],
            technician_id=technician["staff_id"],
            coordinator_id=coordination["coordinator_id"] if coordination else None,
            contract_id=coordination["contract_id"] if coordination else None,
            difficulty_type=check_code(difficulty_type, DIFFICULTY_TYPES, "difficulty_type"),
            description=check_text(description, "description"),
            reported_at=moment_text(now),
            resolution_days=days,
            deadline=moment_text(days_after(now, days)),
            **actor.event_fields(),
        )

    # -- state ---------------------------------------------------------------
    @property
    def done(self) -> list[str]:
        return [s["step"] for s in self.steps]

    @property
    def next_step(self) -> str | None:
        return STEPS[len(self.steps)] if len(self.steps) < len(STEPS) else None

    @property
    def resolved(self) -> bool:
        return RESOLVING_STEP in self.done

    @property
    def closed(self) -> bool:
        return CLOSING_STEP in self.done

    # -- the seven steps of 4.5 ------------------------------------------------
    def identify(
        self, actor: Actor, coordinator_id: str | None, difficulty_type: str, problem: str
    ) -> None:
        self._begin(actor, coordinator_id, "identified")
        self._record(
            self.Identified,
            actor,
            difficulty_type=check_code(difficulty_type, DIFFICULTY_TYPES, "difficulty_type"),
            problem=check_text(problem, "problem"),
        )

    def inform(
        self, actor: Actor, coordinator_id: str | None, informed_party: str, note: str
    ) -> None:
        self._begin(actor, coordinator_id, "informed")
        self._record(
            self.Informed,
            actor,
            informed_party=check_code(informed_party, INFORMED_PARTIES, "informed_party"),
            note=check_text(note, "note"),
        )

    def analyse_cause(
        self, actor: Actor, coordinator_id: str | None, causes: list[str], analysis: str
    ) -> None:
        self._begin(actor, coordinator_id, "cause_analysed")
        self._record(
            self.CauseAnalysed,
            actor,
            causes=check_codes(causes, CAUSES, "causes"),
            analysis=check_text(analysis, "analysis"),
        )

    def choose_solution(
        self, actor: Actor, coordinator_id: str | None, measures: list[str], solution: str
    ) -> None:
        self._begin(actor, coordinator_id, "solution_chosen")
        self._record(
            self.SolutionChosen,
            actor,
            measures=check_codes(measures, MEASURES, "measures"),
            solution=check_text(solution, "solution"),
        )

    def implement_solution(
        self, actor: Actor, coordinator_id: str | None, implementation: str
    ) -> None:
        self._begin(actor, coordinator_id, "solution_implemented")
        self._record(
            self.SolutionImplemented,
            actor,
            implementation=check_text(implementation, "implementation"),
        )

    def monitor(
        self, actor: Actor, coordinator_id: str | None, outcome: str, observations: str
    ) -> None:
        self._begin(actor, coordinator_id, "monitored")
        self._record(
            self.Monitored,
            actor,
            outcome=check_code(outcome, OUTCOMES, "outcome"),
            observations=check_text(observations, "observations"),
        )

    def document(
        self, actor: Actor, coordinator_id: str | None, case_study: str, lessons: str
    ) -> None:
        self._begin(actor, coordinator_id, "documented")
        self._record(
            self.Documented,
            actor,
            case_study=check_text(case_study, "case_study"),
            lessons=check_text(lessons, "lessons"),
        )

    # -- escalation (4.4.3) ------------------------------------------------------
    def escalate_if_overdue(self, actor: Actor, now: datetime) -> bool:
        """One level up when the deadline has passed with no solution in
        place; the escalation sets the next level's deadline."""
        if self.resolved or self.deadline is None or now <= parse_moment(self.deadline):
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
        reason = check_text(reason, "reason")
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
        level = self._next_level(floor)
        higher = ESCALATION_LEVELS.index(level) + 1 < len(ESCALATION_LEVELS)
        next_deadline = days_after(now, self.resolution_days) if higher else None
        self._record(
            self.Escalated,
            actor,
            level=level,
            trigger=trigger,
            missed_deadline=missed,
            next_deadline=moment_text(next_deadline) if next_deadline else None,
            as_of=moment_text(now),
            reason=reason,
        )

    def _next_level(self, floor: str | None) -> str:
        """The level above the current one (and above ``floor``)."""
        reached = [level for level in (self.escalation_level, floor) if level is not None]
        if not reached:
            return ESCALATION_LEVELS[0]
        position = max(ESCALATION_LEVELS.index(level) for level in reached) + 1
        if position == len(ESCALATION_LEVELS):
            raise IncidentAlreadyEscalated(
                f"incident {self.id} is already escalated to the {ESCALATION_LEVELS[-1]}, "
                "the highest level of 4.4.3",
                level=ESCALATION_LEVELS[-1],
            )
        return ESCALATION_LEVELS[position]

    # -- burnout: temporary redistribution (case 4 of 4.6) -----------------------
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
        ``receiver`` (a registry view), who must be a technician of the same
        SPAS under the same coordinator (R1: tasks are delegated only within
        a coordination)."""
        coordinator_id = coordination["coordinator_id"] if coordination else None
        self.check_may_lead(actor, coordinator_id)
        self.check_open()
        self._check_redistributable()
        delegator = self._check_receiver(receiver, coordinator_id, receiver_coordination)
        end = self._check_until(until, today)
        self._check_none_in_force(today)
        self._record(
            self.TasksRedistributed,
            actor,
            to_technician_id=receiver["staff_id"],
            coordinator_id=delegator,
            until=end.isoformat(),
            reason=check_text(reason, "reason"),
        )

    def _check_redistributable(self) -> None:
        if self.difficulty_type not in REDISTRIBUTABLE:
            raise RedistributionNotApplicable(
                "tasks are redistributed for emotional strain (case 4 of 4.6), not for a "
                f"difficulty of type {self.difficulty_type}",
                difficulty_type=self.difficulty_type,
            )
        if "identified" not in self.done:
            raise RedistributionNotApplicable(
                f"incident {self.id} is not identified yet (step 1 of 4.5)"
            )

    def _check_receiver(
        self,
        receiver: dict[str, Any],
        coordinator_id: str | None,
        receiver_coordination: dict[str, Any] | None,
    ) -> str:
        """The coordinator who delegated the tasks, once the receiver is
        found fit to take them over."""
        check_is_technician(receiver, "to_technician_id")
        if receiver["staff_id"] == self.technician_id:
            raise InvalidIncident(
                "the tasks go to another technician, not back to the same one",
                field="to_technician_id",
            )
        if receiver["municipality"] != self.municipality:
            raise RedistributionOutsideSpas(
                f"the tasks belong to the SPAS of {self.municipality}; technician "
                f"{receiver['staff_id']} works for another SPAS",
                municipality=receiver["municipality"],
            )
        if coordinator_id is None:
            raise NotCoordinatedBySameCoordinator(
                "R1",
                f"technician {self.technician_id} has no active coordination, so no "
                "delegated tasks to redistribute",
            )
        receiving = receiver_coordination["coordinator_id"] if receiver_coordination else None
        if receiving != coordinator_id:
            raise NotCoordinatedBySameCoordinator(
                "R1",
                f"technician {receiver['staff_id']} is not under active coordination by "
                f"{coordinator_id}, who delegated the tasks",
                to_technician_id=receiver["staff_id"],
            )
        return coordinator_id

    @staticmethod
    def _check_until(until: str, today: date) -> date:
        try:
            end = date.fromisoformat(until)
        except ValueError:
            raise InvalidIncident(
                f"until must be a date (YYYY-MM-DD), got {until!r}", field="until"
            ) from None
        if not today < end <= today + timedelta(days=MAX_REDISTRIBUTION_DAYS):
            raise InvalidIncident(
                f"a redistribution is temporary: until must fall after {today} and within "
                f"{MAX_REDISTRIBUTION_DAYS} days, not {until}",
                field="until",
            )
        return end

    def redistribution_due_back(self, today: date) -> dict[str, Any] | None:
        """The redistribution whose time is over and whose tasks are still
        with the colleague, if any."""
        if not self.redistributions:
            return None
        last = self.redistributions[-1]
        if last.get("returned") or date.fromisoformat(last["until"]) >= today:
            return None
        return last

    def record_tasks_returned(self, actor: Actor, task_ids: list[str]) -> None:
        last = self.redistributions[-1]
        self.trigger_event(
            self.TasksReturned,
            from_technician_id=last["to_technician_id"],
            task_ids=task_ids,
            municipality=self.municipality,
            technician_id=self.technician_id,
            **actor.event_fields(),
        )

    def _check_none_in_force(self, today: date) -> None:
        for earlier in self.redistributions:
            if date.fromisoformat(earlier["until"]) >= today:
                raise TasksAlreadyRedistributed(
                    f"the tasks of technician {self.technician_id} are already redistributed "
                    f"until {earlier['until']}",
                    until=earlier["until"],
                )

    # -- guards --------------------------------------------------------------------
    def check_may_lead(self, actor: Actor, coordinator_id: str | None) -> None:
        """The technician's coordinator today leads the steps; the SPAS head
        (the superior of step 2) may, and so may the county admin once the
        incident has been escalated to them."""
        allowed = (
            (actor.role == "social_worker" and actor.id == coordinator_id)
            or (actor.role == "spas_head" and actor.municipality == self.municipality)
            or (actor.role == "county_admin" and self.escalation_level == "county_admin")
        )
        if not allowed:
            raise IncidentAccessDenied(
                f"the steps of incident {self.id} are led by the coordinator of technician "
                f"{self.technician_id} or the head of their SPAS ({self.municipality}), "
                f"not by this {actor.role}",
                role=actor.role,
            )

    def check_open(self) -> None:
        if self.closed:
            raise IncidentClosed(f"incident {self.id} is documented as a case study and closed")

    def check_may_read(self, actor: Actor, coordinator_id: str | None) -> None:
        if actor.id == self.reporter_id:
            return
        check_may_read_about(
            actor, self.technician_id, self.municipality, (self.coordinator_id, coordinator_id)
        )

    def _begin(self, actor: Actor, coordinator_id: str | None, step: str) -> None:
        self.check_may_lead(actor, coordinator_id)
        if step in self.done:
            raise IncidentStepAlreadyRecorded(
                f"step {STEPS.index(step) + 1} of 4.5 ({step}) is already recorded for "
                f"incident {self.id}",
                step=step,
            )
        expected = self.next_step
        assert expected is not None  # every step done means this one too
        if step != expected:
            raise IncidentStepOutOfOrder(str(self.id), expected, step)

    def _record(self, event_class: type[Incident.Fact], actor: Actor, **fields: Any) -> None:
        self.trigger_event(
            event_class,
            municipality=self.municipality,
            technician_id=self.technician_id,
            **fields,
            **actor.event_fields(),
        )
