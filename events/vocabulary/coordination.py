"""The coordination service's names: the staff registry, contracts, the
coordination plan and journal, delegated tasks and incidents. The command
and event schemas refer to them (``contracts/vocabulary.schema.json``)."""

from events.vocabulary import MEETING_CHANNELS

# Why someone leaves the county's staff (a move between two SPAS of the
# county is a transfer, and a technician entered in RNASR is licensed: both
# stay in the registry).
DEPARTURE_REASONS = ("resigned", "retired", "employment_ended", "deceased", "other")
# Art. 40(7): (a) a service contract with the social worker, (b) a cooperation
# agreement inside an association or county structure, (c) a partnership
# contract with the DGASPC — for a coordinator from outside the technician's
# SPAS; and (3.2 A, 2.1 §1) the job description (fișa postului) of a
# coordinator the SPAS itself employs: the same obligations, hours and period.
CONTRACT_FORMS = ("service_contract", "cooperation_agreement", "dgaspc_partnership")
INTERNAL_FORM = "job_description"
LEGAL_FORMS = (*CONTRACT_FORMS, INTERNAL_FORM)
# The obligations the guide requires of each party (2.1 §1a): a contract
# lists every one of them and may add its own (their words: the contract rules).
CONTRACT_OBLIGATIONS = {
    "institution": ("legal_framework", "resources", "administrative_support"),
    "coordinator": (
        "set_objectives",
        "monitor_activity",
        "feedback_and_guidance",
        "evaluate_results",
    ),
    "technician": ("follow_guidance", "report_activity", "attend_training", "ethical_standards"),
}
TERMINATION_REASONS = (
    "technician_licensed",
    "coordinator_replaced",
    "expired",
    "by_agreement",
    "employment_ended",
    "coordinator_departed",
)
# R5 kept true (principle 9): the registry changes after which every contract
# in force is checked again, and what a contract that no longer matches
# proposes to its SPAS head (a new coordinator, with the history: R10).
EXPERIENCE_RECHECKS = ("experience_changed", "categories_changed")
MISMATCH_PROPOSALS = ("replace_coordinator",)
# The terms of a contract an amendment may change.
AMENDABLE_TERMS = ("hours_per_month", "ends_on", "obligations")
# The two parties that sign a contract: the institution (by its SPAS head) and
# the coordinator; it is fully signed once both have.
SIGNING_PARTIES = ("institution", "coordinator")
# -- the coordination plan --------------------------------------------------
PLAN_SECTIONS = (
    "meetings",
    "channels",
    "reporting",
    "priorities",
    "objectives",
    "delegable_tasks",
)
# Where coordination happens (journal) and how information flows (plan; 2.1 §2:
# "telefon, e-mail, platforme interne").
PLAN_CHANNELS = (*MEETING_CHANNELS, "email", "internal_platform")
MEETING_PURPOSES = ("status_review", "case_review", "feedback_session", "evaluation", "training")
FREQUENCIES = ("daily", "weekly", "biweekly", "monthly", "quarterly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Prioritisation of situations (3.1 C); immediate danger always comes first.
PRIORITY_SITUATIONS = (
    "immediate_danger",
    "suspected_abuse",
    "urgent_risk",
    "new_referral",
    "active_case_monitoring",
    "follow_up",
    "administrative",
)
OBJECTIVE_INDICATORS = (
    "field_visits_per_active_case",
    "progress_reports_per_active_case",
    "coordination_meetings",
    "feedback_sessions",
    "information_campaigns",
    "training_hours",
)
OBJECTIVE_PERIODS = ("week", "month")
# -- the coordination journal ------------------------------------------------
# Every coordination activity counts towards R6 (2.1 §2, 3.1): meetings and
# contacts, joint field work, reviewing and validating the technician's reports,
# feedback sessions (E.3) and evaluation sessions (B, E), whether or not the
# technician is present for each minute of it.
# A feedback session is a journal entry like the others, with what went well,
# what to improve and the technician's own view (E.3): not a second record.
FEEDBACK_SESSION = "feedback_session"
ENTRY_KINDS = (
    "meeting",
    "contact",
    "emergency",
    FEEDBACK_SESSION,
    "joint_field_work",
    "report_review",
    "evaluation_session",
)
# Others present at a meeting are named by role only: no names on the bus, and
# none in the store either when a role says enough.
EXTERNAL_ROLES = (
    "spas_head",
    "other_technician",
    "other_social_worker",
    "beneficiary",
    "family_member",
    "school_staff",
    "medical_staff",
    "police",
    "ngo_staff",
    "dgaspc_staff",
    "other_institution",
)
FOLLOW_UP_OWNERS = ("technician", "coordinator")
WITHDRAWAL_REASONS = (
    "duplicate",
    "wrong_date",
    "wrong_duration",
    "wrong_contract",
    "did_not_take_place",
)
# -- delegated tasks ----------------------------------------------------------
TASK_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_OBSTACLES = (
    "lack_of_transport",
    "beneficiary_refused",
    "beneficiary_absent",
    "missing_documents",
    "safety_risk",
    "institution_unavailable",
    "other",
)
# How the coordinator answers an obstacle (2.3.3: "nu se amână pe termen
# nedefinit"); reassigning or cancelling the task answers it too.
OBSTACLE_ANSWERS = ("guidance", "new_deadline")
# -- incidents (chapter 4) ---------------------------------------------------
# 4.2.1–4.2.6, in the guide's order.
DIFFICULTY_TYPES = (
    "roles_and_competences",
    "communication",
    "sensitive_situations",
    "ethics_and_integrity",
    "resources",
    "emotional_strain",
)
# Step 2 of 4.5: the coordinator, or — when the difficulty is about the
# coordination itself — the team or the superior.
INFORMED_PARTIES = ("coordinator", "team", "superior")
# Step 3 of 4.5 names unclear roles, lack of communication and beneficiary
# pressure; the rest come from the types of 4.2.
INCIDENT_CAUSES = (
    "unclear_roles",
    "excessive_delegation",
    "lack_of_communication",
    "conflicting_information",
    "beneficiary_pressure",
    "confidentiality_misunderstanding",
    "ethical_dilemma",
    "workload",
    "lack_of_training",
    "lack_of_logistics",
    "emotional_impact_of_cases",
    "team_conflict",
    "other",
)
# Step 4 of 4.5 (redistribution, training, referral), the mechanisms of 4.4
# and the handling in the case studies of 4.6.
INCIDENT_MEASURES = (
    "task_redistribution",
    "additional_training",
    "case_referral",
    "role_clarification",
    "joint_case_analysis",
    "legality_check",
    "supervision_meeting",
    "procedure_update",
    "psychological_support",
    "team_debriefing",
    "logistic_resources",
    "other",
)
# Step 6: effects of the solution.
INCIDENT_OUTCOMES = ("resolved", "improved", "persists")
ESCALATION_TRIGGERS = ("deadline_missed", "manual")
