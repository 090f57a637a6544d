"""What may be delegated to a technician (R3) and what never may (R2).
Guide 2.2 and DESIGN §3; shared by the coordination plan (its delegable task
list), the task sheets; R3 and the autonomy levels are in ``events.vocabulary``."""

from __future__ import annotations

from events.errors import RuleViolation
from events.vocabulary import ADMINISTRATIVE_TASKS


class NoActiveCoordination(RuleViolation):
    """R1: no active coordination contract, no action under it."""

    code = "no_active_coordination"


class ExclusiveActNotDelegable(RuleViolation):
    """R2: an exclusive act of the social worker named where a delegable
    task was expected."""

    code = "exclusive_act_not_delegable"


class AdministrativeWorkNotDelegated(RuleViolation):
    """R4, 2.1 §2: administrative work on benefits is the technician's own,
    outside coordination, and is never a delegated task."""

    code = "administrative_work_not_delegated"


def check_not_administrative(task_types: list[str], field: str) -> None:
    named = [t for t in task_types if t in ADMINISTRATIVE_TASKS]
    if named:
        raise AdministrativeWorkNotDelegated(
            "R4",
            f"{', '.join(named)}: administrative work on benefits is outside coordination "
            "(2.1 §2) and is never delegated; the technician records it as their own",
            field=field,
            task_types=named,
        )


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
