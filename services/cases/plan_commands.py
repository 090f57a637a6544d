"""The intervention plan drawn up together (mixin of CasesApplication; guide
3.2 C, 2.3, 3.3 §3a): the technician acknowledges the version they carry out
and proposes adjustments; everyone who works on the case reads the plan with
its calendar and the technicians' answers (``plan_together.py``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_day
from events.refusals import records_refusals
from services.cases.competence import check_text
from services.cases.part import CasesPart
from services.cases.personal import ERASED, text_of
from services.cases.plan_together import PlanResponses


class PlanCommands(CasesPart):
    @records_refusals
    def acknowledge_intervention_plan(
        self, actor: Actor, case_id: UUID, version: int
    ) -> dict[str, Any]:
        team, case, _ = self.visible_case(actor, case_id, "acknowledge_intervention_plan")
        responses = self.started_record(PlanResponses, team, case)
        today = local_day(self.now()).isoformat()
        responses.acknowledge(team, case, case.stage, case.plan_version, version, today)
        self.save_changed(responses)
        return self.intervention_plan_of_case(actor, case_id)

    @records_refusals
    def propose_plan_adjustment(
        self, actor: Actor, case_id: UUID, version: int, proposal: str
    ) -> dict[str, Any]:
        team, case, _ = self.visible_case(actor, case_id, "propose_plan_adjustment")
        text = check_text(proposal, "proposal")
        responses = self.started_record(PlanResponses, team, case)
        # checked before sealing: a refused proposal leaves no key behind
        responses.check_may_respond(team, case, case.stage, case.plan_version, version)
        sealed = self.seal(case.beneficiary_id, {"text": text})
        today = local_day(self.now()).isoformat()
        responses.propose(team, case, case.stage, case.plan_version, version, sealed or "", today)
        self.save_changed(responses)
        return self.intervention_plan_of_case(actor, case_id)

    def intervention_plan_of_case(self, actor: Actor, case_id: UUID) -> dict[str, Any]:
        """The current version of the PII — objectives, the dated calendar of
        activities, the note — with who acknowledged which version and the
        adjustments proposed; what they say to those who see personal data
        (R9), the read recorded."""
        _, case, relation = self.visible_case(actor, case_id, "intervention_plan_of_case")
        responses = self.record_of(PlanResponses, str(case.id))
        proposals = [] if responses is None else responses.proposals
        tokens: dict[str, str | None] = {"plan": case.plans[-1] if case.plans else None}
        tokens |= {f"p{n}": p["proposal"] for n, p in enumerate(proposals)}
        opened = self.unseal(
            actor, relation, "case", str(case.id), case.beneficiary_id, str(case.id), tokens
        )
        plan = opened.get("plan")
        content: dict[str, Any] = {"objectives": None, "activities": None, "note": None}
        if plan == ERASED:
            content = dict.fromkeys(content, ERASED)
        elif plan is not None:
            content = {"activities": []} | plan  # versions before the calendar have none
        return {
            "case_id": str(case.id),
            "stage": case.stage,
            "version": case.plan_version,
            **content,
            "acknowledged": [] if responses is None else list(responses.acknowledged),
            "proposals": [
                {k: v for k, v in p.items() if k != "proposal"}
                | {"proposal": text_of(opened.get(f"p{n}"))}
                for n, p in enumerate(proposals)
            ],
        }
