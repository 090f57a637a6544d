"""What may be delegated to a technician (R3) and what never may (R2).
Guide 2.2 and DESIGN §3; shared by the coordination plan (its delegable task
list), the task sheets; R3 and the autonomy levels are in ``events.vocabulary``."""

from __future__ import annotations

from events.errors import RuleViolation


class NoActiveCoordination(RuleViolation):
    """R1: no active coordination contract, no action under it."""

    code = "no_active_coordination"


class ExclusiveActNotDelegable(RuleViolation):
    """R2: an exclusive act of the social worker named where a delegable
    task was expected."""

    code = "exclusive_act_not_delegable"


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
