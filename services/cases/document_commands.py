"""Commands and queries of the technician's documents and the coordinator's
validation (mixin of CasesApplication): the validation queue, overdue work
(R7) and every version of a document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import LOCAL_TIME
from events.errors import NotFound
from events.refusals import records_refusals
from events.team import Team
from services.cases.competence import (
    CaseRow,
    check_text,
    check_under_coordination,
    relation,
)
from services.cases.consent import CaseConsent
from services.cases.documents import WITH_AUTHOR, CaseDocument, month_end
from services.cases.domain import Case
from services.cases.part import CasesPart
from services.cases.personal import text_of
from services.cases.progress import as_progress_report, check_progress_sections, month_figures
from services.cases.projections import CaseIndex, WorkIndex
from services.cases.vocabulary import ACTIVE


class UnknownDocument(NotFound):
    code = "document_not_found"


class DocumentCommands(CasesPart):
    @records_refusals
    def draft_document(
        self,
        actor: Actor,
        case_id: UUID,
        kind: str,
        content: dict[str, Any],
        beneficiary_signature: str = "none",
        occurred_at: str | None = None,
        period: str | None = None,
    ) -> dict[str, Any]:
        team, case, _ = self.visible_case(actor, case_id, "draft_document", (CaseConsent,))
        self.check_consents(case, "drafting a document")
        document = CaseDocument.draft(
            team,
            case,
            kind=kind,
            content=self._sealed_content(team, case, kind, period, content),
            beneficiary_signature=beneficiary_signature,
            occurred_at=occurred_at,
            period=period,
            now=self.now(),
        )
        self.save_changed(document)
        return self.document_summary(document)

    @records_refusals
    def revise_document(
        self,
        actor: Actor,
        document_id: UUID,
        content: dict[str, Any],
        beneficiary_signature: str = "none",
    ) -> dict[str, Any]:
        def revise(d: CaseDocument, t: Team, c: Case) -> None:
            self.check_consents(c, "revising a document")
            sealed = self._sealed_content(t, c, d.kind, d.period, content)
            d.revise(t, c, sealed, beneficiary_signature)

        return self._act(actor, document_id, "revise_document", revise)

    @records_refusals
    def submit_document(self, actor: Actor, document_id: UUID) -> dict[str, Any]:
        return self._act(
            actor, document_id, "submit_document", lambda d, t, c: d.submit(t, c, self.now())
        )

    @records_refusals
    def return_document(self, actor: Actor, document_id: UUID, comments: str) -> dict[str, Any]:
        def return_(d: CaseDocument, t: Team, c: Case) -> None:
            sealed = self.seal(c.beneficiary_id, {"text": check_text(comments, "comments")})
            d.return_for_changes(t, c, sealed)

        return self._act(actor, document_id, "return_document", return_)

    @records_refusals
    def validate_document(
        self, actor: Actor, document_id: UUID, completions: str | None = None
    ) -> dict[str, Any]:
        def validate(d: CaseDocument, t: Team, c: Case) -> None:
            sealed = None
            if completions and completions.strip():
                sealed = self.seal(
                    c.beneficiary_id, {"text": check_text(completions, "completions")}
                )
            d.validate(t, c, sealed)

        return self._act(actor, document_id, "validate_document", validate)

    # -- queries -------------------------------------------------------------------
    def get_document(self, actor: Actor, document_id: UUID) -> dict[str, Any]:
        """The document with every version, the coordinator's comments and
        completions (R9: for those who work on the case, read recorded)."""
        document, _, case, relation_ = self._visible_document(actor, document_id, "get_document")
        tokens: dict[str, str | None] = {
            f"v{n}": token for n, token in enumerate(document.versions, start=1)
        }
        tokens |= {f"return{n}": t for n, t in enumerate(document.returns, start=1)}
        tokens["completions"] = document.completions
        opened = self.unseal(
            actor,
            relation_,
            "document",
            str(document.id),
            case.beneficiary_id,
            str(case.id),
            tokens,
        )
        view = self.document_summary(document)
        # a progress report reads with its sections and figures, one stored
        # as free text with its text (services.cases.progress)
        read = as_progress_report if document.kind == "progress_report" else (lambda c: c)
        if relation_ in ("technician", "coordinator", "auditor"):
            view["versions"] = [
                {"version": n, "content": read(opened[f"v{n}"])}
                for n in range(1, len(document.versions) + 1)
            ]
            view["returns"] = [
                text_of(opened[f"return{n}"]) for n in range(1, len(document.returns) + 1)
            ]
            view["completions"] = text_of(opened["completions"])
        return view

    def documents_of_case(self, actor: Actor, case_id: UUID) -> list[dict[str, Any]]:
        self.visible_case(actor, case_id, "documents_of_case")
        return self.view(WorkIndex).of_case(str(case_id))

    def documents_of_technician(
        self, actor: Actor, technician_id: UUID, open_only: bool = False
    ) -> list[dict[str, Any]]:
        """The documents the technician wrote, on the cases the actor may see
        (R9), in the order drafted; with ``open_only`` those still with their
        author (drafted, or returned for changes). A technician asks for
        their own only. From the read model's index by author: the
        technician's home page asks once, not once per case."""
        team = self.team(actor)
        self.check_reads_cases(actor, team, "documents_of_technician", str(technician_id))
        check_under_coordination(team)
        written = self.view(WorkIndex).of_author(str(technician_id))
        cases = self.view(CaseIndex).cases
        visible = {  # the scope (R9) of the cases they wrote on only, not of every case
            case_id
            for case_id in {d["case_id"] for d in written}
            if case_id in cases and relation(team, CaseRow.of(cases[case_id])) is not None
        }
        return [
            d
            for d in written
            if d["case_id"] in visible and (not open_only or d["status"] in WITH_AUTHOR)
        ]

    def validation_queue(self, actor: Actor) -> list[dict[str, Any]]:
        """What waits for this coordinator's validation, oldest first."""
        team = self.team(actor)
        self.check_reads_cases(actor, team, "validation_queue")
        mine = self.case_ids_in_scope(team, coordinator_only=True)
        queue = [d for d in self.view(WorkIndex).of_cases(mine) if d["status"] == "submitted"]
        return sorted(queue, key=lambda d: (d["submitted_at"], d["document_id"]))

    def overdue_documents(self, actor: Actor) -> list[dict[str, Any]]:
        """R7 within the actor's scope: drafts past their deadline (the
        observation sheet within 24 h of the visit), and months without the
        progress report of an active case."""
        team = self.team(actor)
        self.check_reads_cases(actor, team, "overdue_documents")
        check_under_coordination(team)
        return self.overdue_work(self.case_ids_in_scope(team), self.now())

    def overdue_work(self, case_ids: set[str], now: datetime) -> list[dict[str, Any]]:
        """R7 over the given cases, oldest deadline first; shared by the
        actor's list and the county's figures, so both count alike."""
        work, cases = self.view(WorkIndex), self.view(CaseIndex).cases
        # the cases in scope in the order referred, from the index (never all the county's)
        ordered = sorted(
            (cases[c] for c in case_ids if c in cases),
            key=lambda c: (c["referred_at"], c["case_id"]),
        )
        scope = [c["case_id"] for c in ordered]
        overdue = [d | {"reason": "deadline_passed"} for d in work.overdue(scope, now)]
        handed_in = work.progress_periods(scope)
        for case in ordered:
            if case["stage"] not in ACTIVE:
                continue
            reported = handed_in.get(case["case_id"], set())
            for period in _months(case["opened_at"], now):
                if period not in reported:
                    overdue.append(
                        {
                            "case_id": case["case_id"],
                            "municipality": case["municipality"],
                            "kind": "progress_report",
                            "period": period,
                            "due_at": month_end(period).isoformat(),
                            "reason": "missing",
                        }
                    )
        # by the moment, not the text: deadlines carry different offsets
        # (a visit's own, the county's summer or winter time)
        return sorted(overdue, key=lambda d: datetime.fromisoformat(d["due_at"]))

    def document_summary(self, d: CaseDocument) -> dict[str, Any]:
        return {
            "document_id": str(d.id),
            "case_id": d.case_id,
            "municipality": d.municipality,
            "kind": d.kind,
            "author_id": d.author_id,
            "status": d.status,
            "current_version": len(d.versions),
            "validated_version": d.validated_version,
            "beneficiary_signature": d.beneficiary_signature,
            "occurred_at": d.occurred_at,
            "period": d.period,
            "due_at": d.due_at,
            "late": d.late,
            "overdue": d.is_overdue(self.now()),
            "version": d.version,
        }

    # -- helpers -------------------------------------------------------------------
    def _sealed_content(
        self, team: Team, case: Case, kind: str, period: str | None, content: dict[str, Any]
    ) -> str:
        """The content checked and sealed; a progress report's sections
        (2.3) with the month's figures of the case counted beside them."""
        if kind != "progress_report":
            check_text(content.get("text", ""), "content.text")
            return self.seal(case.beneficiary_id, content)
        sections = check_progress_sections(content)
        counted = self.view(WorkIndex).month_counts(str(case.id), period) if period else {}
        planned = team.terms_for(case.technicians).visits_per_month
        figures = month_figures(counted, planned)
        return self.seal(case.beneficiary_id, sections | {"figures": figures})

    def _visible_document(
        self, actor: Actor, document_id: UUID, command: str
    ) -> tuple[CaseDocument, Team, Case, str]:
        missing = UnknownDocument(
            f"no document {document_id} that you may see", document_id=str(document_id)
        )
        document = self.find(document_id, CaseDocument)
        if document is None:
            raise missing
        try:
            team, case, relation_ = self.visible_case(actor, UUID(document.case_id), command)
        except NotFound:
            raise missing from None
        return document, team, case, relation_

    def _act(self, actor: Actor, document_id: UUID, command: str, change: Callable) -> dict:
        document, team, case, _ = self._visible_document(actor, document_id, command)
        change(document, team, case)
        self.save_changed(document)
        return self.document_summary(document)


def _months(opened_at: str | None, now: datetime) -> list[str]:
    """The complete months since the case was opened (each owes a progress
    report by its end), county time."""
    if opened_at is None:
        return []
    start = datetime.fromisoformat(opened_at).astimezone(LOCAL_TIME)
    year, month = start.year, start.month
    current = now.astimezone(LOCAL_TIME)
    months = []
    while (year, month) < (current.year, current.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
