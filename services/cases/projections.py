"""Read models of the cases service (``events.views.FollowedView``: in
memory, caught up from the log before each read, rebuildable from zero).

- ``CaseIndex``: cases by municipality, technician, stage and beneficiary,
  and each case's timeline;
- ``WorkIndex``: documents (the coordinator's validation queue, what is
  overdue, visits counted per month) and urgent risks.

They hold ids, codes, stages and times — never the sealed personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from sys import intern
from typing import Any
from uuid import UUID

from events.clock import LOCAL_TIME
from events.topics import topics
from events.views import FollowedView
from services.cases.benefits import BenefitCheck
from services.cases.disagreements import CaseDisagreement
from services.cases.documents import WITH_AUTHOR, CaseDocument
from services.cases.domain import Case
from services.cases.risks import UrgentRisk


def _entry(event: Any) -> dict[str, Any]:
    """One line of a case's timeline: when, what, who, on what (ids only)."""
    entry = {
        "at": event.timestamp.isoformat(),
        "event": type(event).__name__,
        "actor_id": getattr(event, "actor_id", None),
        "actor_role": getattr(event, "actor_role", None),
        "subject": str(event.originator_id),
    }
    if isinstance(event, CaseDocument.Drafted):
        entry["kind"] = event.kind
    return entry


class CaseIndex(FollowedView):
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.cases: dict[str, dict[str, Any]] = {}
        # A case's subjects (itself, its documents, risks and checks), not its
        # timeline: the timeline is read from the store when asked for, so the
        # view's memory follows the county's cases, not its history.
        self.subjects: dict[str, list[str]] = {}
        # technician -> their cases' ids (a dict: an ordered set)
        self.of_technician: dict[str, dict[str, None]] = {}
        self.of_social_worker: dict[str, dict[str, None]] = {}  # their own cases' ids

    def apply(self, event: Any) -> None:
        if isinstance(event, Case.Event):
            self._apply_case(str(event.originator_id), event)
        elif isinstance(
            event,
            (CaseDocument.Event, UrgentRisk.Event, BenefitCheck.Event, CaseDisagreement.Event),
        ):
            # the events that name their case (a document's, risk's or check's
            # first does): a subject is listed once, under the case it names
            subjects = self.subjects.get(getattr(event, "case_id", None) or "")
            if subjects is not None and str(event.originator_id) not in subjects:
                subjects.append(str(event.originator_id))

    def timeline(self, case_id: str) -> list[dict[str, Any]]:
        """What happened to the case and its documents, risks and checks, in
        the order stored (the followed topics only)."""
        subjects = self.subjects.get(case_id)
        if not subjects:
            return []
        return [_entry(e) for e in self.stored_of([UUID(s) for s in subjects], self.TOPICS)]

    def _apply_case(self, key: str, event: Any) -> None:
        if isinstance(event, Case.Referred):
            self.subjects[key] = [key]
            self.cases[key] = {
                "case_id": key,
                "municipality": intern(event.municipality),
                "beneficiary_id": event.beneficiary_id,
                "beneficiary_kind": intern(event.beneficiary_kind),
                "categories": [intern(c) for c in event.categories],
                "referral_source": intern(event.referral_source),
                "technicians": [intern(t) for t in event.technicians],
                "social_worker_id": intern(event.social_worker_id),
                "stage": "referred",
                "referred_at": event.timestamp.isoformat(),
                "opened_at": None,
                "closed_at": None,
                "plan_version": 0,
                "follow_up": None,
            }
            self.of_social_worker.setdefault(event.social_worker_id, {})[key] = None
            for technician_id in event.technicians:
                self.of_technician.setdefault(technician_id, {})[key] = None
            return
        case = self.cases[key]
        if isinstance(event, Case.StageChanged):
            case["stage"] = intern(event.stage)
            if event.stage == "opened":
                case["opened_at"] = event.timestamp.isoformat()
            if isinstance(event, Case.Closed):
                case["closed_at"] = event.timestamp.isoformat()
                case["outcome"] = event.outcome
                if event.follow_up_from:
                    case["follow_up"] = {
                        "from": event.follow_up_from,
                        "until": event.follow_up_until,
                    }
        elif isinstance(event, Case.PlanVersioned):
            case["plan_version"] = event.version
            if case["stage"] == "assessment":
                case["stage"] = "intervention_plan"
        elif isinstance(event, Case.TechnicianAssigned):
            case["technicians"].append(intern(event.technician_id))
            self.of_technician.setdefault(event.technician_id, {})[key] = None
        elif isinstance(event, Case.TechnicianReleased):
            case["technicians"].remove(event.technician_id)
            if event.technician_id not in case["technicians"]:
                self.of_technician.get(event.technician_id, {}).pop(key, None)

    def candidates(self, role: str, person_id: str, coordinated: list[str]) -> list[dict]:
        """More than the cases the person may see (``competence.relation``
        decides), fewer than all where the indexes allow: a technician's own
        cases; a social worker's and those of the technicians they coordinate."""
        if role == "technician":
            keys = self.of_technician.get(person_id, {})
        elif role == "social_worker":
            keys = dict(self.of_social_worker.get(person_id, {}))
            for technician_id in coordinated:
                keys.update(self.of_technician.get(technician_id, {}))
        else:
            return list(self.cases.values())
        return [self.cases[k] for k in keys]

    def select(
        self,
        municipality: str | None = None,
        technician_id: str | None = None,
        stage: str | None = None,
        beneficiary_id: str | None = None,
        within: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """The cases that match, of ``within`` (e.g. ``candidates``) or of all."""
        rows: Any = self.cases.values() if within is None else within
        if technician_id is not None:  # a technician's cases from the index, not a scan
            rows = [self.cases[k] for k in self.of_technician.get(technician_id, ())]
        return [
            c
            for c in rows
            if (municipality is None or c["municipality"] == municipality)
            and (technician_id is None or technician_id in c["technicians"])
            and (stage is None or c["stage"] == stage)
            and (beneficiary_id is None or c["beneficiary_id"] == beneficiary_id)
        ]


class DocumentRow(Mapping[str, Any]):
    """A document as ``WorkIndex`` holds it: its fields in slots, read like
    the dict it is answered as (``dict(row)``). A dict per document cost
    about 500 bytes, and a county holds some 300,000 documents: 70 MB of the
    cases service's memory at a million events, against 15 MB as slots."""

    FIELDS = (  # in the order answered
        "document_id", "case_id", "municipality", "kind", "author_id", "occurred_at",
        "period", "due_at", "status", "version", "late", "submitted_at",
    )  # fmt: skip
    __slots__ = FIELDS
    document_id: str
    case_id: str
    municipality: str
    kind: str
    author_id: str
    occurred_at: str
    period: str | None
    due_at: str | None
    status: str
    version: int
    late: bool
    submitted_at: str | None

    def __init__(self, **fields: Any) -> None:
        for name in self.FIELDS:
            setattr(self, name, fields[name])

    def __getitem__(self, name: str) -> Any:
        if name not in self.FIELDS:
            raise KeyError(name)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.FIELDS)

    def __len__(self) -> int:
        return len(self.FIELDS)


