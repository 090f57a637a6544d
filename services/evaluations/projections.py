"""The evaluations record of each technician, kept in memory from the log
(``FollowedView``): what the employer report, the coordinator's record and
the list of evaluations due are computed from, without loading aggregates.
Levels, dates, scores and recommendations only: the sheets' free text is
read from the aggregates, by those who may."""

from __future__ import annotations

from typing import Any

from events.topics import topics
from events.views import FollowedView
from services.evaluations.domain import Evaluation
from services.evaluations.monitoring import Checklist, FeedbackSession, ProgressReport
from services.evaluations.report import EmployerReport
from services.evaluations.sessions import FollowedSession
from services.evaluations.twoway import CoordinationFeedback, ProcessEvaluation


def _record(technician_id: str) -> dict[str, Any]:
    return {
        "technician_id": technician_id,
        "municipality": None,
        "coordinator_id": None,
        "evaluations": {},
        "checklists": [],
        "progress_reports": {},
        "feedback_sessions": [],
        "coordination_feedback": {},
        "process_evaluations": [],
        "reports_issued": [],
    }


class TechnicianRecords(FollowedView):
    TOPICS = [
        *topics(Evaluation, "Opened", "Observed", "SelfAssessed", "Concluded", "Signed"),
        *topics(Evaluation, "AutonomyConcluded"),
        *topics(Checklist, "Completed"),
        *topics(ProgressReport, "Submitted", "Resubmitted", "Returned", "Validated"),
        *topics(FeedbackSession, "Held"),
        *topics(FollowedSession, "Noted", "Withdrawn"),
        *topics(CoordinationFeedback, "Given", "Acknowledged"),
        *topics(ProcessEvaluation, "Recorded"),
        *topics(EmployerReport, "Issued"),
    ]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.technicians: dict[str, dict[str, Any]] = {}
        self.of_subject: dict[str, str] = {}  # aggregate id -> technician id

    def of(self, technician_id: str) -> dict[str, Any] | None:
        return self.technicians.get(technician_id)

    def in_municipality(self, municipality: str | None) -> list[dict[str, Any]]:
        return [
            t
            for t in self.technicians.values()
            if municipality is None or t["municipality"] == municipality
        ]

    # -- one event at a time ---------------------------------------------------
    def apply(self, event: Any) -> None:
        subject = str(event.originator_id)
        technician_id = getattr(event, "technician_id", None) or self.of_subject[subject]
        self.of_subject[subject] = technician_id
        record = self.technicians.setdefault(technician_id, _record(technician_id))
        if hasattr(event, "municipality"):
            record["municipality"] = event.municipality
            record["coordinator_id"] = event.coordinator_id
        at = event.timestamp.isoformat()
        if isinstance(event, Evaluation.Event):
            self._evaluation(record, subject, event)
        elif isinstance(event, Checklist.Completed):
            record["checklists"].append(
                {
                    "checklist_id": subject,
                    "coordinator_id": event.coordinator_id,
                    "activity": event.activity,
                    "observed_on": event.observed_on,
                    "compliance": event.compliance,
                }
            )
        elif isinstance(event, ProgressReport.Event):
            report = record["progress_reports"].setdefault(subject, {"report_id": subject})
            if isinstance(event, ProgressReport.Submitted):
                report.update(period=event.period, submitted_at=at)
            report["status"] = {
                ProgressReport.Submitted: "submitted",
                ProgressReport.Resubmitted: "submitted",
                ProgressReport.Returned: "returned",
                ProgressReport.Validated: "validated",
            }[type(event)]
        elif isinstance(event, FeedbackSession.Held):  # recorded here, before the journal
            record["feedback_sessions"].append(
                {"session_id": subject, "held_on": event.held_on, "minutes": event.minutes}
            )
        elif isinstance(event, FollowedSession.Noted):
            record["feedback_sessions"].append(
                {
                    "session_id": subject,
                    "entry_id": event.entry_id,
                    "contract_id": event.contract_id,
                    "held_on": event.held_on,
                    "minutes": event.minutes,
                }
            )
        elif isinstance(event, FollowedSession.Withdrawn):  # a mistaken entry: not a session
            record["feedback_sessions"] = [
                s for s in record["feedback_sessions"] if s["session_id"] != subject
            ]
        elif isinstance(event, CoordinationFeedback.Event):
            self._feedback(record, subject, at, event)
        elif isinstance(event, ProcessEvaluation.Recorded):
            record["process_evaluations"].append(
                {
                    "process_evaluation_id": subject,
                    "coordinator_id": event.coordinator_id,
                    "period": event.period,
                    "party": event.party,
                    "scores": event.scores,
                }
            )
        elif isinstance(event, EmployerReport.Issued):
            record["reports_issued"].append(
                {"report_id": subject, "issued_at": at, "period": [event.since, event.until]}
            )

    @staticmethod
    def _feedback(record: dict[str, Any], subject: str, at: str, event: Any) -> None:
        # By class: the events made by @event("...") have their fields only at run time, so
        # the event stays Any to the type checker (each is a leaf class: as isinstance was).
        match type(event):
            case CoordinationFeedback.Given:
                record["coordination_feedback"][subject] = {
                    "feedback_id": subject,
                    "coordinator_id": event.coordinator_id,
                    "period": event.period,
                    "scores": event.scores,
                    "comment": event.comment,
                    "suggestions": event.suggestions,
                    "given_at": at,
                    "response": None,
                }
            case CoordinationFeedback.Acknowledged:
                record["coordination_feedback"][subject]["response"] = event.response

    @staticmethod
    def _evaluation(record: dict[str, Any], subject: str, event: Any) -> None:
        if isinstance(event, Evaluation.Opened):
            record["evaluations"][subject] = {
                "evaluation_id": subject,
                "kind": event.kind,
                "contract_id": event.contract_id,
                "coordinator_id": event.coordinator_id,
                "evaluated_on": event.evaluated_on,
                "completed_on": None,
                "observed": {},
                "self_assessed": {},
                "support": {},
                "conclusions": None,
            }
            return
        evaluation = record["evaluations"][subject]
        match type(event):
            case Evaluation.Observed:
                for domain, row in event.rows.items():
                    evaluation["observed"][domain] = row["level"]
                    evaluation["support"][domain] = row["support"]
            case Evaluation.SelfAssessed:
                evaluation["self_assessed"].update({d: r["level"] for d, r in event.rows.items()})
            case Evaluation.Concluded:
                evaluation["conclusions"] = event.conclusions
            case Evaluation.AutonomyConcluded:
                evaluation["completed_on"] = event.concluded_on
