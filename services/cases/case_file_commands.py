"""Commands and queries of the case file's documents (mixin of
CasesApplication; DGASPC page): ``case_file.py``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_day
from events.refusals import records_refusals
from services.cases.case_file import CaseFile, missing_of
from services.cases.competence import CaseRow, check_text, check_under_coordination, relation
from services.cases.consent import CaseConsent, day_of
from services.cases.domain import Case
from services.cases.part import CasesPart
from services.cases.personal import text_of
from services.cases.projections import CaseIndex
from services.cases.vocabulary import ACTIVE


class CaseFileCommands(CasesPart):
    @records_refusals
    def record_case_file_document(
        self,
        actor: Actor,
        case_id: UUID,
        item: str,
        received_on: str,
        supporting: str | None = None,
        description: str = "",
    ) -> dict[str, Any]:
        """A document of the checklist received; what it is, sealed."""
        team, case, _ = self.visible_case(
            actor, case_id, "record_case_file_document", (CaseConsent, CaseFile)
        )
        self.check_consents(case, "recording a document of the case file")
        case_file = self.started_record(CaseFile, team, case)
        sealed = None
        if description.strip():
            sealed = self.seal(
                case.beneficiary_id, {"text": check_text(description, "description")}
            )
        case_file.receive(
            team,
            case,
            case.stage,
            item=item,
            supporting=supporting,
            received_on=day_of(received_on, "received_on"),
            today=local_day(self.now()),
            description=sealed,
        )
        self.save_changed(case_file)
        return self._case_file_view(case, case_file, None)

    def case_file(self, actor: Actor, case_id: UUID) -> dict[str, Any]:
        """The checklist: what was received, when and by whom, and what is
        missing; descriptions for those who see personal data (R9)."""
        _, case, relation_ = self.visible_case(actor, case_id, "case_file")
        case_file = self.record_of(CaseFile, str(case_id))
        tokens: dict[str, str | None] = {}
        if case_file is not None:
            tokens = {str(n): r["description"] for n, r in enumerate(case_file.received)}
            tokens = {k: v for k, v in tokens.items() if v}
        opened = (
            self.unseal(
                actor, relation_, "case", str(case.id), case.beneficiary_id, str(case.id), tokens
            )
            if tokens
            else {}
        )
        return self._case_file_view(case, case_file, opened)

    def missing_case_file_documents(self, actor: Actor) -> list[dict[str, Any]]:
        """Work to do: the cases in the actor's scope still open whose file
        misses documents, and which (a technician's own cases; a
        coordinator's and their technicians')."""
        team = self.team(actor)
        self.check_reads_cases(actor, team, "missing_case_file_documents")
        check_under_coordination(team)
        rows = self.view(CaseIndex).candidates(team.role, team.id, list(team.coordinated))
        work = []
        for row in rows:
            if row["stage"] not in ("referred", "initial_evaluation", *ACTIVE):
                continue
            if relation(team, CaseRow.of(row)) is None:
                continue
            missing = missing_of(self.record_of(CaseFile, row["case_id"]))
            if missing:
                work.append({"case_id": row["case_id"], "stage": row["stage"], "missing": missing})
        return work

    @staticmethod
    def _case_file_view(
        case: Case, case_file: CaseFile | None, opened: dict[str, Any] | None
    ) -> dict[str, Any]:
        received = [] if case_file is None else case_file.received
        return {
            "case_id": str(case.id),
            "received": [
                {k: v for k, v in r.items() if k != "description"}
                | (
                    {"description": text_of(opened.get(str(n))) if r["description"] else None}
                    if opened is not None
                    else {}
                )
                for n, r in enumerate(received)
            ],
            "missing": missing_of(case_file),
        }