class WorkIndex(FollowedView):
    """Documents and urgent risks, by case."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.documents: dict[str, DocumentRow] = {}
        self.risks: dict[str, dict[str, Any]] = {}
        self.by_author: dict[str, list[str]] = {}  # author -> their documents' ids, drafted order
        self.by_case: dict[str, list[str]] = {}  # case -> its documents' ids, drafted order

    def apply(self, event: Any) -> None:
        key = str(event.originator_id)
        if isinstance(event, CaseDocument.Drafted):
            case_id = intern(event.case_id)
            self.documents[key] = DocumentRow(
                document_id=key,
                case_id=case_id,
                municipality=intern(event.municipality),
                kind=intern(event.kind),
                author_id=intern(event.author_id),
                occurred_at=event.occurred_at,
                period=event.period and intern(event.period),
                due_at=event.due_at,
                status="drafted",
                version=1,
                late=False,
                submitted_at=None,
            )
            self.by_author.setdefault(event.author_id, []).append(key)
            self.by_case.setdefault(case_id, []).append(key)
        elif isinstance(event, CaseDocument.Event):
            doc = self.documents[key]
            if isinstance(event, CaseDocument.Revised):
                doc.status, doc.version = "drafted", doc.version + 1
            elif isinstance(event, CaseDocument.Submitted):
                doc.status, doc.late = "submitted", doc.late or event.late
                doc.submitted_at = doc.submitted_at or event.timestamp.isoformat()
            elif isinstance(event, CaseDocument.Returned):
                doc.status = "returned"
            elif isinstance(event, CaseDocument.Validated):
                doc.status = "validated"
        elif isinstance(event, UrgentRisk.Reported):
            self.risks[key] = {
                "risk_id": key,
                "case_id": intern(event.case_id),
                "municipality": intern(event.municipality),
                "category": intern(event.category),
                "reported_at": event.timestamp.isoformat(),
                "acknowledged_at": None,
                "late": event.late,
                "deadline_hours": event.deadline_hours,  # the escalation countdown (home page)
                "status": "reported",
            }
        elif isinstance(event, UrgentRisk.Acknowledged):
            self.risks[key]["status"] = "acknowledged"
            self.risks[key]["acknowledged_at"] = event.timestamp.isoformat()
        elif isinstance(event, UrgentRisk.Assessed):
            self.risks[key]["status"] = "assessed"

    def of_case(self, case_id: str) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows_of(case_id)]

    def of_cases(self, case_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        """The documents of these cases, case by case (from the index: a
        person's lists cost their caseload, not the county's documents)."""
        for case_id in case_ids:
            yield from self.of_case(case_id)

    def of_author(self, author_id: str) -> list[dict[str, Any]]:
        return [dict(self.documents[k]) for k in self.by_author.get(author_id, ())]

    def overdue(self, case_ids: Iterable[str], now: datetime) -> list[dict[str, Any]]:
        """Drafts past their R7 deadline (the observation sheet's 24 h)."""
        return [
            dict(row)
            for case_id in case_ids
            for row in self._rows_of(case_id)
            if row.status in WITH_AUTHOR
            and row.due_at is not None
            and now > datetime.fromisoformat(row.due_at)
        ]

    def _rows_of(self, case_id: str) -> list[DocumentRow]:
        return [self.documents[k] for k in self.by_case.get(case_id, ())]

    def visits(self, case_id: str, period: str) -> int:
        """Field visits of a month, from the visit reports submitted."""
        return sum(1 for row in self._rows_of(case_id) if is_visit_in(row, period))

    def month_counts(self, case_id: str, period: str) -> dict[str, int]:
        """A case's dated documents of a month by kind, received by the
        coordinator as a visit is: a progress report's figures."""
        counted: dict[str, int] = {}
        for row in self._rows_of(case_id):
            if row.occurred_at is not None and is_received_in(row, period):
                counted[row.kind] = counted.get(row.kind, 0) + 1
        return counted

    def visits_in(self, period: str) -> dict[str, int]:
        """Field visits of a month by case, in one pass (the county's
        figures count every case at once)."""
        counted: dict[str, int] = {}
        for d in self.documents.values():
            if is_visit_in(d, period):
                counted[d["case_id"]] = counted.get(d["case_id"], 0) + 1
        return counted

    def progress_periods(self, case_ids: Iterable[str]) -> dict[str, set[str]]:
        """The months each case's progress report was handed in for (R7 is
        checked for every case in scope at once)."""
        periods: dict[str, set[str]] = {}
        for case_id in case_ids:
            for row in self._rows_of(case_id):
                handed_in = row.status in ("submitted", "validated")
                if row.kind == "progress_report" and handed_in and row.period is not None:
                    periods.setdefault(case_id, set()).add(row.period)
        return periods


def is_visit_in(document: Mapping[str, Any], period: str) -> bool:
    """A field visit of the month ``YYYY-MM`` (county time): a visit report
    the coordinator has received (submitted, validated or returned)."""
    return document["kind"] == "visit_report" and is_received_in(document, period)


def is_received_in(document: Mapping[str, Any], period: str) -> bool:
    """A dated document of the month ``YYYY-MM`` (county time) that the
    coordinator has received (submitted, validated or returned)."""
    return (
        document["status"] in ("submitted", "validated", "returned")
        and datetime.fromisoformat(document["occurred_at"]).astimezone(LOCAL_TIME).strftime("%Y-%m")
        == period
    )


WorkIndex.TOPICS = [
    *topics(CaseDocument, "Drafted", "Revised", "Submitted", "Returned", "Validated"),
    *topics(UrgentRisk, "Reported", "Acknowledged", "Assessed"),
]
CaseIndex.TOPICS = [
    *topics(
        Case,
        "Referred",
        "InitialEvaluationRecorded",
        "Opened",
        "Diagnosed",
        "PlanVersioned",
        "InterventionStarted",
        "MonitoringStarted",
        "DecisionRecorded",
        "TechnicianAssigned",
        "TechnicianReleased",
        "Closed",
        "FollowUpBegun",
        "Archived",
    ),
    *WorkIndex.TOPICS,
    *topics(UrgentRisk, "InstitutionNotified"),
    *topics(BenefitCheck, "Recorded", "CoSigned"),
    *topics(CaseDisagreement, "Recorded", "Escalated", "Settled"),
]
