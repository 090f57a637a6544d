"""Cases, documents and validations, urgent risks, benefit checks (guide
2.3, 3.2 E G, 4.6). The cases service checks every rule again (R1, R2, R7,
R9); the roles here are the gateway's first line. The county admin reads
none of it (figures per municipality only: ``GET /reports/county``), save
the erasure it orders as the data controller."""

from gateway.route import (
    AUDITOR,
    CASE_READERS,
    COUNTY_ADMIN,
    SOCIAL_WORKER,
    SPAS_HEAD,
    TECHNICIAN,
    Param,
    command,
    query,
    record,
)

FIELD = frozenset({TECHNICIAN, SOCIAL_WORKER})
CASEWORK = frozenset({TECHNICIAN, SOCIAL_WORKER, SPAS_HEAD})
WORKER = frozenset({SOCIAL_WORKER})
OWN_FIELD = frozenset({TECHNICIAN})  # the technician's answer to the plan
T = "cases"
D = "documents"
R = "urgent risks"
B = "benefit checks"

ROUTES = [
    # -- the case path (2.3) ------------------------------------------------------
    command("/cases", "cases", "refer_case", CASEWORK, "Refer a case", tag=T, created=True),
    query(
        "/cases",
        "cases",
        "list_cases",
        CASE_READERS,
        "Cases in your scope",
        tag=T,
        paged=True,
        params=(
            Param("municipality", "string", "SIRUTA code"),
            Param("technician_id", "uuid", "cases the technician is assigned to"),
            Param("stage", "string", "stage of the case path"),
        ),
    ),
    record("/cases/{case_id}", "cases", "get_case", CASE_READERS, "A case", tag=T),
    query(
        "/cases/{case_id}/timeline", "cases", "case_timeline", CASE_READERS, "Its history", tag=T,
        paged=True,
    ),
    query(
        "/cases/{case_id}/visits",
        "cases",
        "visits_of_case",
        CASE_READERS,
        "Visits in a month against the plan's objective (R7)",
        tag=T,
        params=(Param("period", "month", "YYYY-MM", required=True),),
    ),
    command(
        "/cases/{case_id}/initial-evaluation", "cases", "record_initial_evaluation", WORKER,
        "Record the initial evaluation", tag=T, rule="R2",
    ),
    command(
        "/cases/{case_id}/open", "cases", "open_case", WORKER, "Open the case", tag=T, rule="R2"
    ),
    command(
        "/cases/{case_id}/consent", "cases", "record_consent", FIELD,
        "Record the person's consent to the processing of their data", tag=T,
    ),
    command(
        "/cases/{case_id}/social-diagnosis", "cases", "record_social_diagnosis", WORKER,
        "Record the social diagnosis (R2)", tag=T, rule="R2",
    ),
    command(
        "/cases/{case_id}/intervention-plan", "cases", "write_intervention_plan", WORKER,
        "Write or revise the intervention plan (R2)", tag=T, rule="R2",
    ),
    # the plan drawn up together (3.2 C, 2.3): the technician answers it
    command(
        "/cases/{case_id}/intervention-plan/acknowledgement", "cases",
        "acknowledge_intervention_plan", OWN_FIELD,
        "Acknowledge the plan's current version (3.2 C)", tag=T,
    ),
    command(
        "/cases/{case_id}/intervention-plan/adjustments", "cases",
        "propose_plan_adjustment", OWN_FIELD,
        "Propose an adjustment to the plan (2.3); the social worker decides (R2)", tag=T,
    ),
    query(
        "/cases/{case_id}/intervention-plan", "cases", "intervention_plan_of_case", CASE_READERS,
        "The plan with its calendar of activities and the technicians' answers", tag=T,
    ),
    command(
        "/cases/{case_id}/intervention", "cases", "start_intervention", WORKER,
        "Start the intervention", tag=T, rule="R2",
    ),
    command(
        "/cases/{case_id}/monitoring", "cases", "start_monitoring", WORKER,
        "Start monitoring", tag=T, rule="R2",
    ),
    command(
        "/cases/{case_id}/decisions", "cases", "record_decision", WORKER,
        "Record a professional decision (R2)", tag=T, rule="R2",
    ),
    command(
        "/cases/{case_id}/close", "cases", "close_case", WORKER, "Close the case", tag=T, rule="R2"
    ),
    command(
        "/cases/{case_id}/follow-up", "cases", "begin_follow_up", WORKER,
        "Begin the follow-up after closing", tag=T, rule="R8",
    ),
    command(
        "/cases/{case_id}/file", "cases", "record_case_file_document", FIELD,
        "Record a document of the case file received (DGASPC checklist)", tag=T,
    ),
    query(
        "/cases/{case_id}/file", "cases", "case_file", CASE_READERS,
        "The case file's checklist: received, when, by whom; what is missing", tag=T,
    ),
    query(
        "/case-file/missing", "cases", "missing_case_file_documents", CASE_READERS,
        "Work to do: the open cases whose file misses documents, and which", tag=T,
        paged=True,
    ),
    command(
        "/cases/{case_id}/disagreements", "cases", "record_disagreement", FIELD,
        "Document a disagreement with the family or an institution (4.6)", tag=T, created=True,
    ),
    query(
        "/cases/{case_id}/disagreements", "cases", "disagreements_of_case", CASE_READERS,
        "The disagreements documented on the case", tag=T, paged=True,
    ),
    record(
        "/disagreements/{disagreement_id}", "cases", "get_disagreement", CASE_READERS,
        "A disagreement", tag=T,
    ),
    command(
        "/disagreements/{disagreement_id}/escalate", "cases", "escalate_disagreement", WORKER,
        "Escalate it one level up: the SPAS head, then the county (4.4.3)", tag=T, rule="R2",
    ),
    command(
        "/disagreements/{disagreement_id}/settle", "cases", "settle_disagreement", WORKER,
        "Record how it was settled", tag=T, rule="R2",
    ),
    command(
        "/cases/{case_id}/follow-up/plan", "cases", "plan_follow_up", WORKER,
        "Plan follow-up visits and evaluations within the period (2.4)", tag=T, rule="R8",
    ),
    command(
        "/cases/{case_id}/follow-up/actions", "cases", "record_follow_up", FIELD,
        "Record a follow-up visit or evaluation done (2.4)", tag=T, rule="R8",
    ),
    query(
        "/cases/{case_id}/follow-up/record", "cases", "follow_up_of_case", CASE_READERS,
        "The follow-up period, the actions planned and done", tag=T,
    ),
    command(
        "/cases/{case_id}/archive", "cases", "archive_case", WORKER, "Archive", tag=T, rule="R8"
    ),
    command(
        "/cases/{case_id}/technicians", "cases", "assign_technician",
        frozenset({SOCIAL_WORKER, SPAS_HEAD}), "Assign a technician", tag=T,
    ),
    command(
        "/cases/{case_id}/technicians/{technician_id}/release", "cases", "release_technician",
        frozenset({SOCIAL_WORKER, SPAS_HEAD}), "Release a technician from the case", tag=T,
    ),
    # -- documents and validation (3.2 E, R2) --------------------------------------------
    command(
        "/cases/{case_id}/documents", "cases", "draft_document", FIELD,
        "Draft a document (field report, visit, …)", tag=D, created=True,
    ),
    query(
        "/cases/{case_id}/documents", "cases", "documents_of_case", CASE_READERS,
        "The case's documents", tag=D, paged=True,
    ),
    query(
        "/technicians/{technician_id}/documents", "cases", "documents_of_technician",
        CASE_READERS, "The technician's documents on the cases you may see (their own, for a "
        "technician)", tag=D, paged=True,
        params=(Param("open_only", "boolean", "only those still with their author: drafted "
                      "or returned"),),
    ),
    record("/documents/{document_id}", "cases", "get_document", CASE_READERS, "A document", tag=D),
    command(
        "/documents/{document_id}/revise", "cases", "revise_document", FIELD,
        "Revise a draft or returned document", tag=D,
    ),
    command(
        "/documents/{document_id}/submit", "cases", "submit_document", FIELD,
        "Submit it for validation", tag=D,
    ),
    command(
        "/documents/{document_id}/return", "cases", "return_document", WORKER,
        "Return it with comments", tag=D, rule="R2",
    ),
    command(
        "/documents/{document_id}/validate", "cases", "validate_document", WORKER,
        "Validate it (R2)", tag=D, rule="R2",
    ),
    query(
        "/validation-queue", "cases", "validation_queue",
        frozenset({SOCIAL_WORKER, SPAS_HEAD, AUDITOR}), "Documents awaiting your validation",
        tag=D, paged=True,
    ),
    query(
        "/documents/overdue", "cases", "overdue_documents", CASE_READERS,
        "Documents past their deadline", tag=D, paged=True,
    ),
    # -- urgent risks (4.6 case 2, R7) ---------------------------------------------------
    command(
        "/cases/{case_id}/urgent-risks", "cases", "report_urgent_risk", FIELD,
        "Report an urgent risk", tag=R, created=True,
    ),
    query(
        "/urgent-risks", "cases", "urgent_risks", CASE_READERS, "Urgent risks in your scope",
        tag=R, paged=True,
        params=(Param("open_only", "boolean", "only those not yet closed"),),
    ),
    record("/urgent-risks/{risk_id}", "cases", "get_urgent_risk", CASE_READERS, "An urgent risk",
          tag=R),
    command(
        "/urgent-risks/{risk_id}/acknowledge", "cases", "acknowledge_urgent_risk", WORKER,
        "Acknowledge it (the coordinator)", tag=R, rule="R7",
    ),
    command(
        "/urgent-risks/{risk_id}/assessment", "cases", "assess_urgent_risk", WORKER,
        "Assess it (R2)", tag=R, rule="R2",
    ),
    command(
        "/urgent-risks/{risk_id}/notifications", "cases", "notify_institution", WORKER,
        "Notify an institution officially (R2)", tag=R, rule="R2",
    ),
    # -- administrative benefit checks (4.6 case 3) ------------------------------------
    command(
        "/benefit-checks", "cases", "record_benefit_check", FIELD,
        "Record a benefit check", tag=B, created=True,
    ),
    record("/benefit-checks/{check_id}", "cases", "get_benefit_check", CASE_READERS,
          "A benefit check", tag=B),
    command(
        "/benefit-checks/{check_id}/cosign", "cases", "cosign_benefit_check", WORKER,
        "Co-sign it (the coordinator decides)", tag=B, rule="R4",
    ),
    # -- personal data (DESIGN §5) -------------------------------------------------------
    command(
        "/beneficiaries/{beneficiary_id}/erasure", "cases", "erase_personal_data",
        frozenset({COUNTY_ADMIN}), "Erase a beneficiary's personal data (crypto-shredding)",
        tag="personal data",
    ),
    query(
        "/personal-data-reads", "cases", "personal_data_reads", frozenset({AUDITOR}),
        "Who read personal data (the auditor's)", tag="personal data", paged=True,
        params=(Param("case_id", "uuid"), Param("beneficiary_id", "uuid")),
    ),
]
