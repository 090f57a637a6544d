"""Technician documents and the coordinator's validation (guide 2.3, 3.2 E):
visit report, observation sheet, phone note, monthly progress report, final
case report. drafted → submitted → validated (optionally with the
coordinator's completions) or returned with comments → revised → submitted
again. Every version is kept; a validated document never changes.

Deadlines (R7): the observation sheet within 24 h of the visit (or what the
coordination plan set), a progress report per active case every month.
Nobody signs on the beneficiary's behalf (case 1 of 4.6).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.clock import LOCAL_TIME, parse_moment
from events.errors import Conflict
from events.team import Team
from events.vocabulary.cases import SIGNATURES
from services.cases.competence import (
    CaseAccessDenied,
    InvalidCaseCommand,
    NobodySignsForTheBeneficiary,
    StageConflict,
    check_field_work,
    check_social_worker_act,
)
from services.cases.domain import Case
from services.cases.vocabulary import ACTIVE, STAGES

# Field work goes on until closure, and again during the follow-up.
FIELD_STAGES = tuple(s for s in STAGES if s not in ("closed", "archived"))
# Each kind (events.vocabulary.cases.DOCUMENT_KINDS, in its order) and the
# stages of the case it belongs to.
KINDS: dict[str, tuple[str, ...]] = {
    "visit_report": FIELD_STAGES,
    "observation_sheet": FIELD_STAGES,
    "phone_note": FIELD_STAGES,
    "progress_report": ACTIVE,
    "final_report": ("intervention", "monitoring"),
}
# Kinds that record a moment: the visit, the call.
MOMENT_KINDS = ("visit_report", "observation_sheet", "phone_note")
WITH_AUTHOR = ("drafted", "returned")  # the states in which its author may still change it


class DocumentStateConflict(Conflict):
    code = "document_state_conflict"


class DocumentAlreadyValidated(DocumentStateConflict):
    code = "document_already_validated"


def check_signature(signature: str) -> str:
    """Case 1 of 4.6: the technician explains, reads and assists, but the
    signature stays the beneficiary's alone."""
    if signature == "on_behalf":
        raise NobodySignsForTheBeneficiary(
            "R2",
            "nobody signs on the beneficiary's behalf: the technician may read the document to "
            "them and assist them in filling it in, the signature is theirs alone; report the "
            "request to your coordinator",
            field="beneficiary_signature",
        )
    if signature not in SIGNATURES:
        raise InvalidCaseCommand(
            f"beneficiary_signature is one of {', '.join(SIGNATURES)}",
            field="beneficiary_signature",
        )
    return signature


def month_end(period: str) -> datetime:
    """The first moment after the month ``YYYY-MM``, county time."""
    try:
        year, month = (int(p) for p in period.split("-"))
        start = datetime(year, month, 1, tzinfo=LOCAL_TIME)
    except ValueError:
        raise InvalidCaseCommand(
            f"period is a month, YYYY-MM, not {period!r}", field="period"
        ) from None
    return (start + timedelta(days=32)).replace(day=1)


