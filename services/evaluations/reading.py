"""What the evaluations service answers: a technician's record, the progress
between two evaluations, the evaluations due under the plans' periods, the
coordinator's own record (the feedback they received), and the report to
the employer. A mixin of ``EvaluationsApplication``; every answer is scoped
to the asker (``competence.check_reads``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import add_months
from events.following import TeamView
from events.refusals import records_refusals
from events.team import Coordination, Team
from services.evaluations import grid
from services.evaluations.competence import (
    EvaluationAccessDenied,
    EvaluationOutOfOrder,
    InvalidEvaluationCommand,
    UnknownEvaluation,
    UnknownTechnician,
    check_evaluator,
)
from services.evaluations.domain import EvaluationFile, file_id
from services.evaluations.part import EvaluationsPart
from services.evaluations.projections import TechnicianRecords
from services.evaluations.report import EmployerReport, employer_report
from services.evaluations.twoway import FEEDBACK_QUESTIONS, PROCESS_CRITERIA


def check_span(since: str | None, until: str | None) -> None:
    for field, value in (("since", since), ("until", until)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except (TypeError, ValueError):
                raise InvalidEvaluationCommand(f"{field} is a date", field=field) from None
    if since and until and since > until:
        raise InvalidEvaluationCommand("since comes before until", field="since")


class Reading(EvaluationsPart):
    records: Callable[[], TechnicianRecords]
    coordination_of: Callable[[str], Coordination | None]

    def _readable_record(self, team: Team, technician_id: str, command: str) -> dict[str, Any]:
        """The summaries the employer and the county read too; every read by
        someone other than the two parties is recorded."""
        missing = UnknownTechnician(
            f"no evaluation record for technician {technician_id} that you may see",
            technician_id=technician_id,
        )
        record = self.records().of(technician_id)
        if record is None:
            raise missing
        relation = self.scoped(team, record, full=False, command=command, missing=missing)
        self.note_read(team, relation, command, technician_id, technician_id)
        return record

    # -- a technician's record ----------------------------------------------------
    def record_of_technician(self, actor: Actor, technician_id: UUID) -> dict[str, Any]:
        team = self.team(actor)
        record = self._readable_record(team, str(technician_id), "technician_record")
        evaluations = sorted(record["evaluations"].values(), key=lambda e: e["evaluated_on"])
        return {
            "technician_id": record["technician_id"],
            "municipality": record["municipality"],
            "coordinator_id": record["coordinator_id"],
            "evaluations": [
                {
                    "evaluation_id": e["evaluation_id"],
                    "kind": e["kind"],
                    "evaluated_on": e["evaluated_on"],
                    "completed_on": e["completed_on"],
                    "observed": e["observed"],
                    "self_assessed": e["self_assessed"],
                }
                for e in evaluations
            ],
            "checklists": record["checklists"],
            "progress_reports": list(record["progress_reports"].values()),
            "feedback_sessions": record["feedback_sessions"],
            "reports_issued": record["reports_issued"],
        }

    def compare_evaluations(
        self,
        actor: Actor,
        technician_id: UUID,
        first: UUID | None = None,
        second: UUID | None = None,
    ) -> dict[str, Any]:
        """Per-domain progress between two completed evaluations (the last
        two unless named): observed levels, and self-assessed ones."""
        record = self._readable_record(self.team(actor), str(technician_id), "compare_evaluations")
        done = sorted(
            (e for e in record["evaluations"].values() if e["completed_on"]),
            key=lambda e: e["evaluated_on"],
        )
        by_id = {e["evaluation_id"]: e for e in done}
        if first is None and second is None:
            if len(done) < 2:
                raise EvaluationOutOfOrder(
                    f"progress needs two completed evaluations; technician {technician_id} "
                    f"has {len(done)}"
                )
            before, after = done[-2], done[-1]
        else:
            named = [by_id[str(i)] for i in (first, second) if str(i) in by_id]
            if len(named) < 2:
                raise UnknownEvaluation("name two completed evaluations of this technician")
            before, after = sorted(named, key=lambda e: e["evaluated_on"])
        return {
            "technician_id": str(technician_id),
            "from": {"evaluation_id": before["evaluation_id"], "on": before["evaluated_on"]},
            "to": {"evaluation_id": after["evaluation_id"], "on": after["evaluated_on"]},
            "observed": grid.progress(before["observed"], after["observed"]),
            "self_assessed": grid.progress(before["self_assessed"], after["self_assessed"]),
        }

    # -- due under the plans' periods (3.3; quarterly unless the plan says) ---------------
    def evaluations_due(self, actor: Actor) -> list[dict[str, Any]]:
        team = self.team(actor)
        today = self.today()
        if team.role == "social_worker":
            coordinations = list(team.coordinated.values())
        elif team.role in ("spas_head", "county_admin", "auditor"):
            own = team.municipality if team.role == "spas_head" else None
            coordinations = self.view(TeamView).in_force(today, own)
        else:
            raise EvaluationAccessDenied("the evaluations due are the coordinators' and employers'")
        due = []
        for c in coordinations:
            evaluation_file = self.find(file_id(c.contract_id), EvaluationFile)
            every = c.terms.evaluation_every_months
            row = {
                "technician_id": c.technician_id,
                "coordinator_id": c.coordinator_id,
                "contract_id": c.contract_id,
                "municipality": c.municipality,
                "every_months": every,
                "open_evaluation": evaluation_file.open if evaluation_file else None,
            }
            last_on = evaluation_file.last_completed_on if evaluation_file else None
            if evaluation_file is None or not evaluation_file.initial_done or last_on is None:
                row |= {"next": "initial", "due_on": None, "overdue": False}
            else:
                due_on = add_months(date.fromisoformat(last_on), every)
                row |= {"next": "periodic", "due_on": due_on.isoformat(), "overdue": today > due_on}
            due.append(row)
        return sorted(due, key=lambda r: (r["due_on"] or "", r["technician_id"]))

    # -- the coordinator's own record (3.3 §5, §3c) -----------------------------------------
    def coordinator_record(
        self, actor: Actor, coordinator_id: UUID | None = None
    ) -> dict[str, Any]:
        team = self.team(actor)
        wanted = str(coordinator_id or team.id)
        if not (team.role == "social_worker" and wanted == team.id) and team.role != "auditor":
            raise EvaluationAccessDenied(
                "a coordinator's record is theirs (and the auditor's) to read"
            )
        feedback, process = [], []
        for record in self.records().technicians.values():
            feedback += [
                f | {"technician_id": record["technician_id"]}
                for f in record["coordination_feedback"].values()
                if f["coordinator_id"] == wanted
            ]
            process += [
                p | {"technician_id": record["technician_id"]}
                for p in record["process_evaluations"]
                if p["coordinator_id"] == wanted
            ]
        feedback.sort(key=lambda f: f["given_at"])
        own = "coordinator" if wanted == team.id else team.role
        self.note_read(team, own, "coordinator_record", wanted, None)

        def average(rows: list[dict[str, Any]], key: str) -> float | None:
            values = [r["scores"][key] for r in rows]
            return round(sum(values) / len(values), 3) if values else None

        return {
            "coordinator_id": wanted,
            "feedback_received": feedback,
            "feedback_averages": {q: average(feedback, q) for q in FEEDBACK_QUESTIONS},
            "unacknowledged": sum(f["response"] is None for f in feedback),
            "process_evaluations": process,
            "process_averages": {c: average(process, c) for c in PROCESS_CRITERIA},
        }

    # -- the report to the employer (3.3) ------------------------------------------------
    def employer_report(
        self,
        actor: Actor,
        municipality: str | None = None,
        technician_id: UUID | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        check_span(since, until)
        team = self.team(actor)
        if technician_id is not None:
            records = [self._readable_record(team, str(technician_id), "employer_report")]
        elif team.role == "spas_head":
            if municipality not in (None, team.municipality):
                raise EvaluationAccessDenied(
                    "a SPAS head reads the report of their own SPAS", municipality=municipality
                )
            records = self.records().in_municipality(team.municipality)
        elif team.role == "social_worker":
            records = [
                r
                for r in self.records().in_municipality(municipality)
                if r["technician_id"] in team.coordinated
            ]
        elif team.role in ("county_admin", "auditor"):
            records = self.records().in_municipality(municipality)
        else:
            raise EvaluationAccessDenied("the report is for the employer and the coordinators")
        if technician_id is None and team.role != "social_worker":
            self.note_read(team, team.role, "employer_report", municipality or "county", None)
        return employer_report(records, since, until) | {"municipality": municipality}

    @records_refusals
    def issue_employer_report(
        self,
        actor: Actor,
        technician_id: UUID,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        """The coordinator sends the employer the report for a period; it is
        kept exactly as sent."""
        check_span(since, until)
        team = self.team(actor)
        coordination = check_evaluator(
            team, str(technician_id), self.coordination_of(str(technician_id))
        )
        record = self.records().of(str(technician_id))
        if record is None or not any(e["completed_on"] for e in record["evaluations"].values()):
            raise EvaluationOutOfOrder(
                "the report to the employer follows a completed evaluation; there is none yet"
            )
        report = EmployerReport.issue(team, record, coordination.municipality, since, until)
        self.save(report)
        return {"report_id": str(report.id), "content": report.content}

    def issued_report(self, actor: Actor, report_id: UUID) -> dict[str, Any]:
        team = self.team(actor)
        missing = UnknownEvaluation(f"no report {report_id} that you may see", id=str(report_id))
        report = self.get_as(report_id, EmployerReport, missing)
        relation = self.scoped(
            team, report.content, full=False, command="issued_report", missing=missing
        )
        self.note_read(team, relation, "issued_report", str(report.id), report.technician_id)
        return {"report_id": str(report.id), "content": report.content}
