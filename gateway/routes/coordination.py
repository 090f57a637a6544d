"""The registry, coordination contracts (instrument A), the coordination plan
(C) and journal (D.3), delegated task sheets and incidents (F; guide 2.1,
2.2, 3.1, 3.2 A C D F, 4). The coordination service checks every rule again
(R1, R3, R5, R6, R10, registry and party checks); the roles here are the
gateway's first line."""

from gateway.route import (
    ACTED_ON,
    AUDITOR,
    CASE_READERS,
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

S = "coordination"
COUNTY_ONLY = frozenset({COUNTY_ADMIN})  # the registry and the county's jobs
HEAD = frozenset({SPAS_HEAD})  # signs for the technician's SPAS
COORDINATOR = frozenset({SOCIAL_WORKER})
ASSIGNEE = frozenset({TECHNICIAN})
PARTIES = frozenset({SPAS_HEAD, SOCIAL_WORKER})  # the two signatures of a contract
# the coordinator, the SPAS head, or the county admin once escalated to them (4.5, 4.4.3)
LEADS = frozenset({SOCIAL_WORKER, SPAS_HEAD, COUNTY_ADMIN})
REPORTERS = frozenset({TECHNICIAN, SOCIAL_WORKER, SPAS_HEAD})
# the journal's entries: its two parties and auditors (R9); others see hours only
JOURNAL_READERS = frozenset({TECHNICIAN, SOCIAL_WORKER, AUDITOR})
OPEN_INCIDENT_READERS = frozenset({SPAS_HEAD, COUNTY_ADMIN, AUDITOR})
# what expiring answers: the ids of the contracts it ended
ENDED = {"type": "array", "items": {"type": "string", "format": "uuid"}}

ROUTES = [
    # -- municipalities (registry) -------------------------------------------------
    command(
        "/municipalities", S, "register_municipality", COUNTY_ONLY,
        "Register a municipality (SIRUTA code)", tag="municipalities", created=True,
    ),
    query(
        "/municipalities", S, "list_municipalities", EVERYONE, "The county's municipalities",
        tag="municipalities", paged=True,
    ),
    query(
        "/municipalities/{siruta}", S, "get_municipality", EVERYONE, "A municipality",
        tag="municipalities",
    ),
    # -- staff (registry) ----------------------------------------------------------
    command(
        "/staff", S, "register_staff", COUNTY_ONLY, "Register a staff member",
        tag="staff", created=True,
    ),
    query(
        "/staff",
        S,
        "list_staff",
        EVERYONE,
        "Active staff members",
        tag="staff",
        paged=True,
        params=(
            Param("municipality", "string", "SIRUTA code"),
            Param("role", "string", "technician, social_worker, spas_head, county_admin, auditor"),
        ),
    ),
    record("/staff/{staff_id}", S, "get_staff", EVERYONE, "A staff member", tag="staff"),
    command(
        "/staff/{staff_id}/experience", S, "change_experience", COUNTY_ONLY,
        "Change a social worker's domains of experience (R5)", tag="staff",
    ),
    command(
        "/staff/{staff_id}/beneficiary-categories", S, "change_categories", COUNTY_ONLY,
        "Change a technician's beneficiary categories (R5)", tag="staff",
    ),
    command(
        "/staff/{staff_id}/licensing", S, "record_licensing", COUNTY_ONLY,
        "Record a technician's licensing as a social worker; their coordination ends (R10)",
        tag="staff",
    ),
    command(
        "/staff/{staff_id}/transfer", S, "transfer_staff", COUNTY_ONLY,
        "Transfer to another SPAS; the coordination there ends", tag="staff",
    ),
    command(
        "/staff/{staff_id}/departure", S, "record_departure", COUNTY_ONLY,
        "Record a departure; coordination ends with the employment", tag="staff",
    ),
    # -- coordination contracts (instrument A) ---------------------------------------
    command(
        "/contracts", S, "draft_contract", HEAD,
        "Draft a coordination contract (R5 matching experience, R6 at least 40 hours)",
        tag="contracts", created=True,
    ),
    record(
        "/contracts/{contract_id}", S, "get_contract", EVERYONE, "A coordination contract",
        tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/sign", S, "sign_contract", PARTIES,
        "Sign it (the SPAS head and the coordinator; both signatures activate it, R1)",
        tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/amendments", S, "propose_amendment", HEAD,
        "Propose an amendment (hours, period, obligations)", tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/amendments/accept", S, "accept_amendment", COORDINATOR,
        "Accept the pending amendment (the coordinator)", tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/suspend", S, "suspend_contract", HEAD,
        "Suspend the coordination (R1: no action meanwhile)", tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/resume", S, "resume_contract", HEAD,
        "Resume a suspended coordination", tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/terminate", S, "terminate_contract", HEAD,
        "End the coordination (R10)", tag="contracts",
    ),
    command(
        "/contracts/{contract_id}/coordinator-replacement", S, "replace_coordinator", HEAD,
        "Replace the coordinator: a new contract takes over, with the history (R10)",
        tag="contracts", created=True,
    ),
    command(
        "/contracts/expire", S, "expire_contracts", COUNTY_ONLY,
        "End every contract whose period is over (county job)", tag="contracts",
        returns=ENDED,
    ),
    query(
        "/contracts/experience-mismatches",
        S,
        "experience_mismatches",
        OPEN_INCIDENT_READERS,
        "Contracts in force the coordinator's experience no longer covers since a registry "
        "change, with what is missing and the proposal to replace the coordinator (R5, "
        "principle 9; the SPAS head's own SPAS, any for the county)",
        tag="contracts",
        paged=True,
        params=(Param("municipality", "string", "SIRUTA code"),),
    ),
    query(
        "/technicians/{technician_id}/contracts", S, "contracts_of_technician", EVERYONE,
        "Every contract the technician has had, oldest first", tag="contracts", paged=True,
    ),
    query(
        "/technicians/{technician_id}/coordination", S, "coordination_of", EVERYONE,
        "Who coordinates the technician today, if anyone (R1)", tag="contracts",
    ),
    # -- coordination plan (instrument C) ----------------------------------------------
    command(
        "/contracts/{contract_id}/plan", S, "draw_up_plan", COORDINATOR,
        "Draw up the coordination plan (R7 deadlines and objectives, R3 delegable tasks)",
        tag="plans", created=True,
    ),
    command(
        "/contracts/{contract_id}/plan/revise", S, "revise_plan", COORDINATOR,
        "Revise the plan (a new version)", tag="plans",
    ),
    query(
        "/contracts/{contract_id}/plan",
        S,
        "get_plan",
        EVERYONE,
        "The coordination plan, now or at a past version",
        tag="plans",
        params=(Param("version", "integer", "a past version (1 or more); the latest if omitted"),),
    ),
    query(
        "/contracts/{contract_id}/plan/versions", S, "plan_versions", EVERYONE,
        "The plan's versions: what each changed, when and by whom", tag="plans", paged=True,
    ),
    # -- coordination journal (instrument D.3) and hours (R6) ------------------------------
    command(
        "/contracts/{contract_id}/journal", S, "record_journal_entry", COORDINATOR,
        "Record a journal entry (meeting, feedback session, …; counts toward R6)",
        tag="journal",
        created=True,
    ),
    command(
        "/contracts/{contract_id}/journal/{entry_id}/withdraw", S, "withdraw_journal_entry",
        COORDINATOR, "Withdraw a mistaken journal entry", tag="journal",
    ),
    command(
        "/contracts/{contract_id}/journal/{entry_id}/comment", S, "comment_journal_entry",
        ASSIGNEE, "Add your own view to a feedback session of your journal (E.3)",
        tag="journal",
    ),
    query(
        "/contracts/{contract_id}/journal",
        S,
        "journal_entries",
        JOURNAL_READERS,
        "A month's journal entries (the parties and auditors, R9)",
        tag="journal",
        paged=True,
        params=(Param("month", "month", "YYYY-MM", required=True),),
    ),
    query(
        "/contracts/{contract_id}/hours",
        S,
        "coordination_hours",
        EVERYONE,
        "A month's coordination hours against the contract (R6: at least 40)",
        tag="journal",
        params=(Param("month", "month", "YYYY-MM", required=True),),
    ),
    query(
        "/coordinators/{coordinator_id}/hours",
        S,
        "hours_of_coordinator",
        frozenset({SOCIAL_WORKER, AUDITOR}),
        "A month's hours of each contract the coordinator has today (R6; their own, and "
        "auditors')",
        tag="journal",
        paged=True,
        params=(
            Param("month", "month", "YYYY-MM", required=True),
            Param("below_only", "boolean", "only the contracts below their hours"),
        ),
    ),
    query(
        "/contracts/{contract_id}/hours/months", S, "coordination_months", EVERYONE,
        "Every month of the contract so far with its R6 compliance", tag="journal", paged=True,
    ),
    # -- delegated task sheets (R1, R3) ----------------------------------------------------
    command(
        "/technicians/{technician_id}/tasks", S, "delegate_task", COORDINATOR,
        "Delegate a task to a technician you coordinate (R1, R3; never an R2 act)",
        tag="tasks", created=True,
    ),
    query(
        "/technicians/{technician_id}/tasks",
        S,
        "tasks_of_technician",
        CASE_READERS,
        "The technician's task sheets",
        tag="tasks",
        paged=True,
        params=(Param("open_only", "boolean", "only those not yet completed or cancelled"),),
    ),
    query(
        "/technicians/{technician_id}/delegable-tasks", S, "delegable_tasks", EVERYONE,
        "What may be delegated to the technician today, with what autonomy (R3)", tag="tasks",
    ),
    record("/tasks/{task_id}", S, "get_task", CASE_READERS, "A task sheet", tag="tasks"),
    command(
        "/tasks/{task_id}/accept", S, "accept_task", ASSIGNEE, "Accept the task (R1)",
        tag="tasks",
    ),
    command(
        "/tasks/{task_id}/start", S, "start_task", ASSIGNEE, "Start the task (R1)", tag="tasks",
    ),
    command(
        "/tasks/{task_id}/complete", S, "complete_task", ASSIGNEE,
        "Complete it with its result (R1)", tag="tasks",
    ),
    command(
        "/tasks/{task_id}/obstacles", S, "report_task_obstacle", ASSIGNEE,
        "Report an obstacle (R1)", tag="tasks",
    ),
    command(
        "/tasks/{task_id}/obstacles/answer", S, "answer_task_obstacle", COORDINATOR,
        "Answer the obstacle: guidance or a new deadline; the technician resumes (2.3.3)",
        tag="tasks",
    ),
    command(
        "/tasks/{task_id}/cancel", S, "cancel_task", COORDINATOR, "Cancel the task",
        tag="tasks",
    ),
    command(
        "/tasks/{task_id}/reassign", S, "reassign_task", COORDINATOR,
        "Reassign it to another technician you coordinate (R1)", tag="tasks",
    ),
    query(
        "/coordination-reads",
        S,
        "coordination_reads",
        frozenset({AUDITOR}),
        "Who outside a coordination read its task sheets or journal (R9)",
        tag="tasks",
        paged=True,
        params=(Param("technician_id", "uuid", "reads of this technician's coordination"),),
    ),
    # -- incidents and difficulties (instrument F, 4.5, 4.4.3) -------------------------------
    command(
        "/technicians/{technician_id}/incidents", S, "report_incident", REPORTERS,
        "Report a difficulty of the technician (R1 for the technician)", tag="incidents",
        created=True,
    ),
    query(
        "/technicians/{technician_id}/incidents", S, "incidents_of_technician", EVERYONE,
        "Every incident about the technician", tag="incidents", paged=True,
    ),
    query(
        "/incidents/open",
        S,
        "open_incidents",
        OPEN_INCIDENT_READERS,
        "Incidents not yet closed (the SPAS head's own SPAS; any for the county)",
        tag="incidents",
        paged=True,
        params=(Param("municipality", "string", "SIRUTA code"),),
    ),
    record(
        "/incidents/{incident_id}", S, "get_incident", EVERYONE, "An incident",
        tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/identify", S, "identify_incident", LEADS,
        "Step 1 of 4.5: identify the problem", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/inform", S, "inform_about_incident", LEADS,
        "Step 2: record who was informed", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/analyse-cause", S, "analyse_incident_cause", LEADS,
        "Step 3: analyse the cause", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/choose-solution", S, "choose_incident_solution", LEADS,
        "Step 4: choose the solution", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/implement-solution", S, "implement_incident_solution", LEADS,
        "Step 5: implement it", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/monitor", S, "monitor_incident", LEADS,
        "Step 6: monitor its effects", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/document", S, "document_incident", LEADS,
        "Step 7: document it as a case study (closes the incident)", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/share-with-coordinator", S,
        "share_incident_with_coordinator", frozenset({SPAS_HEAD, COUNTY_ADMIN}),
        "4.5 step 2: let the coordinator a difficulty concerns read it (the SPAS head's "
        "decision; hidden from them until then)", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/escalate", S, "escalate_incident", LEADS,
        "Escalate one level up (4.4.3)", tag="incidents",
    ),
    command(
        "/incidents/{incident_id}/redistribute-tasks", S, "redistribute_incident_tasks", LEADS,
        "Hand the technician's open tasks to a colleague for a while: where the workload is "
        "the cause, or a burnout (4.5 step 4, 4.2.5, 4.6 case 4; R1)",
        tag="incidents",
    ),
    command(
        "/incidents/escalate-overdue", S, "escalate_overdue_incidents", COUNTY_ONLY,
        "Escalate every incident past its deadline (county job, 4.4.3)", tag="incidents",
        returns=ACTED_ON,
    ),
    command(
        "/incidents/return-redistributed-tasks", S, "return_redistributed_tasks", COUNTY_ONLY,
        "Give back the tasks of every redistribution whose time is over (county job)",
        tag="incidents", returns=ACTED_ON,
    ),
]
