"""Commands and queries of the case record (mixin of CasesApplication): the
path of DESIGN §4, each step the domain's to allow (``domain.Case``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_day
from events.pages import page_after
from events.refusals import records_refusals
from events.team import Team
from services.cases.closure import FinalReportMissing
from services.cases.competence import (
    CaseRow,
    InvalidCaseCommand,
    check_social_worker_act,
    check_text,
    check_under_coordination,
    relation,
)
from services.cases.consent import (
    CaseConsent,
    check_consents_to_collection,
    day_of,
)
from services.cases.documents import CaseDocument
from services.cases.domain import Case
from services.cases.part import CasesPart
from services.cases.personal import ERASED, redact, text_of
from services.cases.plan_together import calendar, check_plan
from services.cases.projections import CaseIndex, WorkIndex
from services.cases.vocabulary import ACTIVE

ERASED_PLAN = dict.fromkeys(("objectives", "activities", "note"), ERASED)  # an erased plan

PERSONAL_FIELDS = ("full_name", "cnp", "birth_date", "address", "phone", "email", "household")


class CaseCommands(CasesPart):
    @records_refusals
    def refer_case(
        self,
        actor: Actor,
        municipality: str,
        beneficiary: dict[str, Any],
        categories: list[str],
        referral_source: str,
        referral_note: str,
        technicians: list[str],
        origin: str | None = None,
    ) -> dict[str, Any]:
        team = self.team(actor)
        beneficiary_id = str(uuid.uuid4())
        kind = beneficiary.pop("kind")
        case = Case.refer(
            team,
            municipality=municipality,
            beneficiary_id=beneficiary_id,
            beneficiary_kind=kind,
            personal=self.seal(beneficiary_id, beneficiary),
            categories=categories,
            referral_source=referral_source,
            referral_note=self.seal(
                beneficiary_id, {"text": check_text(referral_note, "referral_note")}
            ),
            technicians=technicians,
            origin=origin,
        )
        self.save_changed(case)
        return self._summary(case)

    @records_refusals
    def record_initial_evaluation(self, actor: Actor, case_id: UUID, findings: str) -> dict:
        def evaluate(team: Team, case: Case, seal: Any) -> None:
            self.check_consents(case, "recording the initial evaluation")
            case.record_initial_evaluation(team, seal(findings, "findings"))

        return self._step(actor, case_id, "record_initial_evaluation", evaluate)

    @records_refusals
    def record_consent(
        self, actor: Actor, case_id: UUID, status: str, on: str, limits: str | None = None
    ) -> dict[str, Any]:
        """The person's consent to the processing of their data, as stated
        on ``on`` (``consent.py``): its limits sealed."""
        team, case, _ = self.visible_case(actor, case_id, "record_consent")
        consent = self.started_record(CaseConsent, team, case)
        sealed = None
        if limits is not None and limits.strip():
            sealed = self.seal(case.beneficiary_id, {"text": check_text(limits, "limits")})
        consent.record(
            team,
            case,
            status=status,
            on=day_of(on, "on"),
            today=local_day(self.now()),
            limits=sealed,
            stage=case.stage,
        )
        self.save_changed(consent)
        return self._summary(case)

    def check_consents(self, case: Case, act: str) -> None:
        """R9 with the person's consent: refused or withdrawn, nothing more
        is collected about them (``consent.py``)."""
        check_consents_to_collection(self.record_of(CaseConsent, str(case.id)), act)

    @records_refusals
    def open_case(self, actor: Actor, case_id: UUID, rationale: str) -> dict:
        return self._step(
            actor, case_id, "open_case", lambda t, c, s: c.open(t, s(rationale, "rationale"))
        )

    @records_refusals
    def record_social_diagnosis(
        self, actor: Actor, case_id: UUID, diagnosis: str, needs: list[str], risk_level: str
    ) -> dict:
        return self._step(
            actor,
            case_id,
            "record_social_diagnosis",
            lambda t, c, s: c.diagnose(t, s(diagnosis, "diagnosis"), needs, risk_level),
        )

    @records_refusals
    def write_intervention_plan(
        self,
        actor: Actor,
        case_id: UUID,
        objectives: list[dict[str, Any]],
        note: str = "",
        activities: list[dict[str, Any]] | None = None,
    ) -> dict:
        """Drawing up (version 1) and revising the PII, with its dated calendar (3.2 C)."""

        def plan(team: Team, case: Case, _: Any) -> None:
            # R2 first, then the plan's shape: refused before anything is sealed
            check_social_worker_act(team, case, "write_intervention_plan")
            check_plan(objectives, activities or [])
            content = {"objectives": objectives, "activities": calendar(activities or [])}
            sealed = self.seal(case.beneficiary_id, content | {"note": note})
            case.version_plan(team, sealed, objectives, activities or [])

        return self._step(actor, case_id, "write_intervention_plan", plan)

    @records_refusals
    def start_intervention(self, actor: Actor, case_id: UUID, note: str = "") -> dict:
        return self._step(
            actor,
            case_id,
            "start_intervention",
            lambda t, c, s: c.start_intervention(t, s(note, "note", optional=True)),
        )

    @records_refusals
    def start_monitoring(self, actor: Actor, case_id: UUID, note: str = "") -> dict:
        return self._step(
            actor,
            case_id,
            "start_monitoring",
            lambda t, c, s: c.start_monitoring(t, s(note, "note", optional=True)),
        )

    @records_refusals
    def record_decision(self, actor: Actor, case_id: UUID, decision: str, rationale: str) -> dict:
        return self._step(
            actor,
            case_id,
            "record_decision",
            lambda t, c, s: c.record_decision(t, decision, s(rationale, "rationale")),
        )

    @records_refusals
    def close_case(
        self,
        actor: Actor,
        case_id: UUID,
        outcome: str,
        rationale: str,
        destination: str | None = None,
        final_report_id: str | None = None,
        follow_up_months: int | None = None,
        without_report_reason: str | None = None,
    ) -> dict:
        """R8 (2.4): on the technician's validated final report, or, when no
        technician works on the case, the coordinator's reason (sealed)."""
        if final_report_id is not None:
            self._check_final_report(case_id, final_report_id)
        return self._step(
            actor,
            case_id,
            "close_case",
            lambda t, c, s: c.close(
                t,
                outcome=outcome,
                rationale=s(rationale, "rationale"),
                today=local_day(self.now()),
                destination=destination,
                final_report_id=final_report_id,
                without_report=s(
                    without_report_reason or "", "without_report_reason", optional=True
                ),
                follow_up_months=follow_up_months,
            ),
        )

    @records_refusals
    def begin_follow_up(self, actor: Actor, case_id: UUID, note: str = "") -> dict:
        return self._step(
            actor,
            case_id,
            "begin_follow_up",
            lambda t, c, s: c.begin_follow_up(t, s(note, "note", optional=True)),
        )

    @records_refusals
    def archive_case(
        self, actor: Actor, case_id: UUID, note: str = "", follow_up_decision: str = ""
    ) -> dict:
        """R8: after the follow-up period, or on the recorded decision to end it early."""
        return self._step(
            actor,
            case_id,
            "archive_case",
            lambda t, c, s: c.archive(
                t,
                s(note, "note", optional=True),
                local_day(self.now()),
                s(follow_up_decision, "follow_up_decision", optional=True),
            ),
        )

    @records_refusals
    def assign_technician(self, actor: Actor, case_id: UUID, technician_id: UUID) -> dict:
        return self._step(
            actor,
            case_id,
            "assign_technician",
            lambda t, c, _: c.assign_technician(t, str(technician_id)),
        )

    @records_refusals
    def release_technician(self, actor: Actor, case_id: UUID, technician_id: UUID) -> dict:
        return self._step(
            actor,
            case_id,
            "release_technician",
            lambda t, c, _: c.release_technician(t, str(technician_id)),
        )

    # -- queries -----------------------------------------------------------------
    def get_case(self, actor: Actor, case_id: UUID) -> dict[str, Any]:
        """The case; its personal data and plan only for those who work with
        the person or audit (R9), and each such read recorded."""
        _, case, relation = self.visible_case(actor, case_id, "get_case")
        consent = self.record_of(CaseConsent, str(case.id))
        statements = consent.statements if consent is not None else []
        limits = {f"limits{n}": s["limits"] for n, s in enumerate(statements) if s["limits"]}
        opened = self.unseal(
            actor,
            relation,
            "case",
            str(case.id),
            case.beneficiary_id,
            str(case.id),
            {
                "personal": case.personal,
                "referral_note": case.referral_note,
                "plan": case.plans[-1] if case.plans else None,
                "without_report_reason": case.without_report_reason,
            }
            | limits,
        )
        view = self._summary(case)
        view["consent"] = [  # the person's statements; limits only to those who see (R9)
            s | {"limits": text_of(opened.get(f"limits{n}")) if s["limits"] else None}
            for n, s in enumerate(statements)
        ]
        personal = opened["personal"]
        if personal is not None:  # None: not theirs to see
            view["beneficiary"] = redact(None if personal == ERASED else personal, PERSONAL_FIELDS)
            view["referral_note"] = text_of(opened["referral_note"])
            view["without_report_reason"] = text_of(opened["without_report_reason"])
            plan = opened["plan"]
            view["plan"] = (
                None
                if plan is None
                else {"version": case.plan_version, "activities": []}  # none before 3.2 C
                | (ERASED_PLAN if plan == ERASED else plan)
            )
        return view

    def list_cases(
        self,
        actor: Actor,
        municipality: str | None = None,
        technician_id: str | None = None,
        stage: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> list[dict[str, Any]] | dict[str, Any]:
        """Cases by municipality, technician and stage, within the actor's
        scope, oldest referral first; ids, stages and categories only. With
        ``limit``, one page after ``cursor`` (``events.pages``): a county's
        cases never travel whole; without it, the whole list (the service's
        own callers: the demo's seeding, stories of a few cases)."""
        team = self.team(actor)
        self.check_reads_cases(actor, team, "list_cases")
        check_under_coordination(team)
        index = self.view(CaseIndex)
        # the actor's own candidates (a technician's, a coordinator's) first,
        # so that a person's list costs their cases, not the county's
        within = (
            None
            if technician_id is not None
            else index.candidates(team.role, team.id, list(team.coordinated))
        )
        found = [  # the scope (R9) of the cases selected only, not of every case
            c
            for c in index.select(municipality, technician_id, stage, within=within)
            if relation(team, CaseRow.of(c)) is not None
        ]
        if limit is not None:
            return page_after(found, limit, cursor, key=lambda c: (c["referred_at"], c["case_id"]))
        return sorted(found, key=lambda c: c["referred_at"])

    def case_timeline(self, actor: Actor, case_id: UUID) -> list[dict[str, Any]]:
        self.visible_case(actor, case_id, "case_timeline")
        return self.view(CaseIndex).timeline(str(case_id))

    def visits_of_case(self, actor: Actor, case_id: UUID, period: str) -> dict[str, Any]:
        """The visits-per-month objective of the coordination plan (R7),
        counted from the visit reports."""
        team, case, _ = self.visible_case(actor, case_id, "visits_of_case")
        target = team.terms_for(case.technicians).visits_per_month
        done = self.view(WorkIndex).visits(str(case_id), period)
        return {
            "case_id": str(case_id),
            "period": period,
            "visits": done,
            "target": target,
            "met": done >= target,
        }

    # -- helpers -----------------------------------------------------------------
    def _step(self, actor: Actor, case_id: UUID, command: str, change: Callable) -> dict:
        team, case, _ = self.visible_case(actor, case_id, command)

        def seal(text: str, field: str, optional: bool = False) -> str | None:
            if optional and not text.strip():
                return None
            return self.seal(case.beneficiary_id, {"text": check_text(text, field)})

        change(team, case, seal)
        self.save_changed(case)
        return self._summary(case)

    def _check_final_report(self, case_id: UUID, document_id: str) -> None:
        """Closure rests on the technician's final report as validated (R8)."""
        document = self.find(UUID(document_id), CaseDocument)
        if document is None or document.case_id != str(case_id) or document.kind != "final_report":
            raise InvalidCaseCommand(
                f"{document_id} is not a final report of case {case_id}", field="final_report_id"
            )
        if document.status != "validated":
            raise FinalReportMissing(
                "R8",
                f"the final report {document_id} is {document.status}: validate it first (2.4)",
                field="final_report_id",
                case_id=str(case_id),
            )

    def _summary(self, case: Case) -> dict[str, Any]:
        return {
            "case_id": str(case.id),
            "municipality": case.municipality,
            "beneficiary_id": case.beneficiary_id,
            "beneficiary_kind": case.beneficiary_kind,
            "categories": list(case.categories),
            "referral_source": case.referral_source,
            "origin": case.origin,
            "technicians": list(case.technicians),
            "social_worker_id": case.social_worker_id,
            "stage": case.stage,
            "history": list(case.history),
            "active": case.stage in ACTIVE,
            "plan_version": case.plan_version,
            "decisions": list(case.decisions),
            "outcome": case.outcome,
            "final_report_id": case.final_report_id,
            "follow_up": (
                {"from": case.follow_up[0], "until": case.follow_up[1]} if case.follow_up else None
            ),
            "version": case.version,
        }
