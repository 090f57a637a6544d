"""The case record (DESIGN §4, guide 2.3): a beneficiary of one municipality
on the path referred → initial_evaluation → opened → assessment →
intervention_plan → intervention ⇄ monitoring → closed → follow_up →
archived.

Pure domain. Opening, the social diagnosis, the intervention plan (PII),
decisions, closure and archiving are the social worker's (R2). Identity and
free text arrive sealed (``personal.py``): the case holds tokens only.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.team import Team
from events.vocabulary import cases as names
from services.cases import vocabulary
from services.cases.closure import check_closure
from services.cases.competence import (
    InvalidCaseCommand,
    StageConflict,
    check_categories,
    check_choice,
    check_field_work,
    check_may_join,
    check_new_technician,
    check_open_case,
    check_referral,
    check_social_worker_act,
    check_under_coordination,
)
from services.cases.consent import origin_of
from services.cases.follow_up import check_archivable, follow_up_period
from services.cases.plan_together import check_plan


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
        origin: str | None  # how it started (consent.py); None: not recorded then

        # v2: neighbours, tenants' association two sources; v1 meant either
        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            if state["referral_source"] == "neighbours":
                state["referral_source"] = names.NEIGHBOURS_OR_TENANTS

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["origin"] = None

    class StageChanged(AuditedAggregate.Event):
        """Every step of the path; ``record`` (sealed) holds what the step
        established: findings, rationale, diagnosis."""

        stage: str
        record: str | None

        # One apply for every step, each a move along the path.
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

    class InterventionStarted(StageChanged):
        pass

    class MonitoringStarted(StageChanged):
        pass

    class Closed(StageChanged):
        outcome: str
        destination: str | None
        final_report_id: str | None
        without_report_reason: str | None  # sealed; v1 closed without the rule
        follow_up_from: str | None
        follow_up_until: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["without_report_reason"] = None

    class FollowUpBegun(StageChanged):
        pass

    class Archived(StageChanged):
        follow_up_decision: str | None  # sealed; v1 archived after beginning it
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["follow_up_decision"] = None

    # Created by the ``@event("…")`` methods below; ``Any`` for the checker.
    PlanVersioned: ClassVar[type[Any]]
    DecisionRecorded: ClassVar[type[Any]]
    TechnicianAssigned: ClassVar[type[Any]]
    TechnicianReleased: ClassVar[type[Any]]

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
        origin: str | None,
        **_meta: str,
    ) -> None:
        self.municipality, self.beneficiary_id = municipality, beneficiary_id
        self.beneficiary_kind, self.personal = beneficiary_kind, personal
        self.categories, self.referral_source = list(categories), referral_source
        self.referral_note, self.origin = referral_note, origin
        self.technicians, self.social_worker_id = list(technicians), social_worker_id
        self.stage = "referred"
        self.history = ["referred"]
        self.plan_version = 0
        self.plans: list[str] = []
        self.decisions: list[str] = []
        self.outcome: str | None = None
        self.final_report_id: str | None = None
        self.without_report_reason: str | None = None
        self.follow_up: tuple[str, str] | None = None

    # -- what each event changes (its apply, run again on every load) ----------
    @event("PlanVersioned")
    def _plan_versioned(
        self,
        version: int,
        plan: str,  # sealed objectives, indicators, responsibilities
        objectives: int,
        next_deadline: str,
        responsible: list[str],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
        activities: int = 0,  # its dated calendar (3.2 C); none in versions stored before
        next_activity_on: str | None = None,
    ) -> None:
        """A version of the individual intervention plan (PII): version 1
        moves the case to ``intervention_plan``; later ones revise it."""
        self.plan_version = version
        self.plans.append(plan)
        if self.stage == "assessment":
            self.stage = "intervention_plan"
            self.history.append("intervention_plan")

    @event("DecisionRecorded")
    def _decision_recorded(
        self,
        decision: str,
        rationale: str,  # sealed
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.decisions.append(decision)

    @event("TechnicianAssigned")
    def _technician_assigned(
        self, technician_id: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.technicians.append(technician_id)

    @event("TechnicianReleased")
    def _technician_released(
        self, technician_id: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.technicians.remove(technician_id)

    @event(Closed)
    def _closed(
        self,
        stage: str,
        record: str | None,
        outcome: str,
        destination: str | None,
        final_report_id: str | None,
        without_report_reason: str | None,
        follow_up_from: str | None,
        follow_up_until: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """What closing adds to the step (``StageChanged.apply`` runs after)."""
        self.outcome, self.final_report_id = outcome, final_report_id
        self.without_report_reason = without_report_reason
        if follow_up_from and follow_up_until:
            self.follow_up = (follow_up_from, follow_up_until)

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
        origin: str | None = None,
    ) -> Case:
        """A technician refers what they identified in the field (R3: data
        collection), for their coordinator; a social worker refers a case
        they take on, with technicians they coordinate."""
        check_under_coordination(team)
        check_choice(beneficiary_kind, names.BENEFICIARY_KINDS, "beneficiary_kind")
        check_choice(referral_source, names.REFERRAL_SOURCES, "referral_source")
        technicians, social_worker_id = check_referral(team, municipality, technicians)
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
            origin=origin_of(referral_source, origin),
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
        check_choice(risk_level, names.RISK_LEVELS, "risk_level")
        if not needs:
            raise InvalidCaseCommand("name the needs the diagnosis found", field="needs")
        needs = sorted(set(needs))
        self._move(
            team, self.Diagnosed, "assessment", record=diagnosis, needs=needs, risk_level=risk_level
        )

    def version_plan(
        self,
        team: Team,
        plan: str,
        objectives: list[dict[str, Any]],
        activities: list[dict[str, Any]],
    ) -> None:
        """The PII is written and revised by the social worker only (R2):
        first after the diagnosis, then while the intervention runs; each
        version with its objectives and dated activities (``plan_together``)."""
        check_social_worker_act(team, self, "write_intervention_plan")
        first = self.plan_version == 0
        if self.stage not in (("assessment",) if first else vocabulary.PLAN_STAGES):
            when = (
                "drawn up after the social diagnosis"
                if first
                else "revised during the intervention"
            )
            raise StageConflict(
                f"an intervention plan is {when}; the case is {self.stage}",
                stage=self.stage,
                case_id=str(self.id),
            )
        summary = check_plan(objectives, activities) | team.actor.event_fields()
        self._plan_versioned(version=self.plan_version + 1, plan=plan, **summary)

    def start_intervention(self, team: Team, note: str | None) -> None:
        check_social_worker_act(team, self, "start_intervention")
        self._move(team, self.InterventionStarted, "intervention", record=note)

    def start_monitoring(self, team: Team, note: str | None) -> None:
        check_social_worker_act(team, self, "start_monitoring")
        self._move(team, self.MonitoringStarted, "monitoring", record=note)

    def record_decision(self, team: Team, decision: str, rationale: str) -> None:
        check_social_worker_act(team, self, "professional_decision")
        check_choice(decision, names.DECISIONS, "decision")
        check_open_case(self, self.stage, "decisions are taken")
        self._decision_recorded(decision, rationale, **team.actor.event_fields())

    def close(
        self,
        team: Team,
        *,
        outcome: str,
        rationale: str,
        today: date,
        destination: str | None = None,
        final_report_id: str | None = None,
        without_report: str | None = None,  # sealed: why, when no technician works on it
        follow_up_months: int | None = None,
    ) -> None:
        """R8: closure is the social worker's, on the final report
        (``closure.py``), and (unless never opened) opens the follow-up."""
        check_social_worker_act(team, self, "close_case")
        check_closure(self, self.stage, outcome, destination, final_report_id, without_report)
        window: tuple[str | None, str | None] = (None, None)
        if outcome != "not_opened":
            window = follow_up_period(team, self.technicians, today, follow_up_months)
        self._check_move("closed")
        self._closed(
            stage="closed",
            record=rationale,
            outcome=outcome,
            destination=(destination or "").strip() or None,
            final_report_id=final_report_id,
            without_report_reason=without_report,
            follow_up_from=window[0],
            follow_up_until=window[1],
            **team.actor.event_fields(),
        )

    def begin_follow_up(self, team: Team, note: str | None) -> None:
        check_social_worker_act(team, self, "begin_follow_up")
        if self.stage == "closed" and self.follow_up is None:
            raise StageConflict("a case that was not opened has no follow-up", case_id=str(self.id))
        self._move(team, self.FollowUpBegun, "follow_up", record=note)

    def archive(self, team: Team, note: str | None, today: date, decision: str | None) -> None:
        """R8: after the follow-up period, or on the coordinator's recorded
        decision (sealed) to end it early (``follow_up.py``)."""
        check_social_worker_act(team, self, "archive_case")
        check_archivable(self.follow_up, today, decision)
        self._move(team, self.Archived, "archived", record=note, follow_up_decision=decision)

    # -- who works on it -------------------------------------------------------
    def assign_technician(self, team: Team, technician_id: str) -> None:
        check_social_worker_act(team, self, "assign_technician")
        check_new_technician(self, self.stage, technician_id)
        check_may_join(team, technician_id, self.municipality, self.social_worker_id)
        self._technician_assigned(technician_id, **team.actor.event_fields())

    def release_technician(self, team: Team, technician_id: str) -> None:
        check_social_worker_act(team, self, "release_technician")
        if technician_id not in self.technicians:
            raise InvalidCaseCommand(
                f"technician {technician_id} does not work on the case", field="technician_id"
            )
        self._technician_released(technician_id, **team.actor.event_fields())

    # -- reading ---------------------------------------------------------------
    def accepts_field_documents(self) -> bool:
        return self.stage not in ("closed", "archived")

    def _move(self, team: Team, event_class: type, stage: str, **fields: Any) -> None:
        self._check_move(stage)
        self.trigger_event(event_class, stage=stage, **fields, **team.actor.event_fields())

    def _check_move(self, stage: str) -> None:
        if stage not in vocabulary.NEXT[self.stage]:
            raise StageConflict(
                f"a case that is {self.stage} cannot move to {stage}; next: "
                f"{', '.join(vocabulary.NEXT[self.stage]) or 'nothing (archived)'}",
                stage=self.stage,
                wanted=stage,
                case_id=str(self.id),
            )
