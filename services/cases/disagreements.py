"""A disagreement with the family or an institution, documented in the case
record and escalated when the team cannot settle it (4.6 case 3; 4.4.3:
"Situațiile nerezolvate se raportează responsabilului/coordonatorului
serviciului social ... sau șefului ierarhic"; 4.3 §2: difficulties are
addressed openly, not hidden).

The case's technician or its social worker documents it (R3: mediation
with the school, hospital and institutions is delegable); what it is about
is sealed like other personal data. Escalating and settling it are the
social worker's: they decide with impact on the beneficiary (R2). It goes
up one level at a time, the SPAS head first, then the county (4.4.3), and
not once settled. Pure domain.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.errors import Conflict
from events.team import Team
from events.vocabulary import ESCALATION_LEVELS
from events.vocabulary import cases as names
from services.cases.competence import (
    CaseLike,
    InvalidCaseCommand,
    StageConflict,
    check_choice,
    check_field_work,
    check_social_worker_act,
)


class DisagreementSettled(Conflict):
    code = "disagreement_settled"


class CaseDisagreement(AuditedAggregate):
    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        case_id: str
        municipality: str
        party: str
        institution: str | None  # which one, when the party is an institution
        summary: str  # sealed: what it is about, each side's view

    Escalated: ClassVar[type[Any]]  # by ``_escalated``; its fields are the parameters
    Settled: ClassVar[type[Any]]  # by ``_settled``

    def __init__(
        self,
        case_id: str,
        municipality: str,
        party: str,
        institution: str | None,
        summary: str,
        **_: Any,
    ) -> None:
        self.case_id, self.municipality, self.party = case_id, municipality, party
        self.institution, self.summary = institution, summary
        self.escalations: list[dict[str, str]] = []
        self.settlement: str | None = None  # sealed

    @classmethod
    def record(
        cls,
        team: Team,
        case: CaseLike,
        stage: str,
        *,
        party: str,
        institution: str | None,
        summary: str,
    ) -> CaseDisagreement:
        check_field_work(team, case, "document a disagreement", coordinator_too=True)
        if stage == "archived":
            raise StageConflict("the case is archived; its record is closed", stage=stage)
        check_choice(party, names.DISAGREEMENT_PARTIES, "party")
        institution = (institution or "").strip() or None
        if (party == "institution") != (institution is not None):
            raise InvalidCaseCommand(
                "a disagreement with an institution, and only it, names the institution",
                field="institution",
            )
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            case_id=str(case.id),
            municipality=case.municipality,
            party=party,
            institution=institution,
            summary=summary,
            **team.actor.event_fields(),
        )

    @property
    def level(self) -> str | None:
        return self.escalations[-1]["level"] if self.escalations else None

    @event("Escalated")
    def _escalated(
        self,
        case_id: str,
        level: str,
        reason: str,  # sealed
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.escalations.append({"level": level, "reason": reason, "by": actor_id})

    @event("Settled")
    def _settled(
        self,
        case_id: str,
        settlement: str,  # sealed: how it was settled
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.settlement = settlement

    def escalate(self, team: Team, case: CaseLike, reason: str) -> str:
        """4.4.3: one level up, the SPAS head first, then the county."""
        check_social_worker_act(team, case, "escalate_disagreement")
        self.check_open()
        done = len(self.escalations)
        if done == len(ESCALATION_LEVELS):
            raise StageConflict(
                "the disagreement has reached the county already", disagreement_id=str(self.id)
            )
        level = ESCALATION_LEVELS[done]
        self._escalated(self.case_id, level, reason, **team.actor.event_fields())
        return level

    def settle(self, team: Team, case: CaseLike, settlement: str) -> None:
        check_social_worker_act(team, case, "settle_disagreement")
        self.check_open()
        self._settled(self.case_id, settlement, **team.actor.event_fields())

    def check_open(self) -> None:
        if self.settlement is not None:
            raise DisagreementSettled("the disagreement was settled", disagreement_id=str(self.id))
