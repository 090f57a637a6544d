"""The codes of incidents and difficulties (instrument F; guide chapter 4):
each list defined once, in the guide's order."""

from __future__ import annotations

# 4.2.1–4.2.6, in the guide's order.
DIFFICULTY_TYPES = (
    "roles_and_competences",
    "communication",
    "sensitive_situations",  # with beneficiaries
    "ethics_and_integrity",
    "resources",
    "emotional_strain",
)
# 4.5, in order; the incident is resolved once its solution is implemented
# (no more escalation) and closed once documented as a case study.
STEPS = (
    "identified",
    "informed",
    "cause_analysed",
    "solution_chosen",
    "solution_implemented",
    "monitored",
    "documented",
)
RESOLVING_STEP = "solution_implemented"
CLOSING_STEP = "documented"
# Step 2 of 4.5: the coordinator, or — when the difficulty is about the
# coordination itself — the team or the superior.
INFORMED_PARTIES = ("coordinator", "team", "superior")
# Step 3 of 4.5 names unclear roles, lack of communication and beneficiary
# pressure; the rest come from the types of 4.2.
CAUSES = (
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
MEASURES = (
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
OUTCOMES = ("resolved", "improved", "persists")  # step 6: effects of the solution
ESCALATION_LEVELS = ("spas_head", "county_admin")  # 4.4.3, in order
ESCALATION_TRIGGERS = ("deadline_missed", "manual")
DEFAULT_RESOLUTION_DAYS = 14
MAX_RESOLUTION_DAYS = 90
# Case 4: tasks are redistributed "pe termen scurt" — for a short time only.
MAX_REDISTRIBUTION_DAYS = 90
REDISTRIBUTABLE = ("emotional_strain",)
