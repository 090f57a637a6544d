"""Nameko adapter of the cases service: each entrypoint validates its input
against ``contracts/commands/cases``, makes one application call and
returns plain data. Who coordinates whom comes from the coordination
service's events (``following.py``), never from a call to it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from events.actor import Actor
from events.adapter import RpcAdapter, command, id_of, query, uuid_arg
from events.audited import AuditedLog
from events.cloudevent import name_of
from events.following import FOLLOWED
from events.nameko import ApplicationProvider, CallContext, ObservedService
from events.subscribe import subscribe
from services.cases.application import CasesApplication
from services.cases.published import publication_of


def _if_id(value: Any, field: str) -> UUID | None:
    """An optional id: absent (or empty) means none."""
    return uuid_arg(value, field) if value else None


def _list_cases(
    app: CasesApplication,
    actor: Actor,
    municipality: str | None = None,
    technician_id: str | None = None,
    stage: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Any:
    return app.list_cases(actor, municipality, technician_id, stage, limit, cursor)


class CasesService(ObservedService, AuditedLog, RpcAdapter):
    name = "cases"

    app: CasesApplication = ApplicationProvider(CasesApplication, publication_of)
    correlation_id: str = CallContext()

    # -- in from the coordination service ---------------------------------------
    @subscribe("coordination", FOLLOWED, batch=50)
    def on_coordination(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_coordination(name_of(event.get_type()), event, tracking)

    # -- the case path -------------------------------------------------------------
    refer_case = command(
        "refer_case",
        lambda app, actor, c: app.refer_case(
            actor,
            c["municipality"],
            dict(c["beneficiary"]),
            c["categories"],
            c["referral_source"],
            c.get("referral_note", "—"),
            c.get("technicians", []),
            c.get("origin"),
        ),
    )
    record_consent = command(
        "record_consent",
        lambda app, actor, c: app.record_consent(
            actor, id_of(c, "case_id"), c["status"], c["on"], c.get("limits")
        ),
    )
    record_initial_evaluation = command(
        "record_initial_evaluation",
        lambda app, actor, c: app.record_initial_evaluation(
            actor, id_of(c, "case_id"), c["findings"]
        ),
    )
    open_case = command(
        "open_case",
        lambda app, actor, c: app.open_case(actor, id_of(c, "case_id"), c["rationale"]),
    )
    record_social_diagnosis = command(
        "record_social_diagnosis",
        lambda app, actor, c: app.record_social_diagnosis(
            actor, id_of(c, "case_id"), c["diagnosis"], c["needs"], c["risk_level"]
        ),
    )
    write_intervention_plan = command(
        "write_intervention_plan",
        lambda app, actor, c: app.write_intervention_plan(
            actor, id_of(c, "case_id"), c["objectives"], c.get("note", ""), c.get("activities")
        ),
    )
    acknowledge_intervention_plan = command(
        "acknowledge_intervention_plan",
        lambda app, actor, c: app.acknowledge_intervention_plan(
            actor, id_of(c, "case_id"), c["version"]
        ),
    )
    propose_plan_adjustment = command(
        "propose_plan_adjustment",
        lambda app, actor, c: app.propose_plan_adjustment(
            actor, id_of(c, "case_id"), c["version"], c["proposal"]
        ),
    )
    start_intervention = command(
        "start_intervention",
        lambda app, actor, c: app.start_intervention(actor, id_of(c, "case_id"), c.get("note", "")),
    )
    start_monitoring = command(
        "start_monitoring",
        lambda app, actor, c: app.start_monitoring(actor, id_of(c, "case_id"), c.get("note", "")),
    )
    record_decision = command(
        "record_decision",
        lambda app, actor, c: app.record_decision(
            actor, id_of(c, "case_id"), c["decision"], c["rationale"]
        ),
    )
    close_case = command(
        "close_case",
        lambda app, actor, c: app.close_case(
            actor,
            id_of(c, "case_id"),
            c["outcome"],
            c["rationale"],
            c.get("destination"),
            c.get("final_report_id"),
            c.get("follow_up_months"),
            c.get("without_report_reason"),
        ),
    )
    begin_follow_up = command(
        "begin_follow_up",
        lambda app, actor, c: app.begin_follow_up(actor, id_of(c, "case_id"), c.get("note", "")),
    )
    archive_case = command(
        "archive_case",
        lambda app, actor, c: app.archive_case(
            actor, id_of(c, "case_id"), c.get("note", ""), c.get("follow_up_decision", "")
        ),
    )
    record_disagreement = command(
        "record_disagreement",
        lambda app, actor, c: app.record_disagreement(
            actor, id_of(c, "case_id"), c["party"], c["summary"], c.get("institution")
        ),
    )
    escalate_disagreement = command(
        "escalate_disagreement",
        lambda app, actor, c: app.escalate_disagreement(
            actor, id_of(c, "disagreement_id"), c["reason"]
        ),
    )
    settle_disagreement = command(
        "settle_disagreement",
        lambda app, actor, c: app.settle_disagreement(
            actor, id_of(c, "disagreement_id"), c["settlement"]
        ),
    )
    record_case_file_document = command(
        "record_case_file_document",
        lambda app, actor, c: app.record_case_file_document(
            actor,
            id_of(c, "case_id"),
            c["item"],
            c["received_on"],
            c.get("supporting"),
            c.get("description", ""),
        ),
    )
    plan_follow_up = command(
        "plan_follow_up",
        lambda app, actor, c: app.plan_follow_up(actor, id_of(c, "case_id"), c["actions"]),
    )
    record_follow_up = command(
        "record_follow_up",
        lambda app, actor, c: app.record_follow_up(
            actor, id_of(c, "case_id"), c["action"], c["done_on"], c.get("note", "")
        ),
    )
    assign_technician = command(
        "assign_technician",
        lambda app, actor, c: app.assign_technician(
            actor, id_of(c, "case_id"), id_of(c, "technician_id")
        ),
    )
    release_technician = command(
        "release_technician",
        lambda app, actor, c: app.release_technician(
            actor, id_of(c, "case_id"), id_of(c, "technician_id")
        ),
    )

    # -- documents and validation ---------------------------------------------------
    draft_document = command(
        "draft_document",
        lambda app, actor, c: app.draft_document(
            actor,
            id_of(c, "case_id"),
            c["kind"],
            c["content"],
            c.get("beneficiary_signature", "none"),
            c.get("occurred_at"),
            c.get("period"),
        ),
    )
    revise_document = command(
        "revise_document",
        lambda app, actor, c: app.revise_document(
            actor, id_of(c, "document_id"), c["content"], c.get("beneficiary_signature", "none")
        ),
    )
    submit_document = command(
        "submit_document",
        lambda app, actor, c: app.submit_document(actor, id_of(c, "document_id")),
    )
    return_document = command(
        "return_document",
        lambda app, actor, c: app.return_document(actor, id_of(c, "document_id"), c["comments"]),
    )
    validate_document = command(
        "validate_document",
        lambda app, actor, c: app.validate_document(
            actor, id_of(c, "document_id"), c.get("completions")
        ),
    )

    # -- urgent risks -------------------------------------------------------------
    report_urgent_risk = command(
        "report_urgent_risk",
        lambda app, actor, c: app.report_urgent_risk(
            actor,
            id_of(c, "case_id"),
            c["category"],
            c["observations"],
            c["called_112"],
            c["observed_at"],
            c.get("life_or_integrity_at_risk"),
        ),
    )
    acknowledge_urgent_risk = command(
        "acknowledge_urgent_risk",
        lambda app, actor, c: app.acknowledge_urgent_risk(actor, id_of(c, "risk_id")),
    )
    assess_urgent_risk = command(
        "assess_urgent_risk",
        lambda app, actor, c: app.assess_urgent_risk(
            actor, id_of(c, "risk_id"), c["level"], c["assessment"], c["measures"]
        ),
    )
    notify_institution = command(
        "notify_institution",
        lambda app, actor, c: app.notify_institution(
            actor, id_of(c, "risk_id"), c["institution"], c.get("reference", ""), c["summary"]
        ),
    )

    # -- benefit checks (R4) --------------------------------------------------------
    record_benefit_check = command(
        "record_benefit_check",
        lambda app, actor, c: app.record_benefit_check(
            actor,
            c["benefit"],
            dict(c["applicant"]),
            c["documents_checked"],
            c.get("discrepancies", []),
            c["outcome"],
            c.get("amount"),
            _if_id(c.get("case_id"), "case_id"),
        ),
    )
    cosign_benefit_check = command(
        "cosign_benefit_check",
        lambda app, actor, c: app.cosign_benefit_check(
            actor,
            id_of(c, "check_id"),
            c["decision"],
            c["rationale"],
            c.get("amount"),
            c.get("measures", []),
        ),
    )

    # -- personal data ----------------------------------------------------------------
    erase_personal_data = command(
        "erase_personal_data",
        lambda app, actor, c: app.erase_personal_data(
            actor, id_of(c, "beneficiary_id"), c["legal_basis"], c["reference"]
        ),
    )

    # -- queries: the verified actor, then the query's own arguments ---------------------
    get_case = query(
        "get_case",
        lambda app, actor, case_id: app.get_case(actor, uuid_arg(case_id, "case_id")),
        past=True,
    )
    # With ``limit`` (and the ``cursor`` a page gave), one page (events.pages).
    list_cases = query("list_cases", _list_cases)
    case_timeline = query(
        "case_timeline",
        lambda app, actor, case_id: app.case_timeline(actor, uuid_arg(case_id, "case_id")),
    )
    get_disagreement = query(
        "get_disagreement",
        lambda app, actor, disagreement_id: app.get_disagreement(
            actor, uuid_arg(disagreement_id, "disagreement_id")
        ),
        past=True,
    )
    disagreements_of_case = query(
        "disagreements_of_case",
        lambda app, actor, case_id: app.disagreements_of_case(actor, uuid_arg(case_id, "case_id")),
    )
    case_file = query(
        "case_file",
        lambda app, actor, case_id: app.case_file(actor, uuid_arg(case_id, "case_id")),
    )
    missing_case_file_documents = query(
        "missing_case_file_documents", lambda app, actor: app.missing_case_file_documents(actor)
    )
    intervention_plan_of_case = query(
        "intervention_plan_of_case",
        lambda app, actor, case_id: app.intervention_plan_of_case(
            actor, uuid_arg(case_id, "case_id")
        ),
    )
    follow_up_of_case = query(
        "follow_up_of_case",
        lambda app, actor, case_id: app.follow_up_of_case(actor, uuid_arg(case_id, "case_id")),
    )
    visits_of_case = query(
        "visits_of_case",
        lambda app, actor, case_id, period: app.visits_of_case(
            actor, uuid_arg(case_id, "case_id"), period
        ),
    )
    get_document = query(
        "get_document",
        lambda app, actor, document_id: app.get_document(
            actor, uuid_arg(document_id, "document_id")
        ),
        past=True,
    )
    documents_of_case = query(
        "documents_of_case",
        lambda app, actor, case_id: app.documents_of_case(actor, uuid_arg(case_id, "case_id")),
    )
    documents_of_technician = query(
        "documents_of_technician",
        lambda app, actor, technician_id, open_only=False: app.documents_of_technician(
            actor, uuid_arg(technician_id, "technician_id"), bool(open_only)
        ),
    )
    validation_queue = query("validation_queue", lambda app, actor: app.validation_queue(actor))
    overdue_documents = query("overdue_documents", lambda app, actor: app.overdue_documents(actor))
    get_urgent_risk = query(
        "get_urgent_risk",
        lambda app, actor, risk_id: app.get_urgent_risk(actor, uuid_arg(risk_id, "risk_id")),
        past=True,
    )
    urgent_risks = query(
        "urgent_risks",
        lambda app, actor, open_only=False: app.urgent_risks(actor, bool(open_only)),
    )
    # Aggregates per municipality for the county's report (instrument G).
    county_figures = query(
        "county_figures",
        lambda app, actor, month, municipality=None: app.county_figures(
            actor, month, None if municipality is None else str(municipality)
        ),
    )
    get_benefit_check = query(
        "get_benefit_check",
        lambda app, actor, check_id: app.get_benefit_check(actor, uuid_arg(check_id, "check_id")),
        past=True,
    )
    personal_data_reads = query(
        "personal_data_reads",
        lambda app, actor, case_id=None, beneficiary_id=None: app.personal_data_reads(
            actor, _if_id(case_id, "case_id"), _if_id(beneficiary_id, "beneficiary_id")
        ),
    )
