"""Commands and queries of urgent-risk reports and administrative benefit
checks (mixin of CasesApplication)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.errors import NotFound
from events.refusals import Refusal, records_refusals
from events.team import Team
from services.cases.benefits import BenefitCheck
from services.cases.competence import CaseNotVisible, check_text
from services.cases.domain import Case
from services.cases.part import CasesPart
from services.cases.personal import text_of
from services.cases.projections import WorkIndex
from services.cases.risks import UrgentRisk


class UnknownRisk(NotFound):
    code = "urgent_risk_not_found"


class UnknownBenefitCheck(NotFound):
    code = "benefit_check_not_found"


class RiskCommands(CasesPart):
    # -- urgent risks ------------------------------------------------------------
    @records_refusals
    def report_urgent_risk(
        self,
        actor: Actor,
        case_id: UUID,
        category: str,
        observations: str,
        called_112: bool,
        observed_at: str,
        life_or_integrity_at_risk: bool | None = None,
    ) -> dict[str, Any]:
        team, case, _ = self.visible_case(actor, case_id, "report_urgent_risk")
        risk = UrgentRisk.report(
            team,
            case,
            category=category,
            observations=self.seal(
                case.beneficiary_id, {"text": check_text(observations, "observations")}
            ),
            called_112=called_112,
            observed_at=observed_at,
            now=self.now(),
            life_or_integrity_at_risk=life_or_integrity_at_risk,
        )
        self.save_changed(risk)
        return risk.summary()

    @records_refusals
    def acknowledge_urgent_risk(self, actor: Actor, risk_id: UUID) -> dict[str, Any]:
        return self._on_risk(
            actor, risk_id, "acknowledge_urgent_risk", lambda r, t, c: r.acknowledge(t, c)
        )

    @records_refusals
    def assess_urgent_risk(
        self, actor: Actor, risk_id: UUID, level: str, assessment: str, measures: list[str]
    ) -> dict[str, Any]:
        def assess(r: UrgentRisk, t: Team, c: Case) -> None:
            sealed = self.seal(c.beneficiary_id, {"text": check_text(assessment, "assessment")})
            r.assess(t, c, level, sealed, measures)

        return self._on_risk(actor, risk_id, "assess_urgent_risk", assess)

    @records_refusals
    def notify_institution(
        self, actor: Actor, risk_id: UUID, institution: str, reference: str, summary: str
    ) -> dict[str, Any]:
        def notify(r: UrgentRisk, t: Team, c: Case) -> None:
            sealed = self.seal(c.beneficiary_id, {"text": check_text(summary, "summary")})
            r.notify_institution(t, c, institution, reference, sealed)

        return self._on_risk(actor, risk_id, "notify_institution", notify)

    def get_urgent_risk(self, actor: Actor, risk_id: UUID) -> dict[str, Any]:
        risk, _, case, relation_ = self._visible_risk(actor, risk_id, "get_urgent_risk")
        view = risk.summary()
        opened = self.unseal(
            actor,
            relation_,
            "urgent_risk",
            str(risk.id),
            case.beneficiary_id,
            str(case.id),
            {"observations": risk.observations},
        )
        if opened["observations"] is not None:
            view["observations"] = text_of(opened["observations"])
        return view

    def urgent_risks(self, actor: Actor, open_only: bool = False) -> list[dict[str, Any]]:
        """The urgent risks of the cases in the actor's scope, newest first."""
        team = self.team(actor)
        self.check_reads_cases(actor, team, "urgent_risks")
        in_scope = self.case_ids_in_scope(team)
        risks = [
            r
            for r in self.view(WorkIndex).risks.values()
            if r["case_id"] in in_scope and (not open_only or r["status"] == "reported")
        ]
        return sorted(risks, key=lambda r: r["reported_at"], reverse=True)

    # -- administrative benefit checks (R4) -------------------------------------
    @records_refusals
    def record_benefit_check(
        self,
        actor: Actor,
        benefit: str,
        applicant: dict[str, Any],
        documents_checked: list[str],
        discrepancies: list[str],
        outcome: str,
        amount: float | None = None,
        case_id: UUID | None = None,
    ) -> dict[str, Any]:
        team = self.team(actor)
        beneficiary_id = str(uuid.uuid4())
        if case_id is not None:
            _, case, _ = self.visible_case(actor, case_id, "record_benefit_check")
            beneficiary_id = case.beneficiary_id
        check = BenefitCheck.record(
            team,
            beneficiary_id=beneficiary_id,
            case_id=str(case_id) if case_id else None,
            benefit=benefit,
            applicant=self.seal(beneficiary_id, applicant),
            documents_checked=documents_checked,
            discrepancies=discrepancies,
            outcome=outcome,
            amount=amount,
        )
        self.save_changed(check)
        return benefit_summary(check)

    @records_refusals
    def cosign_benefit_check(
        self,
        actor: Actor,
        check_id: UUID,
        decision: str,
        rationale: str,
        amount: float | None = None,
        measures: list[str] | None = None,
    ) -> dict[str, Any]:
        check, team = self._visible_check(actor, check_id, "cosign_benefit_check")
        sealed = self.seal(check.beneficiary_id, {"text": check_text(rationale, "rationale")})
        check.cosign(team, decision, amount, measures or [], sealed)
        self.save_changed(check)
        return benefit_summary(check)

    def get_benefit_check(self, actor: Actor, check_id: UUID) -> dict[str, Any]:
        check, team = self._visible_check(actor, check_id, "get_benefit_check")
        view = benefit_summary(check)
        opened = self.unseal(
            actor,
            check.check_may_read(team),  # its relation, known to be one
            "benefit_check",
            str(check.id),
            check.beneficiary_id,
            check.case_id,
            {"applicant": check.applicant},
        )
        if opened["applicant"] is not None:
            view["applicant"] = opened["applicant"]
        return view

    # -- helpers -------------------------------------------------------------------
    def _visible_risk(
        self, actor: Actor, risk_id: UUID, command: str
    ) -> tuple[UrgentRisk, Team, Case, str]:
        missing = UnknownRisk(f"no urgent risk {risk_id} that you may see", risk_id=str(risk_id))
        risk = self.find(risk_id, UrgentRisk)
        if risk is None:
            raise missing
        try:
            team, case, relation_ = self.visible_case(actor, UUID(risk.case_id), command)
        except NotFound:
            raise missing from None
        return risk, team, case, relation_

    def _on_risk(self, actor: Actor, risk_id: UUID, command: str, change: Callable) -> dict:
        risk, team, case, _ = self._visible_risk(actor, risk_id, command)
        change(risk, team, case)
        self.save_changed(risk)
        return risk.summary()

    def _visible_check(
        self, actor: Actor, check_id: UUID, command: str
    ) -> tuple[BenefitCheck, Team]:
        missing = UnknownBenefitCheck(
            f"no benefit check {check_id} that you may see", check_id=str(check_id)
        )
        check = self.find(check_id, BenefitCheck)
        if check is None:
            raise missing
        team = self.team(actor)
        try:
            check.check_may_read(team)
        except CaseNotVisible as hidden:
            self.save(Refusal.record(actor, command, hidden, str(check_id)))
            raise missing from None
        return check, team


def benefit_summary(c: BenefitCheck) -> dict[str, Any]:
    return {
        "check_id": str(c.id),
        "municipality": c.municipality,
        "technician_id": c.technician_id,
        "coordinator_id": c.coordinator_id,
        "beneficiary_id": c.beneficiary_id,
        "case_id": c.case_id,
        "benefit": c.benefit,
        "situation": c.situation,
        "documents_checked": list(c.documents_checked),
        "discrepancies": list(c.discrepancies),
        "proposed_outcome": c.proposed_outcome,
        "status": c.status,
        "outcome": c.outcome,
        "amount": c.amount,
        "cosigned_by": c.cosigned_by,
        "measures": list(c.measures),
        "version": c.version,
    }
