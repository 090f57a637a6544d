"""What the evaluations service publishes: each stored event mapped to its
contract in ``contracts/events/evaluations/``. Ids, kinds, dates, levels of
the scales and task types (DESIGN §5 Minimise): the sheets' text, the
grid's comments and the report's content stay in the store. The evaluation
file, the log of reads and the mirror of the coordination service's facts
(its journal's feedback sessions among them) are internal."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from events.following import ContractRecord, StaffRecord
from events.mapping import publication_mapper
from services.evaluations.audit import RecordRead
from services.evaluations.domain import Evaluation, EvaluationFile
from services.evaluations.monitoring import Checklist, FeedbackSession, ProgressReport
from services.evaluations.report import EmployerReport
from services.evaluations.sessions import FollowedSession
from services.evaluations.twoway import CoordinationFeedback, ProcessEvaluation

# The journal's feedback sessions, as followed, are the coordination service's
# to publish (JournalEntryRecorded); they are not published again from here.
INTERNAL = (
    EvaluationFile.Event,
    RecordRead.Event,
    StaffRecord.Event,
    ContractRecord.Event,
    FollowedSession.Event,
)

# Writing an evaluation, step by step, as published: which part was written.
PARTS = {
    Evaluation.SectionRecorded: lambda e: e.section,
    Evaluation.Observed: lambda e: "observation",
    Evaluation.SelfAssessed: lambda e: "self_assessment",
    Evaluation.Concluded: lambda e: "conclusions",
}
REPORT_STEPS = {
    ProgressReport.Resubmitted: "ProgressReportResubmitted",
    ProgressReport.Returned: "ProgressReportReturned",
    ProgressReport.Validated: "ProgressReportValidated",
}


def _parties(event: Any) -> dict[str, str]:
    return {
        "technician_id": event.technician_id,
        "coordinator_id": event.coordinator_id,
        "contract_id": event.contract_id,
    }


def _evaluation(event: Any) -> Publication | None:
    evaluation = {"evaluation_id": str(event.originator_id)}
    if type(event) in PARTS:
        part = PARTS[type(event)](event)
        domains = sorted(event.rows) if hasattr(event, "rows") else []
        return Publication(
            "EvaluationPartRecorded", evaluation | {"part": part, "domains": domains}
        )
    # By class: the events made by @event("...") have their fields only at run time, so
    # the event stays Any to the type checker (each is a leaf class: as isinstance was).
    match type(event):
        case Evaluation.Opened:
            return Publication(
                "EvaluationOpened",
                evaluation
                | _parties(event)
                | {"kind": event.kind, "evaluated_on": event.evaluated_on},
                municipality=event.municipality,
            )
        case Evaluation.Signed:
            return Publication(
                "EvaluationSigned",
                evaluation | {"party": event.party, "signed_on": event.signed_on},
            )
        case Evaluation.AutonomyConcluded:
            return Publication(
                "AutonomyConcluded",
                evaluation
                | _parties(event)
                | {
                    "kind": event.kind,
                    "autonomous_tasks": event.autonomous_tasks,
                    "support_domains": event.support_domains,
                    "concluded_on": event.concluded_on,
                },
                municipality=event.municipality,
            )
    return None


def _monitoring(event: Any) -> Publication | None:
    match type(event):
        case Checklist.Completed:
            return Publication(
                "ChecklistCompleted",
                {"checklist_id": str(event.originator_id)}
                | _parties(event)
                | {
                    "activity": event.activity,
                    "observed_on": event.observed_on,
                    "compliance": event.compliance,
                },
                municipality=event.municipality,
            )
        case ProgressReport.Submitted:
            return Publication(
                "ProgressReportSubmitted",
                {"report_id": str(event.originator_id)}
                | _parties(event)
                | {"period": event.period},
                municipality=event.municipality,
            )
        case FeedbackSession.Held:
            return Publication(
                "FeedbackSessionHeld",
                {"session_id": str(event.originator_id)}
                | _parties(event)
                | {"held_on": event.held_on, "minutes": event.minutes, "channel": event.channel},
                municipality=event.municipality,
            )
        case FeedbackSession.Commented:
            return Publication("FeedbackSessionCommented", {"session_id": str(event.originator_id)})
    if type(event) in REPORT_STEPS:
        return Publication(REPORT_STEPS[type(event)], {"report_id": str(event.originator_id)})
    return None


def _two_way(event: Any) -> Publication | None:
    match type(event):
        case CoordinationFeedback.Given:
            return Publication(
                "CoordinationFeedbackGiven",
                {"feedback_id": str(event.originator_id)}
                | _parties(event)
                | {"period": event.period, "scores": event.scores},
                municipality=event.municipality,
            )
        case CoordinationFeedback.Acknowledged:
            return Publication(
                "CoordinationFeedbackAcknowledged", {"feedback_id": str(event.originator_id)}
            )
        case ProcessEvaluation.Recorded:
            return Publication(
                "ProcessEvaluationRecorded",
                {"process_evaluation_id": str(event.originator_id)}
                | _parties(event)
                | {"period": event.period, "party": event.party, "scores": event.scores},
                municipality=event.municipality,
            )
        case EmployerReport.Issued:
            return Publication(
                "EmployerReportIssued",
                {
                    "report_id": str(event.originator_id),
                    "technician_id": event.technician_id,
                    "coordinator_id": event.coordinator_id,
                    "since": event.since,
                    "until": event.until,
                },
                municipality=event.municipality,
            )
    return None


publication_of = publication_mapper(INTERNAL, _evaluation, _monitoring, _two_way)
