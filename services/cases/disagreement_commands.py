"""Commands and queries of the disagreements documented on a case (mixin
of CasesApplication; 4.6 case 3, 4.4.3): ``disagreements.py``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.errors import NotFound
from events.refusals import records_refusals
from services.cases.competence import UnknownCase, check_text
from services.cases.disagreements import CaseDisagreement
from services.cases.domain import Case
from services.cases.part import CasesPart
from services.cases.personal import text_of
from services.cases.projections import CaseIndex


class UnknownDisagreement(NotFound):
    code = "disagreement_not_found"


class DisagreementCommands(CasesPart):
    @records_refusals
    def record_disagreement(
        self,
        actor: Actor,
        case_id: UUID,
        party: str,
        summary: str,
        institution: str | None = None,
    ) -> dict[str, Any]:
        team, case, _ = self.visible_case(actor, case_id, "record_disagreement")
        sealed = self.seal(case.beneficiary_id, {"text": check_text(summary, "summary")})
        disagreement = CaseDisagreement.record(
            team, case, case.stage, party=party, institution=institution, summary=sealed
        )
        self.save_changed(disagreement)
        return self._disagreement_view(disagreement, None)

    @records_refusals
    def escalate_disagreement(
        self, actor: Actor, disagreement_id: UUID, reason: str
    ) -> dict[str, Any]:
        disagreement, case, _ = self._disagreement(actor, disagreement_id, "escalate_disagreement")
        team = self.team(actor)
        sealed = self.seal(case.beneficiary_id, {"text": check_text(reason, "reason")})
        disagreement.escalate(team, case, sealed)
        self.save_changed(disagreement)
        return self._disagreement_view(disagreement, None)

    @records_refusals
    def settle_disagreement(
        self, actor: Actor, disagreement_id: UUID, settlement: str
    ) -> dict[str, Any]:
        disagreement, case, _ = self._disagreement(actor, disagreement_id, "settle_disagreement")
        sealed = self.seal(case.beneficiary_id, {"text": check_text(settlement, "settlement")})
        disagreement.settle(self.team(actor), case, sealed)
        self.save_changed(disagreement)
        return self._disagreement_view(disagreement, None)

    def get_disagreement(self, actor: Actor, disagreement_id: UUID) -> dict[str, Any]:
        """The disagreement with what it is about, each escalation's reason
        and the settlement, for those who see personal data (R9)."""
        disagreement, case, relation = self._disagreement(
            actor, disagreement_id, "get_disagreement"
        )
        tokens: dict[str, str | None] = {
            "summary": disagreement.summary,
            "settlement": disagreement.settlement,
        } | {f"reason{n}": e["reason"] for n, e in enumerate(disagreement.escalations)}
        opened = self.unseal(
            actor,
            relation,
            "disagreement",
            str(disagreement.id),
            case.beneficiary_id,
            str(case.id),
            tokens,
        )
        return self._disagreement_view(disagreement, opened)

    def disagreements_of_case(self, actor: Actor, case_id: UUID) -> list[dict[str, Any]]:
        """The disagreements documented on the case, ids and state only."""
        self.visible_case(actor, case_id, "disagreements_of_case")
        found = []
        for subject in self.view(CaseIndex).subjects.get(str(case_id), []):
            aggregate: Any = self.repository.get(UUID(subject))
            if isinstance(aggregate, CaseDisagreement):
                found.append(self._disagreement_view(aggregate, None))
        return found

    def _disagreement(
        self, actor: Actor, disagreement_id: UUID, command: str
    ) -> tuple[CaseDisagreement, Case, str]:
        """The disagreement, its case and the actor's relation to it; outside
        their scope, told what they would be of none (R9)."""
        missing = UnknownDisagreement(
            f"no disagreement {disagreement_id} that you may see",
            disagreement_id=str(disagreement_id),
        )
        disagreement = self.find(disagreement_id, CaseDisagreement)
        if disagreement is None:
            raise missing
        try:
            _, case, relation = self.visible_case(actor, UUID(disagreement.case_id), command)
        except UnknownCase:
            raise missing from None
        return disagreement, case, relation

    @staticmethod
    def _disagreement_view(d: CaseDisagreement, opened: dict[str, Any] | None) -> dict[str, Any]:
        view: dict[str, Any] = {
            "disagreement_id": str(d.id),
            "case_id": d.case_id,
            "party": d.party,
            "institution": d.institution,
            "escalated_to": [e["level"] for e in d.escalations],
            "settled": d.settlement is not None,
            "version": d.version,
        }
        if opened is not None and opened["summary"] is not None:
            view["summary"] = text_of(opened["summary"])
            view["reasons"] = [text_of(opened[f"reason{n}"]) for n in range(len(d.escalations))]
            view["settlement"] = text_of(opened["settlement"])
        return view