class CaseDocument(AuditedAggregate):
    class Drafted(Aggregate.Created, AuditedAggregate.Event):
        case_id: str
        municipality: str
        beneficiary_id: str
        kind: str
        author_id: str
        content: str  # sealed
        beneficiary_signature: str
        occurred_at: str | None
        period: str | None
        due_at: str | None

    # Created by the ``@event("…")`` methods below, named here for the type
    # checker: their fields are the methods' parameters, which it cannot see,
    # so readers keep ``Any`` after ``isinstance``.
    Revised: ClassVar[type[Any]]
    Submitted: ClassVar[type[Any]]
    Returned: ClassVar[type[Any]]
    Validated: ClassVar[type[Any]]

    def __init__(
        self,
        case_id: str,
        municipality: str,
        beneficiary_id: str,
        kind: str,
        author_id: str,
        content: str,
        beneficiary_signature: str,
        occurred_at: str | None,
        period: str | None,
        due_at: str | None,
        **_meta: str,
    ) -> None:
        self.case_id, self.municipality, self.beneficiary_id = case_id, municipality, beneficiary_id
        self.kind, self.author_id = kind, author_id
        self.versions = [content]
        self.beneficiary_signature = beneficiary_signature
        self.occurred_at, self.period, self.due_at = occurred_at, period, due_at
        self.status = "drafted"
        self.late = False
        self.submitted_versions: list[int] = []
        self.returns: list[str] = []
        self.completions: str | None = None
        self.validated_version: int | None = None

    # -- what each event changes (its apply, run again on every load) ----------
    @event("Revised")
    def _revised(
        self,
        version: int,
        content: str,
        beneficiary_signature: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.versions.append(content)
        self.beneficiary_signature = beneficiary_signature
        self.status = "drafted"

    @event("Submitted")
    def _submitted(
        self, version: int, late: bool, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.status, self.late = "submitted", self.late or late
        self.submitted_versions.append(version)

    @event("Returned")
    def _returned(
        self,
        version: int,
        comments: str,  # sealed
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status = "returned"
        self.returns.append(comments)

    @event("Validated")
    def _validated(
        self,
        version: int,
        completions: str | None,  # sealed
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.status, self.completions = "validated", completions
        self.validated_version = version

    @classmethod
    def draft(
        cls,
        team: Team,
        case: Case,
        *,
        kind: str,
        content: str,
        beneficiary_signature: str,
        occurred_at: str | None,
        period: str | None,
        now: datetime,
    ) -> CaseDocument:
        check_field_work(team, case, f"draft a {kind}", coordinator_too=False)
        if kind not in KINDS:
            raise InvalidCaseCommand(f"document kind is one of {', '.join(KINDS)}", field="kind")
        if case.stage not in KINDS[kind]:
            raise StageConflict(
                f"a {kind} is not drafted on a case that is {case.stage}",
                stage=case.stage,
                case_id=str(case.id),
            )
        check_signature(beneficiary_signature)
        due_at = None
        if kind in MOMENT_KINDS:
            if occurred_at is None:
                raise InvalidCaseCommand(f"a {kind} says when it happened", field="occurred_at")
            moment = parse_moment(occurred_at, "occurred_at", InvalidCaseCommand)
            if moment > now + timedelta(minutes=5):
                raise InvalidCaseCommand("occurred_at is in the future", field="occurred_at")
            if kind == "observation_sheet":
                hours = team.terms_for(case.technicians).observation_sheet_hours
                due_at = (moment + timedelta(hours=hours)).isoformat()
        elif occurred_at is not None:
            raise InvalidCaseCommand(f"a {kind} has no occurred_at", field="occurred_at")
        if kind == "progress_report":
            if period is None:
                raise InvalidCaseCommand("a progress report names its month", field="period")
            due_at = month_end(period).isoformat()
        elif period is not None:
            raise InvalidCaseCommand(f"a {kind} has no period", field="period")
        return cls._create(
            cls.Drafted,
            id=uuid.uuid4(),
            case_id=str(case.id),
            municipality=case.municipality,
            beneficiary_id=case.beneficiary_id,
            kind=kind,
            author_id=team.id,
            content=content,
            beneficiary_signature=beneficiary_signature,
            occurred_at=occurred_at,
            period=period,
            due_at=due_at,
            **team.actor.event_fields(),
        )

    # -- the author ------------------------------------------------------------
    def revise(self, team: Team, case: Case, content: str, beneficiary_signature: str) -> None:
        self._check_author(team, case)
        self._check_status("revise", WITH_AUTHOR)
        check_signature(beneficiary_signature)
        self._revised(
            version=len(self.versions) + 1,
            content=content,
            beneficiary_signature=beneficiary_signature,
            **team.actor.event_fields(),
        )

    def submit(self, team: Team, case: Case, now: datetime) -> None:
        self._check_author(team, case)
        self._check_status("submit", ("drafted",))
        if self.submitted_versions and self.submitted_versions[-1] == len(self.versions):
            raise DocumentStateConflict(
                "this version was returned; revise it before submitting again",
                document_id=str(self.id),
            )
        late = self.due_at is not None and now > datetime.fromisoformat(self.due_at)
        self._submitted(version=len(self.versions), late=late, **team.actor.event_fields())

    # -- the coordinator -------------------------------------------------------
    def return_for_changes(self, team: Team, case: Case, comments: str) -> None:
        check_social_worker_act(team, case, "return_document")
        self._check_status("return", ("submitted",))
        self._returned(len(self.versions), comments, **team.actor.event_fields())

    def validate(self, team: Team, case: Case, completions: str | None) -> None:
        check_social_worker_act(team, case, "validate_document")
        if self.status == "validated":
            raise DocumentAlreadyValidated(
                f"document {self.id} was validated already (version {self.validated_version}); "
                "a validated document never changes",
                document_id=str(self.id),
            )
        self._check_status("validate", ("submitted",))
        self._validated(len(self.versions), completions, **team.actor.event_fields())

    # -- reading -----------------------------------------------------------------
    def is_overdue(self, now: datetime) -> bool:
        return (
            self.status in WITH_AUTHOR
            and self.due_at is not None
            and now > datetime.fromisoformat(self.due_at)
        )

    def _check_author(self, team: Team, case: Case) -> None:
        check_field_work(team, case, "change a document", coordinator_too=False)
        if team.id != self.author_id:
            raise CaseAccessDenied(
                "only the document's author changes or submits it", document_id=str(self.id)
            )
        if not case.accepts_field_documents():
            raise StageConflict(
                f"no document work on a case that is {case.stage}",
                stage=case.stage,
                case_id=str(case.id),
            )

    def _check_status(self, action: str, allowed: tuple[str, ...]) -> None:
        if self.status == "validated":
            raise DocumentAlreadyValidated(
                f"document {self.id} is validated: it never changes", document_id=str(self.id)
            )
        if self.status not in allowed:
            raise DocumentStateConflict(
                f"cannot {action} a document that is {self.status}",
                status=self.status,
                document_id=str(self.id),
            )
