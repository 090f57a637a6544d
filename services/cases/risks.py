"""Urgent-risk reports (case 2 of 4.6 and the operational checklist): the
technician notes objective observations, calls 112 first where the person's
life or integrity is in danger, and reports to the coordinator at once — suspected abuse within 2 h
(R7). The coordinator acknowledges, assesses the risk, decides the measures
and alone issues the official notification to DGASPC or the police, under
their RNASR code (R2).

A report is never refused for being late or for a missing 112 call: the
coordinator must know all the same. Both are recorded as facts.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.clock import parse_moment
from events.errors import Conflict
from events.team import Team
from events.vocabulary.cases import (
    INSTITUTIONS,
    LIFE_OR_INTEGRITY_CATEGORIES,
    RISK_CATEGORIES,
    RISK_MEASURES,
    URGENT_RISK_LEVELS,
)
from services.cases.competence import (
    CaseAccessDenied,
    InvalidCaseCommand,
    StageConflict,
    check_choice,
    check_field_work,
    check_social_worker_act,
)
from services.cases.domain import Case

# Suspected abuse must reach the coordinator within the plan's deadline (R7:
# 2 hours by default, 2.3.1); any other urgent risk is held to the same bound:
# a report after it is marked late (``late``), whatever its category.


def check_life_or_integrity(category: str, at_risk: bool | None) -> bool:
    """4.6: whether the person's life or integrity is in danger — always for
    ``LIFE_OR_INTEGRITY_CATEGORIES``, for any other category when the reporter
    says so (violence that left injuries, say)."""
    if at_risk is not None and not isinstance(at_risk, bool):
        raise InvalidCaseCommand(
            "life_or_integrity_at_risk is true or false", field="life_or_integrity_at_risk"
        )
    return category in LIFE_OR_INTEGRITY_CATEGORIES or bool(at_risk)


def life_or_integrity_as_stored(category: str, at_risk: bool | None) -> bool:
    """A report stored before the question was asked (None) meant danger to
    life only: so it keeps its meaning."""
    return category == "danger_to_life" if at_risk is None else at_risk


def emergency_call_missing(life_or_integrity_at_risk: bool, called_112: bool) -> bool:
    """R7 (4.6): where life or integrity is in danger, 112 comes first."""
    return life_or_integrity_at_risk and not called_112


class RiskStateConflict(Conflict):
    code = "urgent_risk_state_conflict"


class RiskAlreadyAcknowledged(RiskStateConflict):
    code = "urgent_risk_already_acknowledged"


class UrgentRisk(AuditedAggregate):
    class Reported(Aggregate.Created, AuditedAggregate.Event):
        case_id: str
        municipality: str
        beneficiary_id: str
        category: str
        observations: str  # sealed: objective observations about the person
        called_112: bool
        observed_at: str
        deadline_hours: int
        late: bool
        reporter_id: str
        coordinator_id: str
        life_or_integrity_at_risk: bool | None = None  # None: stored before it was asked

    # Created by the ``@event("…")`` methods below, named here for the type
    # checker: their fields are the methods' parameters, which it cannot see,
    # so readers keep ``Any`` after ``isinstance``.
    Acknowledged: ClassVar[type[Any]]
    Assessed: ClassVar[type[Any]]
    InstitutionNotified: ClassVar[type[Any]]

    def __init__(
        self,
        case_id: str,
        municipality: str,
        beneficiary_id: str,
        category: str,
        observations: str,
        called_112: bool,
        observed_at: str,
        deadline_hours: int,
        late: bool,
        reporter_id: str,
        coordinator_id: str,
        life_or_integrity_at_risk: bool | None = None,
        **_meta: str,
    ) -> None:
        self.case_id, self.municipality, self.beneficiary_id = case_id, municipality, beneficiary_id
        self.life_or_integrity_at_risk = life_or_integrity_as_stored(
            category, life_or_integrity_at_risk
        )
        self.category, self.observations, self.called_112 = category, observations, called_112
        self.observed_at, self.deadline_hours, self.late = observed_at, deadline_hours, late
        self.reporter_id, self.coordinator_id = reporter_id, coordinator_id
        self.status = "reported"
        self.acknowledged_by: str | None = None
        self.acknowledged_at: datetime | None = None
        self.level: str | None = None
        self.measures: list[str] = []
        self.notified: list[str] = []

    # -- what each event changes (its apply, run again on every load) ----------
    @event("Acknowledged")
    def _acknowledged(
        self, actor_id: str, actor_role: str, correlation_id: str, timestamp: datetime | None = None
    ) -> None:
        """``timestamp``: the event's own (set when it is triggered)."""
        self.status = "acknowledged"
        self.acknowledged_by, self.acknowledged_at = actor_id, timestamp

    @event("Assessed")
    def _assessed(
        self,
        level: str,
        assessment: str,  # sealed
        measures: list[str],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status, self.level, self.measures = "assessed", level, list(measures)

    @event("InstitutionNotified")
    def _institution_notified(
        self,
        institution: str,
        social_worker_id: str,
        rnasr_code: str,
        reference: str,
        summary: str,  # sealed
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.notified.append(institution)

    @classmethod
    def report(
        cls,
        team: Team,
        case: Case,
        *,
        category: str,
        observations: str,
        called_112: bool,
        observed_at: str,
        now: datetime,
        life_or_integrity_at_risk: bool | None = None,
    ) -> UrgentRisk:
        check_field_work(team, case, "report an urgent risk", coordinator_too=True)
        if case.stage == "archived":
            raise StageConflict(
                "the case is archived; refer the person again", case_id=str(case.id)
            )
        check_choice(category, RISK_CATEGORIES, "category")
        moment = parse_moment(observed_at, "observed_at", InvalidCaseCommand)
        if moment > now + timedelta(minutes=5):
            raise InvalidCaseCommand("observed_at is in the future", field="observed_at")
        hours = team.terms_for(case.technicians).suspected_abuse_hours
        return cls._create(
            cls.Reported,
            id=uuid.uuid4(),
            case_id=str(case.id),
            municipality=case.municipality,
            beneficiary_id=case.beneficiary_id,
            category=category,
            observations=observations,
            called_112=called_112,
            life_or_integrity_at_risk=check_life_or_integrity(category, life_or_integrity_at_risk),
            observed_at=observed_at,
            deadline_hours=hours,
            late=now - moment > timedelta(hours=hours),
            reporter_id=team.id,
            coordinator_id=case.social_worker_id,
            **team.actor.event_fields(),
        )

    @property
    def emergency_call_missing(self) -> bool:
        return emergency_call_missing(self.life_or_integrity_at_risk, self.called_112)

    # -- the coordinator -------------------------------------------------------
    def acknowledge(self, team: Team, case: Case) -> None:
        check_social_worker_act(team, case, "acknowledge_urgent_risk")
        if self.status != "reported":
            raise RiskAlreadyAcknowledged(
                f"urgent risk {self.id} was acknowledged already, by {self.acknowledged_by}",
                risk_id=str(self.id),
            )
        self._acknowledged(team.actor.id, team.actor.role, team.actor.correlation_id)

    def assess(
        self, team: Team, case: Case, level: str, assessment: str, measures: list[str]
    ) -> None:
        check_social_worker_act(team, case, "risk_assessment")
        self._check_acknowledged("assess")
        if self.status == "assessed":
            raise RiskStateConflict("the risk was assessed already", risk_id=str(self.id))
        check_choice(level, URGENT_RISK_LEVELS, "level")
        unknown = sorted(set(measures) - set(RISK_MEASURES))
        if unknown or not measures:
            raise InvalidCaseCommand(
                f"measures are some of {', '.join(RISK_MEASURES)}",
                field="measures",
                unknown=unknown,
            )
        self._assessed(
            level=level,
            assessment=assessment,
            measures=sorted(set(measures), key=RISK_MEASURES.index),
            **team.actor.event_fields(),
        )

    def notify_institution(
        self,
        team: Team,
        case: Case,
        institution: str,
        reference: str,
        summary: str,
    ) -> None:
        """R2: the official notification carries the social worker's RNASR
        code, as the registry knows it — never one the caller supplies."""
        check_social_worker_act(team, case, "official_notification")
        if not team.rnasr_code:
            raise CaseAccessDenied(
                "an official notification carries the RNASR code of a registered social worker",
                risk_id=str(self.id),
            )
        self._check_acknowledged("notify an institution about")
        check_choice(institution, INSTITUTIONS, "institution")
        if institution in self.notified:
            raise RiskStateConflict(
                f"{institution} was notified of this risk already", risk_id=str(self.id)
            )
        self._institution_notified(
            institution=institution,
            social_worker_id=team.id,
            rnasr_code=team.rnasr_code,
            reference=reference.strip(),
            summary=summary,
            **team.actor.event_fields(),
        )

    def _check_acknowledged(self, action: str) -> None:
        if self.status == "reported":
            raise RiskStateConflict(
                f"acknowledge the risk before you {action} it", risk_id=str(self.id)
            )

    def summary(self) -> dict[str, Any]:
        return {
            "risk_id": str(self.id),
            "case_id": self.case_id,
            "municipality": self.municipality,
            "category": self.category,
            "called_112": self.called_112,
            "life_or_integrity_at_risk": self.life_or_integrity_at_risk,
            "emergency_call_missing": self.emergency_call_missing,
            "observed_at": self.observed_at,
            "reported_at": self.created_on.isoformat(),
            "deadline_hours": self.deadline_hours,
            "late": self.late,
            "reporter_id": self.reporter_id,
            "coordinator_id": self.coordinator_id,
            "status": self.status,
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": self.acknowledged_at.isoformat() if self.acknowledged_at else None,
            "level": self.level,
            "measures": list(self.measures),
            "notified": list(self.notified),
        }
