"""What may be delegated to a technician (R3) and what never may (R2).
Guide 2.2 and DESIGN §3; shared by the coordination plan (its delegable task
list) and the task sheets."""

from __future__ import annotations

from events.errors import RuleViolation


class NoActiveCoordination(RuleViolation):
    """R1: no active coordination contract, no action under it."""

    code = "no_active_coordination"


class ExclusiveActNotDelegable(RuleViolation):
    """R2: an exclusive act of the social worker named where a delegable
    task was expected."""

    code = "exclusive_act_not_delegable"


# R3: delegable to a technician, always under the coordinator's validation.
DELEGABLE_TASKS: dict[str, str] = {
    "home_visit": "vizită la domiciliu",
    "monitoring_visit": "vizită de monitorizare",
    "observation": "observare",
    "collect_data": "colectare de date și documente",
    "accompany_beneficiary": "însoțirea beneficiarului",
    "mediation": "mediere cu școala, spitalul, alte instituții",
    "information_campaign": "campanie de informare",
    "logistics": "activități logistice",
    "draft_visit_report": "redactarea raportului de vizită",
    "draft_observation_sheet": "redactarea fișei de observație",
    "draft_phone_note": "redactarea notei telefonice",
    "draft_progress_report": "redactarea raportului de progres",
    "draft_final_report": "redactarea raportului final",
    "benefit_check": "verificarea administrativă a eligibilității pentru beneficii (R4)",
}

# R2: exclusive acts of the social worker, never delegable.
EXCLUSIVE_ACTS: dict[str, str] = {
    "social_diagnosis": "diagnoza socială / evaluarea complexă",
    "write_intervention_plan": "elaborarea sau modificarea planului de intervenție",
    "professional_decision": "decizie profesională cu impact asupra beneficiarului",
    "service_recommendation": "recomandarea de servicii",
    "programme_inclusion": "includerea într-un program",
    "protective_measure": "măsuri de protecție",
    "open_case": "deschiderea cazului",
    "close_case": "închiderea cazului",
    "official_notification": "sesizări și rapoarte oficiale către DGASPC, poliție, alte instituții",
}

# How much the technician decides alone within a delegated task (plan, 3.2 C).
AUTONOMY_LEVELS = ("supervised", "guided", "autonomous")
