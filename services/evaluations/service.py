"""Nameko adapter of the evaluations service: each entrypoint validates its
input against ``contracts/commands/evaluations``, makes one application call
and returns plain data. Who coordinates whom, and the plan's evaluation
period, come from the coordination service's events, never from a call."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from events.adapter import RpcAdapter, command, id_of, query, uuid_arg
from events.audited import AuditedLog
from events.cloudevent import name_of
from events.following import FOLLOWED
from events.nameko import ApplicationProvider, CallContext, ObservedService
from events.subscribe import subscribe
from services.evaluations.application import EvaluationsApplication
from services.evaluations.published import publication_of
from services.evaluations.sessions import JOURNAL_FOLLOWED


def _maybe_id(c: dict[str, Any], field: str) -> UUID | None:
    """An optional id: absent (or empty) means none."""
    return id_of(c, field) if c.get(field) else None


def _evaluation(c: dict[str, Any]) -> UUID:
    return id_of(c, "evaluation_id")


class EvaluationsService(ObservedService, AuditedLog, RpcAdapter):
    name = "evaluations"

    app: EvaluationsApplication = ApplicationProvider(EvaluationsApplication, publication_of)
    correlation_id: str = CallContext()

    # -- in from the coordination service ---------------------------------------
    @subscribe("coordination", FOLLOWED + JOURNAL_FOLLOWED, batch=50)
    def on_coordination(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_coordination(name_of(event.get_type()), event, tracking)

    # -- the evaluation ------------------------------------------------------------
    open_evaluation = command(
        "open_evaluation",
        lambda app, actor, c: app.open_evaluation(
            actor, id_of(c, "technician_id"), c["kind"], c.get("evaluated_on")
        ),
    )
    record_evaluation_section = command(
        "record_evaluation_section",
        lambda app, actor, c: app.record_evaluation_section(
            actor, _evaluation(c), c["section"], c["content"]
        ),
    )
    record_observation = command(
        "record_observation",
        lambda app, actor, c: app.record_observation(actor, _evaluation(c), c["rows"]),
    )
    record_self_assessment = command(
        "record_self_assessment",
        lambda app, actor, c: app.record_self_assessment(actor, _evaluation(c), c["rows"]),
    )
    record_conclusions = command(
        "record_conclusions",
        lambda app, actor, c: app.record_conclusions(actor, _evaluation(c), c["conclusions"]),
    )
    sign_evaluation = command(
        "sign_evaluation", lambda app, actor, c: app.sign_evaluation(actor, _evaluation(c))
    )

    # -- monitoring between evaluations (E.1–E.3) ---------------------------------------
    complete_checklist = command(
        "complete_checklist",
        lambda app, actor, c: app.complete_checklist(
            actor,
            id_of(c, "technician_id"),
            c["activity"],
            c["observed"],
            c["observed_on"],
            c["items"],
            c.get("comment", ""),
            c.get("task_id"),
        ),
    )
    submit_progress_report = command(
        "submit_progress_report",
        lambda app, actor, c: app.submit_progress_report(actor, c["period"], c["content"]),
    )
    resubmit_progress_report = command(
        "resubmit_progress_report",
        lambda app, actor, c: app.resubmit_progress_report(
            actor, id_of(c, "report_id"), c["content"]
        ),
    )
    review_progress_report = command(
        "review_progress_report",
        lambda app, actor, c: app.review_progress_report(
            actor, id_of(c, "report_id"), c["validate"], c.get("comment", "")
        ),
    )

    # -- the coordination evaluated (3.3 §5, §3c) ------------------------------------------
    give_coordination_feedback = command(
        "give_coordination_feedback",
        lambda app, actor, c: app.give_coordination_feedback(
            actor, c["period"], c["scores"], c.get("comment", ""), c.get("suggestions", "")
        ),
    )
    acknowledge_coordination_feedback = command(
        "acknowledge_coordination_feedback",
        lambda app, actor, c: app.acknowledge_coordination_feedback(
            actor, id_of(c, "feedback_id"), c.get("response", "")
        ),
    )
    record_process_evaluation = command(
        "record_process_evaluation",
        lambda app, actor, c: app.record_process_evaluation(
            actor, c["evaluation"], _maybe_id(c, "technician_id")
        ),
    )
    issue_employer_report = command(
        "issue_employer_report",
        lambda app, actor, c: app.issue_employer_report(
            actor, id_of(c, "technician_id"), c.get("since"), c.get("until")
        ),
    )

    # -- queries ------------------------------------------------------------------------
    get_evaluation = query(
        "get_evaluation",
        lambda app, actor, evaluation_id: app.evaluation(
            actor, uuid_arg(evaluation_id, "evaluation_id")
        ),
        past=True,
    )
    technician_record = query(
        "technician_record",
        lambda app, actor, technician_id: app.record_of_technician(
            actor, uuid_arg(technician_id, "technician_id")
        ),
    )
    compare_evaluations = query(
        "compare_evaluations",
        lambda app, actor, technician_id, first=None, second=None: app.compare_evaluations(
            actor,
            uuid_arg(technician_id, "technician_id"),
            uuid_arg(first, "first") if first else None,
            uuid_arg(second, "second") if second else None,
        ),
    )
    evaluations_due = query("evaluations_due", lambda app, actor: app.evaluations_due(actor))
    coordinator_record = query(
        "coordinator_record",
        lambda app, actor, coordinator_id=None: app.coordinator_record(
            actor, uuid_arg(coordinator_id, "coordinator_id") if coordinator_id else None
        ),
    )
    employer_report = query(
        "employer_report",
        lambda app, actor, municipality=None, technician_id=None, since=None, until=None: (
            app.employer_report(
                actor,
                municipality,
                uuid_arg(technician_id, "technician_id") if technician_id else None,
                since,
                until,
            )
        ),
    )
    issued_report = query(
        "issued_report",
        lambda app, actor, report_id: app.issued_report(actor, uuid_arg(report_id, "report_id")),
        past=True,
    )
    record_reads = query(
        "record_reads",
        lambda app, actor, technician_id=None: app.record_reads(
            actor, uuid_arg(technician_id, "technician_id") if technician_id else None
        ),
    )
