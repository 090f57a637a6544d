"""The cases application: load, change, save; queries return plain data.
The rules live on the aggregates; this module resolves who the actor is
(``Team``, from the coordination service's events), seals personal data
before it reaches an event, and records every read of it (R9)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, overload
from uuid import UUID

from events.actor import Actor
from events.adapter import uuid_arg
from events.clock import LOCAL_TIME
from events.exports import Records, unknown_kind
from events.following import FollowsCoordination, TeamView
from events.refusals import Refusal, records_refusals
from events.store import EventSourcedApplication
from events.team import DEFAULT_TERMS, Team
from events.vocabulary.cases import ERASURE_BASES
from services.cases.audit import (
    BeneficiaryErasure,
    PersonalDataRead,
    ReadLog,
    erasure_id,
)
from services.cases.benefits import BenefitCheck
from services.cases.case_commands import CaseCommands
from services.cases.case_file_commands import CaseFileCommands
from services.cases.case_record import CaseRecord, R
from services.cases.competence import (
    CaseAccessDenied,
    CaseNotVisible,
    CaseRow,
    ChangedConcurrently,
    InvalidCaseCommand,
    StageConflict,
    UnknownBeneficiary,
    UnknownCase,
    check_choice,
    check_reads_cases,
    check_visible,
    relation,
    sees_personal_data,
)
from services.cases.disagreement_commands import DisagreementCommands
from services.cases.disagreements import CaseDisagreement
from services.cases.document_commands import DocumentCommands
from services.cases.documents import CaseDocument
from services.cases.domain import Case
from services.cases.figures import check_month, county_figures, municipalities_in_scope
from services.cases.follow_up_commands import FollowUpCommands
from services.cases.key_cache import ErasureWatch, KeyCache
from services.cases.personal import ERASED, PersonalDataErased, PersonalDataVault
from services.cases.plan_commands import PlanCommands
from services.cases.projections import CaseIndex, WorkIndex
from services.cases.risk_commands import RiskCommands
from services.cases.risks import UrgentRisk


class CasesApplication(
    CaseCommands,
    PlanCommands,
    FollowUpCommands,
    DisagreementCommands,
    CaseFileCommands,
    DocumentCommands,
    RiskCommands,
    FollowsCoordination,
    EventSourcedApplication,
):
    """The cases service's application: the case path, its documents, urgent
    risks and benefit checks, and its beneficiaries' personal data."""

    name = "cases"

    def bundle_records(self, actor: Actor, kind: str, subject: str) -> Records:
        """A case's evidence bundle: the case, its documents, urgent risks
        and benefit checks (``events.exports``), each with its read."""
        if kind != "case":
            raise unknown_kind(kind, ("case",))
        case_id = uuid_arg(subject, "subject")
        self.visible_case(actor, case_id, "export_bundle")
        reads: dict[type, Callable[[Actor, UUID], dict[str, Any]]] = {
            Case: self.get_case,
            CaseDocument: self.get_document,
            UrgentRisk: self.get_urgent_risk,
            BenefitCheck: self.get_benefit_check,
            CaseDisagreement: self.get_disagreement,
        }
        records: Records = []
        for subject_id in map(UUID, self.view(CaseIndex).subjects.get(str(case_id), [])):
            read = reads[type(self.repository.get(subject_id))]
            records.append((subject_id, functools.partial(read, actor, subject_id)))
        return records

    VIEWS = (TeamView, CaseIndex, WorkIndex, ReadLog)  # and ``erasures``, below

    def __init__(self, store_url: str, vault: PersonalDataVault | None = None) -> None:
        super().__init__(store_url)
        self.vault = vault or PersonalDataVault.from_env(store_url)
        # Keys unwrapped once per process, evicted by the erasures on record
        # before any key is used (services/cases/key_cache.py); the one view
        # of the erasures, also what ``reapply_erasures`` deletes again.
        if not self.vault.keys.maxsize:
            self.vault.keys = KeyCache()
        self.erasures = ErasureWatch(self, self.vault.keys)
        self.erasures.catch_up()
        # A key table restored from a backup may hold keys erased since: the
        # erasures on record are applied again before anything is served.
        self.reapplied = self.reapply_erasures()
        if self.reapplied:
            logging.getLogger(__name__).warning(
                "erasures re-applied to the key table (restored from a backup?): %d keys deleted",
                self.reapplied,
            )

    def reapply_erasures(self) -> int:
        """Deletes again every erased person's key that is back in the key
        table (a restore); returns how many were. Erasing is idempotent, so
        replicas starting together do no harm."""
        self.erasures.catch_up()
        return sum(self.vault.erase(UUID(bid)) for bid in self.erasures.beneficiary_ids)

    def close(self) -> None:
        self.vault.close()
        super().close()

    def now(self) -> datetime:
        """The clock; tests and replays may replace it."""
        return datetime.now(UTC)

    # -- who is asking --------------------------------------------------------
    def visible_case(
        self, actor: Actor, case_id: UUID, command: str, records: tuple[type[CaseRecord], ...] = ()
    ) -> tuple[Team, Case, str]:
        """The case and the actor's relation to it. Outside their scope the
        actor is told exactly what they would be told of a case that does not
        exist (R9), and the attempt is recorded. The case's ``records`` the
        command reads next (its consent) are read with the case, in one
        round trip."""
        team = self.team(actor)
        self.read_ahead(case_id, *(kind.id_for(str(case_id)) for kind in records))
        missing = UnknownCase(f"no case {case_id} that you may see", case_id=str(case_id))
        case = self.find(case_id, Case)
        if case is None:
            raise missing
        try:
            return team, case, check_visible(team, case)
        except CaseNotVisible as hidden:
            self.save(Refusal.record(actor, command, hidden, str(case_id)))
            raise missing from None

    def check_reads_cases(
        self, actor: Actor, team: Team, query: str, of_technician: str | None = None
    ) -> None:
        """A list of cases, documents or risks asked for by the county, or of
        another technician's work by a technician: refused and recorded (R9),
        as a case outside one's scope is."""
        try:
            check_reads_cases(team, of_technician)
        except CaseAccessDenied as refused:
            self.save(Refusal.record(actor, query, refused, of_technician))
            raise

    def case_ids_in_scope(self, team: Team, coordinator_only: bool = False) -> set[str]:
        """The cases the actor may see (R9); with ``coordinator_only``, those
        they are the social worker of."""
        rows = self.view(CaseIndex).candidates(team.role, team.id, list(team.coordinated))
        return {
            row["case_id"]
            for row in rows
            if (found := relation(team, CaseRow.of(row))) is not None
            and (not coordinator_only or found == "coordinator")
        }

    def record_of(self, kind: type[R], case_id: str) -> R | None:
        """The case's own record of ``kind`` (consent, follow-up, case file)."""
        return self.find(kind.id_for(case_id), kind)

    def started_record(self, kind: type[R], team: Team, case: Case) -> R:
        """The case's record of ``kind``, started by this command if none yet."""
        found = self.record_of(kind, str(case.id))
        return found if found is not None else kind.start(team, case)

    def save_changed(self, aggregate: Any) -> None:
        """Saves; a concurrent command that changed the same aggregate first
        is a conflict to read again and retry, never a lost update."""
        self.save_or(
            ChangedConcurrently(
                f"{aggregate.id} was changed by another command meanwhile; read it again",
                id=str(aggregate.id),
            ),
            aggregate,
        )

    # -- personal data ----------------------------------------------------------
    @overload
    def seal(self, beneficiary_id: str, data: dict[str, Any]) -> str: ...
    @overload
    def seal(self, beneficiary_id: str, data: None) -> None: ...
    def seal(self, beneficiary_id: str, data: dict[str, Any] | None) -> str | None:
        """Personal data sealed with the person's key (None stays None)."""
        if data is None:
            return None
        self.erasures.catch_up()  # an erasure elsewhere refuses new data at once
        return self.vault.seal(UUID(beneficiary_id), data)

    def unseal(
        self,
        actor: Actor,
        relation: str,
        kind: str,
        subject_id: str,
        beneficiary_id: str,
        case_id: str | None,
        tokens: dict[str, str | None],
    ) -> dict[str, Any]:
        """The sealed fields opened for someone who works with the person (or
        audits), the read recorded first; ``ERASED`` once the person's key is
        gone; None for everyone else (R9)."""
        if not sees_personal_data(relation):
            return dict.fromkeys(tokens)
        recorded = self.save(
            PersonalDataRead.record(
                actor, relation, kind, subject_id, beneficiary_id=beneficiary_id, case_id=case_id
            )
        )
        # every erasure stored before this read is visible now: its key goes
        # first, without a query for the head
        self.erasures.catch_up(max((r.notification.id for r in recorded), default=None))
        opened = self.vault.open_many(UUID(beneficiary_id), list(tokens.values()))
        return {  # a token that opens to nothing: the person's key was erased
            name: (ERASED if value is None and token is not None else value)
            for (name, token), value in zip(tokens.items(), opened, strict=True)
        }

    @records_refusals
    def erase_personal_data(
        self, actor: Actor, beneficiary_id: UUID, legal_basis: str, reference: str
    ) -> dict[str, Any]:
        """Crypto-shredding, where the law allows it: the county (the data
        controller) deletes the person's key. Events, counts, stages and the
        hash chain stay; every personal field reads as erased."""
        if actor.role != "county_admin":
            raise CaseAccessDenied(
                "personal data is erased by the county, as data controller", role=actor.role
            )
        check_choice(legal_basis, ERASURE_BASES, "legal_basis")
        cases = self.view(CaseIndex).select(beneficiary_id=str(beneficiary_id))
        open_ = [c["case_id"] for c in cases if c["stage"] not in ("closed", "archived")]
        if open_:
            raise StageConflict(
                "the person's cases are still open; close and archive them before erasure",
                cases=open_,
            )
        if not cases and not self.vault.known(beneficiary_id):
            raise UnknownBeneficiary(
                f"no beneficiary {beneficiary_id}", beneficiary_id=str(beneficiary_id)
            )
        recorded = self.find(erasure_id(str(beneficiary_id)), BeneficiaryErasure)
        if recorded is not None and self.vault.is_erased(beneficiary_id):
            raise PersonalDataErased(
                f"beneficiary {beneficiary_id}'s personal data was erased already",
                beneficiary_id=str(beneficiary_id),
            )
        if recorded is None:  # recorded first: an erasure is never without its record
            erasure = BeneficiaryErasure.record(actor, str(beneficiary_id), legal_basis, reference)
            self.save_or(
                ChangedConcurrently("the person is being erased by another command"), erasure
            )
        self.vault.erase(beneficiary_id)
        return {
            "beneficiary_id": str(beneficiary_id),
            "erased": True,
            "cases": [c["case_id"] for c in cases],
        }

    def personal_data_reads(
        self, actor: Actor, case_id: UUID | None = None, beneficiary_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        # who read which person's file names cases and people: the auditor's
        # alone, not the county's, which reads figures (R9)
        if actor.role != "auditor":
            raise CaseAccessDenied("the read log is the auditor's", role=actor.role)
        if case_id is None and beneficiary_id is None:
            raise InvalidCaseCommand("name a case or a beneficiary", field="case_id")
        return self.view(ReadLog).of(
            case_id=str(case_id) if case_id else None,
            beneficiary_id=str(beneficiary_id) if beneficiary_id else None,
        )

    # -- the county's report (instrument G) ----------------------------------------
    def county_figures(
        self, actor: Actor, month: str, municipality: str | None = None
    ) -> dict[str, Any]:
        """The cases side of the county's consolidated report: aggregates per
        municipality, nothing about a person, so the county and the SPAS
        heads may read them (R9). What each figure means: ``figures.py``."""
        team = self.team(actor)
        now = self.now()
        today = now.astimezone(LOCAL_TIME).date()
        cases = list(self.view(CaseIndex).cases.values())
        work, coordination = self.view(WorkIndex), self.view(TeamView)
        known = {c["municipality"] for c in cases} | {
            m["municipality"]
            for m in (*coordination.staff.values(), *coordination.contracts.values())
            if m["municipality"]
        }
        wanted = municipalities_in_scope(team.role, team.municipality, municipality, known)
        span = check_month(month, today)
        day = span.reference_day(today)

        def target_of(technicians: list[str]) -> int:
            """The visits objective of the plan of the case's first
            coordinated technician, as ``Team.terms_for`` reads it."""
            for technician_id in technicians:
                found = coordination.coordination_of(technician_id, day)
                if found is not None:
                    return found.terms.visits_per_month
            return DEFAULT_TERMS.visits_per_month

        in_scope = {c["case_id"] for c in cases if c["municipality"] in wanted}
        return county_figures(
            span,
            wanted,
            cases,
            work.documents.values(),
            self.overdue_work(in_scope, now),
            work.risks.values(),
            work.visits_in(span.name),
            target_of,
        )
