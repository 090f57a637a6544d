"""Nameko adapter of the evaluations service: each entrypoint validates its
input against ``contracts/commands/evaluations``, makes one application call
and returns plain data. Who coordinates whom, and the plan's evaluation
period, come from the coordination service's events, never from a call."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from events.adapter import RpcAdapter
from events.following import FOLLOWED
from events.nameko import ApplicationProvider, CallContext, ObservedService, rpc
from events.subscribe import subscribe
from services.evaluations.application import EvaluationsApplication
from services.evaluations.published import publication_of


class EvaluationsService(ObservedService, RpcAdapter):
    name = "evaluations"

    app: EvaluationsApplication = ApplicationProvider(EvaluationsApplication, publication_of)
    correlation_id: str = CallContext()

    # -- in from the coordination service ---------------------------------------
    @subscribe("coordination", FOLLOWED)
    def on_coordination(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_coordination(event.get_type().split(".")[3], event, tracking)

    # -- the evaluation ------------------------------------------------------------
    @rpc
    def open_evaluation(self, actor: dict, command: dict) -> dict:
        c = self._command("open_evaluation", command)
        return self.app.open_evaluation(
            self._actor(actor),
            self._uuid(c["technician_id"], "technician_id"),
            c["kind"],
            c.get("evaluated_on"),
        )

    @rpc
    def record_evaluation_section(self, actor: dict, command: dict) -> dict:
        c = self._command("record_evaluation_section", command)
        return self.app.record_evaluation_section(
            self._actor(actor), self._evaluation_id(c), c["section"], c["content"]
        )

    @rpc
    def record_observation(self, actor: dict, command: dict) -> dict:
        c = self._command("record_observation", command)
        return self.app.record_observation(self._actor(actor), self._evaluation_id(c), c["rows"])

    @rpc
    def record_self_assessment(self, actor: dict, command: dict) -> dict:
        c = self._command("record_self_assessment", command)
        return self.app.record_self_assessment(
            self._actor(actor), self._evaluation_id(c), c["rows"]
        )

    @rpc
    def record_conclusions(self, actor: dict, command: dict) -> dict:
        c = self._command("record_conclusions", command)
        return self.app.record_conclusions(
            self._actor(actor), self._evaluation_id(c), c["conclusions"]
        )

    @rpc
    def sign_evaluation(self, actor: dict, command: dict) -> dict:
        c = self._command("sign_evaluation", command)
        return self.app.sign_evaluation(self._actor(actor), self._evaluation_id(c))

    # -- monitoring between evaluations (E.1–E.3) ---------------------------------------
    @rpc
    def complete_checklist(self, actor: dict, command: dict) -> dict:
        c = self._command("complete_checklist", command)
        return self.app.complete_checklist(
            self._actor(actor),
            self._uuid(c["technician_id"], "technician_id"),
            c["activity"],
            c["observed"],
            c["observed_on"],
            c["items"],
            c.get("comment", ""),
            c.get("task_id"),
        )

    @rpc
    def submit_progress_report(self, actor: dict, command: dict) -> dict:
        c = self._command("submit_progress_report", command)
        return self.app.submit_progress_report(self._actor(actor), c["period"], c["content"])

    @rpc
    def resubmit_progress_report(self, actor: dict, command: dict) -> dict:
        c = self._command("resubmit_progress_report", command)
        return self.app.resubmit_progress_report(
            self._actor(actor), self._uuid(c["report_id"], "report_id"), c["content"]
        )

    @rpc
    def review_progress_report(self, actor: dict, command: dict) -> dict:
        c = self._command("review_progress_report", command)
        return self.app.review_progress_report(
            self._actor(actor),
            self._uuid(c["report_id"], "report_id"),
            c["validate"],
            c.get("comment", ""),
        )

    @rpc
    def record_feedback_session(self, actor: dict, command: dict) -> dict:
        c = self._command("record_feedback_session", command)
        return self.app.record_feedback_session(
            self._actor(actor), self._uuid(c["technician_id"], "technician_id"), c["session"]
        )

    @rpc
    def comment_feedback_session(self, actor: dict, command: dict) -> dict:
        c = self._command("comment_feedback_session", command)
        return self.app.comment_feedback_session(
            self._actor(actor), self._uuid(c["session_id"], "session_id"), c["comment"]
        )

    # -- the coordination evaluated (3.3 §5, §3c) ------------------------------------------
    @rpc
    def give_coordination_feedback(self, actor: dict, command: dict) -> dict:
        c = self._command("give_coordination_feedback", command)
        return self.app.give_coordination_feedback(
            self._actor(actor),
            c["period"],
            c["scores"],
            c.get("comment", ""),
            c.get("suggestions", ""),
        )

    @rpc
    def acknowledge_coordination_feedback(self, actor: dict, command: dict) -> dict:
        c = self._command("acknowledge_coordination_feedback", command)
        return self.app.acknowledge_coordination_feedback(
            self._actor(actor), self._uuid(c["feedback_id"], "feedback_id"), c.get("response", "")
        )

    @rpc
    def record_process_evaluation(self, actor: dict, command: dict) -> dict:
        c = self._command("record_process_evaluation", command)
        technician_id = c.get("technician_id")
        return self.app.record_process_evaluation(
            self._actor(actor),
            c["evaluation"],
            self._uuid(technician_id, "technician_id") if technician_id else None,
        )

    @rpc
    def issue_employer_report(self, actor: dict, command: dict) -> dict:
        c = self._command("issue_employer_report", command)
        return self.app.issue_employer_report(
            self._actor(actor),
            self._uuid(c["technician_id"], "technician_id"),
            c.get("since"),
            c.get("until"),
        )

    # -- queries ------------------------------------------------------------------------
    @rpc
    def get_evaluation(self, actor: dict, evaluation_id: str) -> dict:
        return self.app.evaluation(self._actor(actor), self._uuid(evaluation_id, "evaluation_id"))

    @rpc
    def technician_record(self, actor: dict, technician_id: str) -> dict:
        return self.app.record_of_technician(
            self._actor(actor), self._uuid(technician_id, "technician_id")
        )

    @rpc
    def compare_evaluations(
        self,
        actor: dict,
        technician_id: str,
        first: str | None = None,
        second: str | None = None,
    ) -> dict:
        return self.app.compare_evaluations(
            self._actor(actor),
            self._uuid(technician_id, "technician_id"),
            self._uuid(first, "first") if first else None,
            self._uuid(second, "second") if second else None,
        )

    @rpc
    def evaluations_due(self, actor: dict) -> list[dict]:
        return self.app.evaluations_due(self._actor(actor))

    @rpc
    def coordinator_record(self, actor: dict, coordinator_id: str | None = None) -> dict:
        return self.app.coordinator_record(
            self._actor(actor),
            self._uuid(coordinator_id, "coordinator_id") if coordinator_id else None,
        )

    @rpc
    def employer_report(
        self,
        actor: dict,
        municipality: str | None = None,
        technician_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict:
        return self.app.employer_report(
            self._actor(actor),
            municipality,
            self._uuid(technician_id, "technician_id") if technician_id else None,
            since,
            until,
        )

    @rpc
    def issued_report(self, actor: dict, report_id: str) -> dict:
        return self.app.issued_report(self._actor(actor), self._uuid(report_id, "report_id"))

    @rpc
    def record_reads(self, actor: dict, technician_id: str | None = None) -> list[dict]:
        return self.app.record_reads(
            self._actor(actor),
            self._uuid(technician_id, "technician_id") if technician_id else None,
        )

    def _evaluation_id(self, c: dict) -> Any:
        return self._uuid(c["evaluation_id"], "evaluation_id")
