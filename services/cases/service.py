"""Nameko adapter of the cases service: each entrypoint validates its input
against ``contracts/commands/cases``, makes one application call and
returns plain data. Who coordinates whom comes from the coordination
service's events (``following.py``), never from a call to it."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from events.adapter import RpcAdapter
from events.following import FOLLOWED
from events.nameko import ApplicationProvider, CallContext, ObservedService, rpc
from events.subscribe import subscribe
from services.cases.application import CasesApplication
from services.cases.published import publication_of


def _event_name(event: Any) -> str:
    return event.get_type().split(".")[3]


class CasesService(ObservedService, RpcAdapter):
    name = "cases"

    app: CasesApplication = ApplicationProvider(CasesApplication, publication_of)
    correlation_id: str = CallContext()

    # -- in from the coordination service ---------------------------------------
    @subscribe("coordination", FOLLOWED)
    def on_coordination(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_coordination(_event_name(event), event, tracking)

    # -- the case path -------------------------------------------------------------
    @rpc
    def refer_case(self, actor: dict, command: dict) -> dict:
        c = self._command("refer_case", command)
        return self.app.refer_case(
            self._actor(actor),
            c["municipality"],
            dict(c["beneficiary"]),
            c["categories"],
            c["referral_source"],
            c.get("referral_note", "—"),
            c.get("technicians", []),
        )

    @rpc
    def record_initial_evaluation(self, actor: dict, command: dict) -> dict:
        c = self._command("record_initial_evaluation", command)
        return self.app.record_initial_evaluation(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c["findings"]
        )

    @rpc
    def open_case(self, actor: dict, command: dict) -> dict:
        c = self._command("open_case", command)
        return self.app.open_case(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c["rationale"]
        )

    @rpc
    def record_social_diagnosis(self, actor: dict, command: dict) -> dict:
        c = self._command("record_social_diagnosis", command)
        return self.app.record_social_diagnosis(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            c["diagnosis"],
            c["needs"],
            c["risk_level"],
        )

    @rpc
    def write_intervention_plan(self, actor: dict, command: dict) -> dict:
        c = self._command("write_intervention_plan", command)
        return self.app.write_intervention_plan(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            c["objectives"],
            c.get("note", ""),
        )

    @rpc
    def start_intervention(self, actor: dict, command: dict) -> dict:
        c = self._command("start_intervention", command)
        return self.app.start_intervention(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c.get("note", "")
        )

    @rpc
    def start_monitoring(self, actor: dict, command: dict) -> dict:
        c = self._command("start_monitoring", command)
        return self.app.start_monitoring(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c.get("note", "")
        )

    @rpc
    def record_decision(self, actor: dict, command: dict) -> dict:
        c = self._command("record_decision", command)
        return self.app.record_decision(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c["decision"], c["rationale"]
        )

    @rpc
    def close_case(self, actor: dict, command: dict) -> dict:
        c = self._command("close_case", command)
        window = c.get("follow_up_months")
        return self.app.close_case(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            c["outcome"],
            c["rationale"],
            c.get("destination"),
            c.get("final_report_id"),
            (window["from"], window["until"]) if window else None,
        )

    @rpc
    def begin_follow_up(self, actor: dict, command: dict) -> dict:
        c = self._command("begin_follow_up", command)
        return self.app.begin_follow_up(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c.get("note", "")
        )

    @rpc
    def archive_case(self, actor: dict, command: dict) -> dict:
        c = self._command("archive_case", command)
        return self.app.archive_case(
            self._actor(actor), self._uuid(c["case_id"], "case_id"), c.get("note", "")
        )

    @rpc
    def assign_technician(self, actor: dict, command: dict) -> dict:
        c = self._command("assign_technician", command)
        return self.app.assign_technician(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            self._uuid(c["technician_id"], "technician_id"),
        )

    @rpc
    def release_technician(self, actor: dict, command: dict) -> dict:
        c = self._command("release_technician", command)
        return self.app.release_technician(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            self._uuid(c["technician_id"], "technician_id"),
        )

    # -- documents and validation ---------------------------------------------------
    @rpc
    def draft_document(self, actor: dict, command: dict) -> dict:
        c = self._command("draft_document", command)
        return self.app.draft_document(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            c["kind"],
            c["content"],
            c.get("beneficiary_signature", "none"),
            c.get("occurred_at"),
            c.get("period"),
        )

    @rpc
    def revise_document(self, actor: dict, command: dict) -> dict:
        c = self._command("revise_document", command)
        return self.app.revise_document(
            self._actor(actor),
            self._uuid(c["document_id"], "document_id"),
            c["content"],
            c.get("beneficiary_signature", "none"),
        )

    @rpc
    def submit_document(self, actor: dict, command: dict) -> dict:
        c = self._command("submit_document", command)
        return self.app.submit_document(
            self._actor(actor), self._uuid(c["document_id"], "document_id")
        )

    @rpc
    def return_document(self, actor: dict, command: dict) -> dict:
        c = self._command("return_document", command)
        return self.app.return_document(
            self._actor(actor), self._uuid(c["document_id"], "document_id"), c["comments"]
        )

    @rpc
    def validate_document(self, actor: dict, command: dict) -> dict:
        c = self._command("validate_document", command)
        return self.app.validate_document(
            self._actor(actor), self._uuid(c["document_id"], "document_id"), c.get("completions")
        )

    # -- urgent risks -------------------------------------------------------------
    @rpc
    def report_urgent_risk(self, actor: dict, command: dict) -> dict:
        c = self._command("report_urgent_risk", command)
        return self.app.report_urgent_risk(
            self._actor(actor),
            self._uuid(c["case_id"], "case_id"),
            c["category"],
            c["observations"],
            c["called_112"],
            c["observed_at"],
        )

    @rpc
    def acknowledge_urgent_risk(self, actor: dict, command: dict) -> dict:
        c = self._command("acknowledge_urgent_risk", command)
        return self.app.acknowledge_urgent_risk(
            self._actor(actor), self._uuid(c["risk_id"], "risk_id")
        )

    @rpc
    def assess_urgent_risk(self, actor: dict, command: dict) -> dict:
        c = self._command("assess_urgent_risk", command)
        return self.app.assess_urgent_risk(
            self._actor(actor),
            self._uuid(c["risk_id"], "risk_id"),
            c["level"],
            c["assessment"],
            c["measures"],
        )

    @rpc
    def notify_institution(self, actor: dict, command: dict) -> dict:
        c = self._command("notify_institution", command)
        return self.app.notify_institution(
            self._actor(actor),
            self._uuid(c["risk_id"], "risk_id"),
            c["institution"],
            c.get("reference", ""),
            c["summary"],
        )

    # -- benefit checks (R4) --------------------------------------------------------
    @rpc
    def record_benefit_check(self, actor: dict, command: dict) -> dict:
        c = self._command("record_benefit_check", command)
        case_id = c.get("case_id")
        return self.app.record_benefit_check(
            self._actor(actor),
            c["benefit"],
            dict(c["applicant"]),
            c["documents_checked"],
            c.get("discrepancies", []),
            c["outcome"],
            c.get("amount"),
            self._uuid(case_id, "case_id") if case_id else None,
        )

    @rpc
    def cosign_benefit_check(self, actor: dict, command: dict) -> dict:
        c = self._command("cosign_benefit_check", command)
        return self.app.cosign_benefit_check(
            self._actor(actor),
            self._uuid(c["check_id"], "check_id"),
            c["decision"],
            c["rationale"],
            c.get("amount"),
            c.get("measures", []),
        )

    # -- personal data ----------------------------------------------------------------
    @rpc
    def erase_personal_data(self, actor: dict, command: dict) -> dict:
        c = self._command("erase_personal_data", command)
        return self.app.erase_personal_data(
            self._actor(actor),
            self._uuid(c["beneficiary_id"], "beneficiary_id"),
            c["legal_basis"],
            c["reference"],
        )

    # -- queries ------------------------------------------------------------------------
    @rpc
    def get_case(self, actor: dict, case_id: str) -> dict:
        return self.app.get_case(self._actor(actor), self._uuid(case_id, "case_id"))

    @rpc
    def list_cases(
        self,
        actor: dict,
        municipality: str | None = None,
        technician_id: str | None = None,
        stage: str | None = None,
    ) -> list[dict]:
        return self.app.list_cases(self._actor(actor), municipality, technician_id, stage)

    @rpc
    def case_timeline(self, actor: dict, case_id: str) -> list[dict]:
        return self.app.case_timeline(self._actor(actor), self._uuid(case_id, "case_id"))

    @rpc
    def visits_of_case(self, actor: dict, case_id: str, period: str) -> dict:
        return self.app.visits_of_case(self._actor(actor), self._uuid(case_id, "case_id"), period)

    @rpc
    def get_document(self, actor: dict, document_id: str) -> dict:
        return self.app.get_document(self._actor(actor), self._uuid(document_id, "document_id"))

    @rpc
    def documents_of_case(self, actor: dict, case_id: str) -> list[dict]:
        return self.app.documents_of_case(self._actor(actor), self._uuid(case_id, "case_id"))

    @rpc
    def documents_of_technician(
        self, actor: dict, technician_id: str, open_only: bool = False
    ) -> list[dict]:
        return self.app.documents_of_technician(
            self._actor(actor), self._uuid(technician_id, "technician_id"), bool(open_only)
        )

    @rpc
    def validation_queue(self, actor: dict) -> list[dict]:
        return self.app.validation_queue(self._actor(actor))

    @rpc
    def overdue_documents(self, actor: dict) -> list[dict]:
        return self.app.overdue_documents(self._actor(actor))

    @rpc
    def get_urgent_risk(self, actor: dict, risk_id: str) -> dict:
        return self.app.get_urgent_risk(self._actor(actor), self._uuid(risk_id, "risk_id"))

    @rpc
    def urgent_risks(self, actor: dict, open_only: bool = False) -> list[dict]:
        return self.app.urgent_risks(self._actor(actor), bool(open_only))

    @rpc
    def county_figures(self, actor: dict, month: str, municipality: str | None = None) -> dict:
        """Aggregates per municipality for the county's report (instrument G)."""
        return self.app.county_figures(
            self._actor(actor), month, None if municipality is None else str(municipality)
        )

    @rpc
    def get_benefit_check(self, actor: dict, check_id: str) -> dict:
        return self.app.get_benefit_check(self._actor(actor), self._uuid(check_id, "check_id"))

    @rpc
    def personal_data_reads(
        self, actor: dict, case_id: str | None = None, beneficiary_id: str | None = None
    ) -> list[dict]:
        return self.app.personal_data_reads(
            self._actor(actor),
            self._uuid(case_id, "case_id") if case_id else None,
            self._uuid(beneficiary_id, "beneficiary_id") if beneficiary_id else None,
        )
