"""The case record (DESIGN §4, guide 2.3): a beneficiary of one municipality
on the path referred → initial_evaluation → opened → assessment →
intervention_plan → intervention ⇄ monitoring → closed → follow_up →
archived.

Pure domain. Opening, the social diagnosis, the intervention plan (PII),
decisions, closure and archiving are the social worker's (R2); closure
schedules the follow-up 3–6 months later (R8). The beneficiary's identity and
every free text about them arrive here already sealed (``personal.py``): the
case holds tokens, never the plain data.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate

from events.actor import AuditedAggregate
from events.clock import add_months
from events.errors import RuleViolation
from events.team import Team
from events.vocabulary import CATEGORIES
from services.cases.competence import (
    CaseAccessDenied,
    InvalidCaseCommand,
    NoActiveCoordination,
    StageConflict,
    check_field_work,
    check_social_worker_act,
    check_under_coordination,
)

STAGES = (
    "referred",
    "initial_evaluation",
    "opened",
    "assessment",
    "intervention_plan",
    "intervention",
    "monitoring",
    "closed",
    "follow_up",
    "archived",
)
# The allowed moves; anything else is a skipped or repeated step.
NEXT: dict[str, tuple[str, ...]] = {
    "referred": ("initial_evaluation",),
    "initial_evaluation": ("opened", "closed"),  # closed: not opened
    "opened": ("assessment",),
    "assessment": ("intervention_plan",),
    "intervention_plan": ("intervention",),
    "intervention": ("monitoring", "closed"),
    "monitoring": ("intervention", "closed"),
    "closed": ("follow_up", "archived"),
    "follow_up": ("archived",),
    "archived": (),
}
ACTIVE = ("opened", "assessment", "intervention_plan", "intervention", "monitoring")
PLAN_STAGES = ("assessment", "intervention_plan", "intervention", "monitoring")
REFERRAL_SOURCES = (
    "self",
    "family",
    "family_doctor",
    "hospital",
    "school",
    "police",
    "neighbours",
    "field_identification",
    "other_institution",
)
BENEFICIARY_KINDS = ("person", "family")
DECISIONS = (
    "service_recommendation",
    "programme_inclusion",
    "protective_measure",
    "referral_to_service",
    "benefit_recommendation",
    "other",
)
CLOSURE_OUTCOMES = ("plan_achieved", "referral", "transfer", "not_opened")
RISK_LEVELS = ("low", "medium", "high")
# whose task an objective of the intervention plan is
RESPONSIBLE = ("social_worker", "technician", "beneficiary", "family", "institution")


def check_categories(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - set(CATEGORIES))
    if unknown:
        raise InvalidCaseCommand(
            f"unknown vulnerability categories: {', '.join(unknown)}", field="categories"
        )
    if not values:
        raise InvalidCaseCommand(
            "a case has at least one vulnerability category", field="categories"
        )
    return sorted(set(values), key=CATEGORIES.index)


def check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidCaseCommand(
            f"{field} is one of {', '.join(allowed)}, not {value!r}", field=field
        )
    return value


class FollowUpOutsideWindow(RuleViolation):
    code = "follow_up_outside_window"


def check_follow_up_window(from_months: int, until_months: int) -> None:
    """R8 with R7: follow-up lies within 3–6 months of closure; closing a
    case with a shorter one is closing it prematurely."""
    if not 3 <= from_months <= until_months <= 6:
        raise FollowUpOutsideWindow(
            "R8",
            f"follow-up lies 3–6 months after closure (got {from_months}–{until_months} months)",
            field="follow_up_months",
        )


class Case(AuditedAggregate):
    class Referred(Aggregate.Created, AuditedAggregate.Event):
        municipality: str
        beneficiary_id: str
        beneficiary_kind: str
        personal: str  # sealed identity (name, CNP, address, contact)
        categories: list[str]
        referral_source: str
        referral_note: str  # sealed
        technicians: list[str]
        social_worker_id: str

    class StageChanged(AuditedAggregate.Event):
        """Every step of the path; ``record`` (sealed) holds what the step
        established: findings, rationale, diagnosis."""

        stage: str
        record: str | None

        def apply(self, case: Case) -> None:
            case.stage = self.stage
            case.history.append(self.stage)

    class InitialEvaluationRecorded(StageChanged):
        pass

    class Opened(StageChanged):
        pass

    class Diagnosed(StageChanged):
        needs: list[str]
        risk_level: str

    class PlanVersioned(AuditedAggregate.Event):
        """A version of the individual intervention plan (PII): version 1
        moves the case to ``intervention_plan``; later ones revise it."""

        version: int
        plan: str  # sealed objectives, indicators, responsibilities
        objectives: int
        next_deadline: str
        responsible: list[str]

        def apply(self, case: Case) -> None:
            case.plan_version = self.version
            case.plans.append(self.plan)
            if case.stage == "assessment":
                case.stage = "intervention_plan"
                case.history.append("intervention_plan")

    class InterventionStarted(StageChanged):
        pass

    class MonitoringStarted(StageChanged):
        pass

    class DecisionRecorded(AuditedAggregate.Event):
        decision: str
        rationale: str  # sealed

        def apply(self, case: Case) -> None:
            case.decisions.append(self.decision)

    class TechnicianAssigned(AuditedAggregate.Event):
        technician_id: str

        def apply(self, case: Case) -> None:
            case.technicians.append(self.technician_id)

    class TechnicianReleased(AuditedAggregate.Event):
        technician_id: str

        def apply(self, case: Case) -> None:
            case.technicians.remove(self.technician_id)

    class Closed(StageChanged):
        outcome: str
        destination: str | None
        final_report_id: str | None
        follow_up_from: str | None
        follow_up_until: str | None

        def apply(self, case: Case) -> None:
            super().apply(case)
            case.outcome = self.outcome
            case.follow_up = (
                (self.follow_up_from, self.follow_up_until) if self.follow_up_from else None
            )

    class FollowUpBegun(StageChanged):
        pass

    class Archived(StageChanged):
        pass

    def __init__(
        self,
        municipality: str,
        beneficiary_id: str,
        beneficiary_kind: str,
        personal: str,
        categories: list[str],
        referral_source: str,
        referral_note: str,
        technicians: list[str],
        social_worker_id: str,
        **_meta: str,
    ) -> None:
        self.municipality, self.beneficiary_id = municipality, beneficiary_id
        self.beneficiary_kind, self.personal = beneficiary_kind, personal
        self.categories, self.referral_source = list(categories), referral_source
        self.referral_note = referral_note
        self.technicians, self.social_worker_id = list(technicians), social_worker_id
        self.stage = "referred"
        self.history = ["referred"]
        self.plan_version = 0
        self.plans: list[str] = []
        self.decisions: list[str] = []
        self.outcome: str | None = None
        self.follow_up: tuple[str, str] | None = None

    # -- referral ----------------------------------------------------------
    @classmethod
    def refer(
        cls,
        team: Team,
        *,
        municipality: str,
        beneficiary_id: str,
        beneficiary_kind: str,
        personal: str,
        categories: list[str],
        referral_source: str,
        referral_note: str,
        technicians: list[str],
    ) -> Case:
        """A technician refers what they identified in the field (R3: data
        collection), for their coordinator; a social worker refers a case
        they take on, with technicians they coordinate."""
        check_under_coordination(team)
        check_choice(beneficiary_kind, BENEFICIARY_KINDS, "beneficiary_kind")
        check_choice(referral_source, REFERRAL_SOURCES, "referral_source")
        if team.role == "technician":
            assert team.coordination is not None
            if municipality != team.municipality:
                raise CaseAccessDenied(
                    "a technician refers cases of their own municipality only",
                    municipality=municipality,
                )
            technicians = sorted({team.id, *technicians})
            social_worker_id = team.coordination.coordinator_id
        elif team.role == "social_worker":
            social_worker_id = team.id
        else:
            raise CaseAccessDenied(
                "cases are referred by a technician or a social worker", role=team.role
            )
        for technician_id in technicians:
            check_may_join(team, technician_id, municipality, social_worker_id)
        return cls._create(
            cls.Referred,
            id=uuid.uuid4(),
            municipality=municipality,
            beneficiary_id=beneficiary_id,
            beneficiary_kind=beneficiary_kind,
            personal=personal,
            categories=check_categories(categories),
            referral_source=referral_source,
            referral_note=referral_note,
            technicians=sorted(set(technicians)),
            social_worker_id=social_worker_id,
            **team.actor.event_fields(),
        )

    # -- the path ------------------------------------------------------------
    def record_initial_evaluation(self, team: Team, findings: str) -> None:
        """A summary investigation: collecting data is the technician's (R3),
        so the case's technicians and its social worker both may."""
        check_field_work(team, self, "record the initial evaluation", coordinator_too=True)
        self._move(team, self.InitialEvaluationRecorded, "initial_evaluation", record=findings)

    def open(self, team: Team, rationale: str) -> None:
        check_social_worker_act(team, self, "open_case")
        self._move(team, self.Opened, "opened", record=rationale)

    def diagnose(self, team: Team, diagnosis: str, needs: list[str], risk_level: str) -> None:
        check_social_worker_act(team, self, "social_diagnosis")
        check_choice(risk_level, RISK_LEVELS, "risk_level")
        if not needs:
            raise InvalidCaseCommand("name the needs the diagnosis found", field="needs")
        self._move(
            team,
            self.Diagnosed,
            "assessment",
            record=diagnosis,
            needs=sorted(set(needs)),
            risk_level=risk_level,
        )

    def version_plan(self, team: Team, plan: str, objectives: list[dict[str, Any]]) -> None:
        """The PII is written and revised by the social worker only (R2):
        first after the diagnosis, then while the intervention runs."""
        check_social_worker_act(team, self, "write_intervention_plan")
        first = self.plan_version == 0
        when = "drawn up after the social diagnosis" if first else "revised during the intervention"
        if (first and self.stage != "assessment") or (not first and self.stage not in PLAN_STAGES):
            raise StageConflict(
                f"an intervention plan is {when}; the case is {self.stage}",
                stage=self.stage,
                case_id=str(self.id),
            )
        if not objectives:
            raise InvalidCaseCommand("a plan has at least one objective", field="objectives")
        for o in objectives:
            check_choice(o["responsible"], RESPONSIBLE, "objectives.responsible")
        self.trigger_event(
            self.PlanVersioned,
            version=self.plan_version + 1,
            plan=plan,
            objectives=len(objectives),
            next_deadline=min(o["deadline"] for o in objectives),
            responsible=sorted({o["responsible"] for o in objectives}),
            **team.actor.event_fields(),
        )

    def start_intervention(self, team: Team, note: str | None) -> None:
        check_social_worker_act(team, self, "start_intervention")
        self._move(team, self.InterventionStarted, "intervention", record=note)

    def start_monitoring(self, team: Team, note: str | None) -> None:
        check_social_worker_act(team, self, "start_monitoring")
        self._move(team, self.MonitoringStarted, "monitoring", record=note)

    def record_decision(self, team: Team, decision: str, rationale: str) -> None:
        check_social_worker_act(team, self, "professional_decision")
        check_choice(decision, DECISIONS, "decision")
        if self.stage not in ACTIVE:
            raise StageConflict(
                f"decisions are taken on an open case; the case is {self.stage}",
                stage=self.stage,
                case_id=str(self.id),
            )
        self.trigger_event(
            self.DecisionRecorded,
            decision=decision,
            rationale=rationale,
            **team.actor.event_fields(),
        )

    def close(
        self,
        team: Team,
        *,
        outcome: str,
        rationale: str,
        today: date,
        destination: str | None = None,
        final_report_id: str | None = None,
        follow_up_months: tuple[int, int] | None = None,
    ) -> None:
        """R8: closure is the social worker's, and (unless the case was never
        opened) schedules the follow-up 3–6 months later."""
        check_social_worker_act(team, self, "close_case")
        check_choice(outcome, CLOSURE_OUTCOMES, "outcome")
        if (outcome == "not_opened") != (self.stage == "initial_evaluation"):
            raise StageConflict(
                "a case is closed as not_opened after its initial evaluation, and any other "
                f"way once the intervention ran; the case is {self.stage}",
                stage=self.stage,
                case_id=str(self.id),
            )
        if outcome in ("referral", "transfer") and not (destination or "").strip():
            raise InvalidCaseCommand(
                f"a {outcome} names the destination service or institution", field="destination"
            )
        window: tuple[str | None, str | None] = (None, None)
        if outcome != "not_opened":
            months = follow_up_months or (
                team.terms_for(self.technicians).follow_up_from_months,
                team.terms_for(self.technicians).follow_up_until_months,
            )
            check_follow_up_window(*months)
            window = (
                add_months(today, months[0]).isoformat(),
                add_months(today, months[1]).isoformat(),
            )
        self._move(
            team,
            self.Closed,
            "closed",
            record=rationale,
            outcome=outcome,
            destination=(destination or "").strip() or None,
            final_report_id=final_report_id,
            follow_up_from=window[0],
            follow_up_until=window[1],
        )

    def begin_follow_up(self, team: Team, note: str | None) -> None:
        check_social_worker_act(team, self, "begin_follow_up")
        if self.stage == "closed" and self.follow_up is None:
            raise StageConflict("a case that was not opened has no follow-up", case_id=str(self.id))
        self._move(team, self.FollowUpBegun, "follow_up", record=note)

    def archive(self, team: Team, note: str | None) -> None:
        """R8: an opened case is archived only after its follow-up."""
        check_social_worker_act(team, self, "archive_case")
        if self.stage == "closed" and self.follow_up is not None:
            raise StageConflict(
                f"R8: the follow-up ({self.follow_up[0]} – {self.follow_up[1]}) comes before "
                "archiving",
                stage=self.stage,
                case_id=str(self.id),
            )
        self._move(team, self.Archived, "archived", record=note)

    # -- who works on it -------------------------------------------------------
    def assign_technician(self, team: Team, technician_id: str) -> None:
        check_social_worker_act(team, self, "assign_technician")
        self._check_not_finished("assign a technician to")
        if technician_id in self.technicians:
            raise StageConflict(
                f"technician {technician_id} already works on the case", case_id=str(self.id)
            )
        check_may_join(team, technician_id, self.municipality, self.social_worker_id)
        self.trigger_event(
            self.TechnicianAssigned, technician_id=technician_id, **team.actor.event_fields()
        )

    def release_technician(self, team: Team, technician_id: str) -> None:
        check_social_worker_act(team, self, "release_technician")
        if technician_id not in self.technicians:
            raise InvalidCaseCommand(
                f"technician {technician_id} does not work on the case", field="technician_id"
            )
        self.trigger_event(
            self.TechnicianReleased, technician_id=technician_id, **team.actor.event_fields()
        )

    # -- reading ---------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.stage in ACTIVE

    def accepts_field_documents(self) -> bool:
        return self.stage not in ("closed", "archived")

    def _check_not_finished(self, action: str) -> None:
        if self.stage in ("closed", "archived"):
            raise StageConflict(
                f"cannot {action} a case that is {self.stage}",
                stage=self.stage,
                case_id=str(self.id),
            )

    def _move(self, team: Team, event_class: type, stage: str, **fields: Any) -> None:
        if stage not in NEXT[self.stage]:
            raise StageConflict(
                f"a case that is {self.stage} cannot move to {stage}; next: "
                f"{', '.join(NEXT[self.stage]) or 'nothing (archived)'}",
                stage=self.stage,
                wanted=stage,
                case_id=str(self.id),
            )
        self.trigger_event(event_class, stage=stage, **fields, **team.actor.event_fields())


def check_may_join(
    team: Team, technician_id: str, municipality: str, social_worker_id: str
) -> None:
    """A case's technicians work in its municipality under an active
    contract with its social worker (R1)."""
    coordination = (
        team.coordination
        if team.coordination is not None and team.coordination.technician_id == technician_id
        else team.coordinated.get(technician_id)
    )
    if coordination is None or coordination.coordinator_id != social_worker_id:
        raise NoActiveCoordination(
            "R1",
            f"technician {technician_id} is not under an active coordination contract with the "
            "case's social worker",
            technician_id=technician_id,
        )
    if coordination.municipality != municipality:
        raise CaseAccessDenied(
            f"technician {technician_id} works for another municipality",
            technician_id=technician_id,
        )
