"""Commands and the query of the follow-up after closure (mixin of
CasesApplication; guide 2.4, R8): the coordinator plans follow-up visits
and evaluations within the period closure opened, and the technician
records each one done (``follow_up.py``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_day
from events.refusals import records_refusals
from services.cases.competence import check_text
from services.cases.consent import day_of
from services.cases.domain import Case
from services.cases.follow_up import FollowUp
from services.cases.part import CasesPart
from services.cases.personal import text_of


class FollowUpCommands(CasesPart):
    @records_refusals
    def plan_follow_up(
        self, actor: Actor, case_id: UUID, actions: list[dict[str, str]]
    ) -> dict[str, Any]:
        """Follow-up actions, each ``{"action": "visit"|"evaluation",
        "due_on": day}``, within the period (e.g. three monthly visits)."""
        team, case, _ = self.visible_case(actor, case_id, "plan_follow_up")
        follow_up = self.started_record(FollowUp, team, case)
        follow_up.plan(team, case, case.stage, case.follow_up, actions)
        self.save_changed(follow_up)
        return self._follow_up_view(follow_up, case, None)

    @records_refusals
    def record_follow_up(
        self, actor: Actor, case_id: UUID, action: str, done_on: str, note: str = ""
    ) -> dict[str, Any]:
        """A follow-up visit or evaluation done, its note sealed."""
        team, case, _ = self.visible_case(actor, case_id, "record_follow_up")
        follow_up = self.started_record(FollowUp, team, case)
        sealed = None
        if note.strip():
            sealed = self.seal(case.beneficiary_id, {"text": check_text(note, "note")})
        follow_up.record(
            team,
            case,
            case.stage,
            case.follow_up,
            action=action,
            done_on=day_of(done_on, "done_on"),
            today=local_day(self.now()),
            note=sealed,
        )
        self.save_changed(follow_up)
        return self._follow_up_view(follow_up, case, None)

    def follow_up_of_case(self, actor: Actor, case_id: UUID) -> dict[str, Any]:
        """The period, the actions planned and those done; the notes for
        those who see personal data (R9), the read recorded."""
        _, case, relation = self.visible_case(actor, case_id, "follow_up_of_case")
        follow_up = self.record_of(FollowUp, str(case_id))
        notes: dict[str, str | None] = {}
        if follow_up is not None:
            notes = {str(n): d["note"] for n, d in enumerate(follow_up.done) if d["note"]}
        opened = (
            self.unseal(
                actor, relation, "case", str(case.id), case.beneficiary_id, str(case.id), notes
            )
            if notes
            else {}
        )
        return self._follow_up_view(follow_up, case, opened)

    @staticmethod
    def _follow_up_view(
        follow_up: FollowUp | None, case: Case, notes: dict[str, Any] | None
    ) -> dict[str, Any]:
        period = case.follow_up
        done = [] if follow_up is None else follow_up.done
        return {
            "case_id": str(case.id),
            "stage": case.stage,
            "period": {"from": period[0], "until": period[1]} if period else None,
            "planned": [] if follow_up is None else list(follow_up.planned),
            "done": [
                d | {"note": text_of((notes or {}).get(str(n))) if d["note"] else None}
                for n, d in enumerate(done)
            ],
        }
