"""Commands of the monitoring between evaluations (E.1–E.3) and of the
two-way evaluation of the coordination (3.3 §3c, §5). A mixin of
``EvaluationsApplication``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.refusals import records_refusals
from events.team import Team
from services.evaluations.competence import (
    ChangedConcurrently,
    DuplicateSubmission,
    UnknownEvaluation,
)
from services.evaluations.monitoring import Checklist, ProgressReport
from services.evaluations.part import EvaluationsPart
from services.evaluations.twoway import CoordinationFeedback, ProcessEvaluation


class MonitoringCommands(EvaluationsPart):
    # -- E.1 ----------------------------------------------------------------------
    @records_refusals
    def complete_checklist(
        self,
        actor: Actor,
        technician_id: UUID,
        activity: str,
        observed: str,
        observed_on: str,
        items: list[dict[str, Any]],
        comment: str = "",
        task_id: str | None = None,
    ) -> dict[str, Any]:
        team, coordination = self.evaluator(actor, technician_id)
        checklist = Checklist.complete(
            team,
            coordination,
            activity=activity,
            observed=observed,
            observed_on=observed_on,
            items=items,
            comment=comment,
            task_id=task_id,
            today=self.today(),
        )
        self.save(checklist)
        return {"checklist_id": str(checklist.id), "compliance": checklist.compliance}

    # -- E.2 ----------------------------------------------------------------------
    @records_refusals
    def submit_progress_report(
        self, actor: Actor, period: str, content: dict[str, Any]
    ) -> dict[str, Any]:
        report = ProgressReport.submit(self.team(actor), period, content)
        self.save_or(
            DuplicateSubmission(
                f"your progress report for {report.period} was submitted already; revise it "
                "when it is returned",
                report_id=str(report.id),
            ),
            report,
        )
        return _report_view(report)

    @records_refusals
    def resubmit_progress_report(
        self, actor: Actor, report_id: UUID, content: dict[str, Any]
    ) -> dict[str, Any]:
        return self._on_report(actor, report_id, lambda r, t: r.resubmit(t, content))

    @records_refusals
    def review_progress_report(
        self, actor: Actor, report_id: UUID, validate: bool, comment: str = ""
    ) -> dict[str, Any]:
        return self._on_report(actor, report_id, lambda r, t: r.review(t, validate, comment))

    def _on_report(self, actor: Actor, report_id: UUID, change: Any) -> dict[str, Any]:
        team = self.team(actor)
        report = self._record_of(team, report_id, ProgressReport, "progress report", "report")
        change(report, team)
        self.save_or(ChangedConcurrently("the report changed meanwhile; retry"), report)
        return _report_view(report)

    # -- 3.3 §5 and §3c -------------------------------------------------------------------
    @records_refusals
    def give_coordination_feedback(
        self,
        actor: Actor,
        period: str,
        scores: dict[str, Any],
        comment: str = "",
        suggestions: str = "",
    ) -> dict[str, Any]:
        feedback = CoordinationFeedback.give(self.team(actor), period, scores, comment, suggestions)
        self.save_or(
            DuplicateSubmission(
                f"you gave your feedback on the coordination for {period} already",
                feedback_id=str(feedback.id),
            ),
            feedback,
        )
        return {"feedback_id": str(feedback.id), "coordinator_id": feedback.coordinator_id}

    @records_refusals
    def acknowledge_coordination_feedback(
        self, actor: Actor, feedback_id: UUID, response: str = ""
    ) -> dict[str, Any]:
        team = self.team(actor)
        feedback = self.find(feedback_id, CoordinationFeedback)
        if feedback is None or feedback.coordinator_id != team.id:
            raise UnknownEvaluation(
                f"no feedback {feedback_id} addressed to you", feedback_id=str(feedback_id)
            )
        feedback.acknowledge(team, response)
        self.save_or(DuplicateSubmission("acknowledged already"), feedback)
        return {"feedback_id": str(feedback.id), "acknowledged": True}

    @records_refusals
    def record_process_evaluation(
        self, actor: Actor, evaluation: dict[str, Any], technician_id: UUID | None = None
    ) -> dict[str, Any]:
        """The technician evaluates their own coordination; the coordinator
        names the technician whose coordination they evaluate."""
        if technician_id is not None:
            team, coordination = self.evaluator(actor, technician_id)
        else:
            team, coordination = self.team(actor), None
        recorded = ProcessEvaluation.record(team, coordination, evaluation)
        self.save_or(
            DuplicateSubmission(
                f"you evaluated the coordination for {evaluation.get('period')} already"
            ),
            recorded,
        )
        return {"process_evaluation_id": str(recorded.id), "party": recorded.party}

    # -- common -----------------------------------------------------------------------------
    def _record_of(self, team: Team, record_id: UUID, kind: type, what: str, command: str) -> Any:
        """A record of a party's: anyone else is told it does not exist."""
        missing = UnknownEvaluation(f"no {what} {record_id} that you may see", id=str(record_id))
        found: Any = self.get_as(record_id, kind, missing)
        self.scoped(team, vars(found), full=True, command=command, missing=missing)
        return found


def _report_view(report: ProgressReport) -> dict[str, Any]:
    return {
        "report_id": str(report.id),
        "period": report.period,
        "status": report.status,
        "technician_id": report.technician_id,
        "coordinator_id": report.coordinator_id,
        "content": report.content,
    }
