"""The report to the employer (3.3: "evaluarea rezultatelor și feedback
general către angajator, precum și recomandări ce vizează formarea
profesională continuă"): per technician the results of the period, the
progress per domain between two evaluations, and the training
recommendations by kind (supervision, training, mentoring, exchange of
experience); across technicians, the same summed up. Computed from the
technicians' records (``projections.py``); pure.

The coordinator issues it to the employer for a period; the issued report
is stored as it was computed, so what the SPAS head received stays on record
whatever is written later.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from statistics import mean
from typing import Any

from eventsourcing.domain import Aggregate

from events.actor import AuditedAggregate
from events.team import Team
from services.evaluations.grid import DOMAINS, SUPPORT_KINDS, progress
from services.evaluations.twoway import FEEDBACK_QUESTIONS


def _within(day: str | None, since: str | None, until: str | None) -> bool:
    return day is not None and (since is None or since <= day) and (until is None or day <= until)


def _average(values: Iterable[float]) -> float | None:
    found = list(values)
    return round(mean(found), 3) if found else None


def _recommendations(evaluation: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """By kind of support: the conclusions' training directions and the
    support the grid recommends per domain."""
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SUPPORT_KINDS}
    if evaluation is None:
        return by_kind
    for item in (evaluation["conclusions"] or {}).get("training", []):
        by_kind[item["kind"]].append({"domain": item["domain"], "direction": item["direction"]})
    named = {(k, i["domain"]) for k, items in by_kind.items() for i in items}
    for domain, kinds in evaluation["support"].items():
        for kind in kinds:
            if (kind, domain) not in named:
                by_kind[kind].append({"domain": domain, "direction": None})
    return by_kind


def technician_report(
    record: dict[str, Any], since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    completed = sorted(
        (
            e
            for e in record["evaluations"].values()
            if e["completed_on"] and _within(e["evaluated_on"], since, until)
        ),
        key=lambda e: e["evaluated_on"],
    )
    latest = completed[-1] if completed else None
    before = completed[-2] if len(completed) > 1 else None
    checklists = [c for c in record["checklists"] if _within(c["observed_on"], since, until)]
    reports = record["progress_reports"].values()
    sessions = [s for s in record["feedback_sessions"] if _within(s["held_on"], since, until)]
    feedback = list(record["coordination_feedback"].values())
    changes = progress(before["observed"], latest["observed"]) if before and latest else []
    return {
        "technician_id": record["technician_id"],
        "municipality": record["municipality"],
        "coordinator_id": record["coordinator_id"],
        "results": {
            "evaluations_completed": [
                {"evaluation_id": e["evaluation_id"], "kind": e["kind"], "on": e["evaluated_on"]}
                for e in completed
            ],
            "checklists": len(checklists),
            "checklist_compliance": _average(c["compliance"] for c in checklists),
            "progress_reports_validated": sum(r.get("status") == "validated" for r in reports),
            "progress_reports_open": sum(r.get("status") != "validated" for r in reports),
            "feedback_sessions": len(sessions),
        },
        "levels": latest["observed"] if latest else {},
        "progress": {
            "from_evaluation": before["evaluation_id"] if before else None,
            "to_evaluation": latest["evaluation_id"] if latest else None,
            "domains": changes,
            "improved": [c["domain"] for c in changes if c["change"] > 0],
            "declined": [c["domain"] for c in changes if c["change"] < 0],
        },
        "support_domains": (latest["conclusions"] or {}).get("support_domains", [])
        if latest
        else [],
        "training_recommendations": _recommendations(latest),
        "coordination_feedback": {
            q: _average(f["scores"][q] for f in feedback) for q in FEEDBACK_QUESTIONS
        },
    }


def employer_report(
    records: Iterable[dict[str, Any]], since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    technicians = [technician_report(r, since, until) for r in records]
    technicians.sort(key=lambda t: t["technician_id"])
    changes: dict[str, list[int]] = {d: [] for d in DOMAINS}
    for t in technicians:
        for c in t["progress"]["domains"]:
            changes[c["domain"]].append(c["change"])
    return {
        "period": {"since": since, "until": until},
        "technicians": technicians,
        "summary": {
            "technicians": len(technicians),
            "evaluations_completed": sum(
                len(t["results"]["evaluations_completed"]) for t in technicians
            ),
            "average_change_by_domain": {
                d: _average(values) for d, values in changes.items() if values
            },
            "recommendations_by_kind": {
                kind: sum(len(t["training_recommendations"][kind]) for t in technicians)
                for kind in SUPPORT_KINDS
            },
        },
    }


class EmployerReport(AuditedAggregate):
    """A report the coordinator issued to the technician's employer."""

    class Issued(Aggregate.Created, AuditedAggregate.Event):
        technician_id: str
        coordinator_id: str
        municipality: str
        since: str | None
        until: str | None
        content: dict[str, Any]

    def __init__(self, technician_id: str, content: dict[str, Any]) -> None:
        self.technician_id, self.content = technician_id, content

    @classmethod
    def issue(
        cls,
        team: Team,
        record: dict[str, Any],
        municipality: str,
        since: str | None,
        until: str | None,
    ) -> EmployerReport:
        return cls._create(
            cls.Issued,
            id=uuid.uuid4(),
            technician_id=record["technician_id"],
            coordinator_id=team.id,
            municipality=municipality,
            since=since,
            until=until,
            content=technician_report(record, since, until),
            **team.actor.event_fields(),
        )
