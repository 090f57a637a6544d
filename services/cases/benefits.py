"""Administrative benefit checks at the SPAS (guide 2.2, situations A and B;
rule R4).

Situation A: the technician checks the documents, income and household
against the legal criteria and decides eligibility and amount alone — an
administrative decision, not a professional one. Situation B: the field
check found discrepancies between what was declared and what was seen; the
verification sheet then needs the social worker's co-signature, and the
decision is theirs.

This administrative work is outside coordination (2.1 §2: coordination
"nu [se referă] la activități administrative, de asigurare a unor servicii
destinate acordării prestațiilor sociale"): situation A needs no active
coordination contract, and a benefit check is never a delegated task.
Situation B still needs the coordinator who co-signs, so it needs the
contract that names them.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.errors import Conflict
from events.team import Team
from events.vocabulary.cases import (
    BENEFIT_DOCUMENTS,
    BENEFIT_OUTCOMES,
    BENEFITS,
    COSIGN_MEASURES,
    DISCREPANCIES,
)
from services.cases.competence import (
    CaseAccessDenied,
    CaseNotVisible,
    CoSignerMissing,
    ExclusiveActOfSocialWorker,
    InvalidCaseCommand,
    check_choice,
)


class BenefitCheckConflict(Conflict):
    code = "benefit_check_conflict"


def check_codes(values: list[str], allowed: tuple[str, ...], field: str) -> list[str]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidCaseCommand(f"unknown {field}: {', '.join(unknown)}", field=field)
    return sorted(set(values), key=allowed.index)


def check_amount(outcome: str, amount: float | None) -> float | None:
    if outcome == "eligible" and (amount is None or amount <= 0):
        raise InvalidCaseCommand("an eligible applicant gets an amount (lei)", field="amount")
    if outcome != "eligible" and amount not in (None, 0):
        raise InvalidCaseCommand("an ineligible applicant gets no amount", field="amount")
    return amount if outcome == "eligible" else None


def check_cosigner_for(team: Team, discrepancies: list[str]) -> None:
    """R4 with R1: situation A is the technician's own administrative work,
    outside coordination (2.1 §2); situation B waits for the co-signature of
    the coordinator an active contract names."""
    if discrepancies and team.coordination is None:
        raise CoSignerMissing(
            "R1",
            "with discrepancies found in the field (situation B) the check needs your "
            "coordinator's co-signature, and you have no active coordination contract; "
            "a check without discrepancies (situation A) needs none",
            technician_id=team.id,
        )


class BenefitCheck(AuditedAggregate):
    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        municipality: str
        technician_id: str
        # None for a situation-A check recorded without coordination (2.1 §2)
        coordinator_id: str | None
        beneficiary_id: str
        case_id: str | None
        benefit: str
        applicant: str  # sealed: identity, household, income
        documents_checked: list[str]
        discrepancies: list[str]
        outcome: str
        amount: float | None

    # Created by the ``@event("…")`` methods below, named here for the type
    # checker: their fields are the methods' parameters, which it cannot see,
    # so readers keep ``Any`` after ``isinstance``.
    CoSigned: ClassVar[type[Any]]

    def __init__(
        self,
        municipality: str,
        technician_id: str,
        coordinator_id: str | None,
        beneficiary_id: str,
        case_id: str | None,
        benefit: str,
        applicant: str,
        documents_checked: list[str],
        discrepancies: list[str],
        outcome: str,
        amount: float | None,
        **_meta: str,
    ) -> None:
        self.municipality, self.technician_id = municipality, technician_id
        self.coordinator_id, self.beneficiary_id, self.case_id = (
            coordinator_id,
            beneficiary_id,
            case_id,
        )
        self.benefit, self.applicant = benefit, applicant
        self.documents_checked, self.discrepancies = list(documents_checked), list(discrepancies)
        self.proposed_outcome = outcome
        self.outcome: str | None = None if discrepancies else outcome
        self.amount: float | None = None if discrepancies else amount
        self.status = "awaiting_cosignature" if discrepancies else "decided"
        self.cosigned_by: str | None = None
        self.measures: list[str] = []

    # -- what each event changes (its apply, run again on every load) ----------
    @event("CoSigned")
    def _co_signed(
        self,
        social_worker_id: str,
        rnasr_code: str,
        decision: str,
        amount: float | None,
        measures: list[str],
        rationale: str,  # sealed
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status = "decided"
        self.outcome, self.amount = decision, amount
        self.cosigned_by, self.measures = social_worker_id, list(measures)

    @property
    def situation(self) -> str:
        return "B" if self.discrepancies else "A"

    @classmethod
    def record(
        cls,
        team: Team,
        *,
        beneficiary_id: str,
        case_id: str | None,
        benefit: str,
        applicant: str,
        documents_checked: list[str],
        discrepancies: list[str],
        outcome: str,
        amount: float | None,
    ) -> BenefitCheck:
        """R4: the technician's own administrative check, in their own
        municipality; under coordination only when situation B needs a
        co-signature."""
        if team.role != "technician":
            raise CaseAccessDenied(
                "benefit checks are recorded by the SPAS technician", role=team.role
            )
        check_cosigner_for(team, discrepancies)
        coordination = team.coordination
        municipality = coordination.municipality if coordination else team.municipality
        if municipality is None:
            raise CaseAccessDenied(
                "a benefit check is recorded at the technician's SPAS; you belong to none",
                role=team.role,
            )
        check_choice(benefit, BENEFITS, "benefit")
        check_choice(outcome, BENEFIT_OUTCOMES, "outcome")
        documents = check_codes(documents_checked, BENEFIT_DOCUMENTS, "documents_checked")
        if not documents:
            raise InvalidCaseCommand("say which documents were checked", field="documents_checked")
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            municipality=municipality,
            technician_id=team.id,
            coordinator_id=coordination.coordinator_id if coordination else None,
            beneficiary_id=beneficiary_id,
            case_id=case_id,
            benefit=benefit,
            applicant=applicant,
            documents_checked=documents,
            discrepancies=check_codes(discrepancies, DISCREPANCIES, "discrepancies"),
            outcome=outcome,
            amount=check_amount(outcome, amount),
            **team.actor.event_fields(),
        )

    def cosign(
        self,
        team: Team,
        decision: str,
        amount: float | None,
        measures: list[str],
        rationale: str,
    ) -> None:
        """Situation B: the social worker assumes the verification sheet and
        decides, after a social diagnosis of the family (R4 with R2)."""
        self.check_may_read(team)
        if team.role != "social_worker" or not team.coordinates([self.technician_id]):
            if team.id == self.technician_id:
                raise ExclusiveActOfSocialWorker(
                    "R4",
                    "with discrepancies found in the field, the decision is the coordinating "
                    "social worker's; the technician cannot co-sign their own check",
                    check_id=str(self.id),
                )
            raise CaseAccessDenied(
                "the technician's coordinator co-signs the check", check_id=str(self.id)
            )
        if not self.discrepancies:
            raise BenefitCheckConflict(
                "situation A: without discrepancies the check is the technician's own decision "
                "and needs no co-signature",
                check_id=str(self.id),
            )
        if self.status == "decided":
            raise BenefitCheckConflict(
                f"the check was co-signed already by {self.cosigned_by}", check_id=str(self.id)
            )
        check_choice(decision, BENEFIT_OUTCOMES, "decision")
        if not team.rnasr_code:
            raise CaseAccessDenied(
                "a co-signature carries the RNASR code of a registered social worker",
                check_id=str(self.id),
            )
        self._co_signed(
            social_worker_id=team.id,
            rnasr_code=team.rnasr_code,
            decision=decision,
            amount=check_amount(decision, amount),
            measures=check_codes(measures, COSIGN_MEASURES, "measures"),
            rationale=rationale,
            **team.actor.event_fields(),
        )

    def relation(self, team: Team) -> str | None:
        """As ``competence.relation`` for a case: the technician and their
        coordinator work with the applicant; the SPAS head and the auditor look
        on (the county reads figures only); anyone else is outside its scope (R9)."""
        if team.id == self.technician_id:
            return "technician"
        if team.id == self.coordinator_id or (
            team.role == "social_worker" and team.coordinates([self.technician_id])
        ):
            return "coordinator"
        if team.role == "spas_head" and team.municipality == self.municipality:
            return "spas_head"
        if team.role in ("auditor", "system"):  # never the county: figures only (R9)
            return team.role
        return None

    def check_may_read(self, team: Team) -> str:
        found = self.relation(team)
        if found is None:
            raise CaseNotVisible(f"benefit check {self.id} is outside your scope")
        return found
