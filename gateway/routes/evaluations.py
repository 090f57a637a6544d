"""Evaluations of technicians (annexes 1–2, 3.2 B), the monitoring between
them (E.1 checklists, E.2 progress reports, E.3 feedback sessions), the
two-way evaluation of the coordination (3.3 §3c, §5) and the report to the
employer (3.3). The evaluations service checks every rule again (R1: only
the coordinator under the contract in force evaluates; the technician acts
only while coordinated; R9 scoped, recorded reads); the roles here are the
gateway's first line."""

from gateway.route import (
    AUDITOR,
    COUNTY_ADMIN,
    EVERYONE,
    SOCIAL_WORKER,
    SPAS_HEAD,
    TECHNICIAN,
    Param,
    command,
    query,
    record,
)

S = "evaluations"
COORDINATOR = frozenset({SOCIAL_WORKER})
TECHNICIAN_ONLY = frozenset({TECHNICIAN})
BOTH_PARTIES = frozenset({TECHNICIAN, SOCIAL_WORKER})
# the sheet itself: its two parties and the auditor; the employer and the
# county read the summaries only (R9)
SHEET_READERS = frozenset({TECHNICIAN, SOCIAL_WORKER, AUDITOR})
DUE_READERS = frozenset({SOCIAL_WORKER, SPAS_HEAD, COUNTY_ADMIN, AUDITOR})
E = "evaluations"
M = "monitoring"
F = "coordination feedback"
R = "employer reports"

ROUTES = [
    # -- the evaluation (annexes 1–2, 3.2 B) ------------------------------------------
    command(
        "/technicians/{technician_id}/evaluations", S, "open_evaluation", COORDINATOR,
        "Open an initial or periodic evaluation of a technician you coordinate (R1)",
        tag=E, created=True,
    ),
    query(
        "/evaluations/due", S, "evaluations_due", DUE_READERS,
        "Evaluations due under the plans' periods", tag=E, paged=True,
    ),
    record(
        "/evaluations/{evaluation_id}", S, "get_evaluation", SHEET_READERS,
        "An evaluation sheet (its parties and auditors, R9)", tag=E,
    ),
    command(
        "/evaluations/{evaluation_id}/sections", S, "record_evaluation_section", COORDINATOR,
        "Record a section of the evaluation sheet (annex 1)", tag=E,
    ),
    command(
        "/evaluations/{evaluation_id}/observation", S, "record_observation", COORDINATOR,
        "Record the coordinator's observation on the competency grid (annex 2)", tag=E,
    ),
    command(
        "/evaluations/{evaluation_id}/self-assessment", S, "record_self_assessment",
        TECHNICIAN_ONLY, "Record your self-assessment on the competency grid (R1)", tag=E,
    ),
    command(
        "/evaluations/{evaluation_id}/conclusions", S, "record_conclusions", COORDINATOR,
        "Record the conclusions: support, autonomous tasks (R3), training", tag=E,
    ),
    command(
        "/evaluations/{evaluation_id}/sign", S, "sign_evaluation", BOTH_PARTIES,
        "Sign the evaluation (the coordinator and the technician)", tag=E,
    ),
    query(
        "/technicians/{technician_id}/evaluation-record", S, "technician_record", EVERYONE,
        "A technician's evaluation record (reads outside the coordination are recorded, R9)",
        tag=E,
    ),
    query(
        "/technicians/{technician_id}/evaluation-progress",
        S,
        "compare_evaluations",
        EVERYONE,
        "Progress between two completed evaluations (the last two unless named)",
        tag=E,
        params=(
            Param("first", "uuid", "a completed evaluation of the technician"),
            Param("second", "uuid", "another completed evaluation of the technician"),
        ),
    ),
    query(
        "/evaluation-reads",
        S,
        "record_reads",
        frozenset({AUDITOR, COUNTY_ADMIN}),
        "Who outside the coordination read which record (R9)",
        tag=E,
        paged=True,
        params=(Param("technician_id", "uuid", "reads of this technician's records"),),
    ),
    # -- monitoring between evaluations (E.1–E.3) ---------------------------------------
    command(
        "/technicians/{technician_id}/checklists", S, "complete_checklist", COORDINATOR,
        "Complete an observation checklist of an activity (E.1)", tag=M, created=True,
    ),
    command(
        "/progress-reports", S, "submit_progress_report", TECHNICIAN_ONLY,
        "Submit your progress report for a period (E.2, R7)", tag=M, created=True,
    ),
    command(
        "/progress-reports/{report_id}/resubmit", S, "resubmit_progress_report",
        TECHNICIAN_ONLY, "Resubmit a returned progress report", tag=M,
    ),
    command(
        "/progress-reports/{report_id}/review", S, "review_progress_report", COORDINATOR,
        "Validate or return a progress report (the coordinator)", tag=M, rule="R3",
    ),
    # -- the coordination evaluated (3.3 §5, §3c) -----------------------------------------
    command(
        "/coordination-feedback", S, "give_coordination_feedback", TECHNICIAN_ONLY,
        "Give feedback on your coordination for a period (3.3 §5)", tag=F, created=True,
    ),
    command(
        "/coordination-feedback/{feedback_id}/acknowledge", S,
        "acknowledge_coordination_feedback", COORDINATOR,
        "Acknowledge feedback addressed to you, with a response", tag=F,
    ),
    command(
        "/process-evaluations", S, "record_process_evaluation", BOTH_PARTIES,
        "Evaluate the coordination as a process (3.3 §3c; the coordinator names the "
        "technician)",
        tag=F, created=True,
    ),
    query(
        "/coordinators/{coordinator_id}/record", S, "coordinator_record",
        frozenset({SOCIAL_WORKER, AUDITOR}),
        "A coordinator's record: feedback received, process evaluations (their own; auditors)",
        tag=F,
    ),
    # -- the report to the employer (3.3) --------------------------------------------------
    command(
        "/technicians/{technician_id}/employer-reports", S, "issue_employer_report",
        COORDINATOR, "Issue the report to the employer for a period (kept as sent)", tag=R,
        created=True,
    ),
    query(
        "/employer-reports/current",
        S,
        "employer_report",
        EVERYONE,
        "The report to the employer as of now: evaluations and training recommendations",
        tag=R,
        params=(
            Param("municipality", "string", "SIRUTA code"),
            Param("technician_id", "uuid", "one technician's report"),
            Param("since", "date", "YYYY-MM-DD"),
            Param("until", "date", "YYYY-MM-DD"),
        ),
        description=(
            "A SPAS head reads their own SPAS, a coordinator the technicians they "
            "coordinate, the county and auditors any; a technician only their own "
            "(with technician_id)."
        ),
    ),
    record(
        "/employer-reports/{report_id}", S, "issued_report", EVERYONE,
        "An issued report to the employer", tag=R,
    ),
]
