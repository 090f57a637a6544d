"""The coordination contract's rules (instrument A; guide 2.1 §1a, 3.2 A,
Law 292/2011 art. 40(7)): its terms, errors and ``check_…`` guards. Its
form is one of art. 40(7) a/b/c for a coordinator from outside the SPAS, or
the job description (fișa postului) of one the SPAS employs — the same
obligations, hours, period and rules either way.

Pure, like ``contracts/domain.py``, whose aggregates apply them: the SPAS
head drafts a contract between their SPAS, one of its technicians and a
coordinating social worker; both the SPAS head and the coordinator sign; it
is then active. Rules: R1 (one active
contract per technician, and no coordination without one), R5 (the
coordinator's experience covers the technician's categories), R6 (at least
40 hours a month), R10 (licensing ends coordination).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from events.actor import SYSTEM, Actor
from events.errors import Conflict, Forbidden, InvalidCommand, RuleViolation
from events.vocabulary.coordination import (
    AMENDABLE_TERMS,
    INTERNAL_FORM,
    LEGAL_FORMS,
    TERMINATION_REASONS,
)

# The obligations the guide requires of each party (2.1 §1a); a contract
# lists every one of them and may add its own.
OBLIGATIONS: dict[str, dict[str, str]] = {
    "institution": {
        "legal_framework": "asigurarea cadrului legal al coordonării",
        "resources": "resursele necesare: timp, spațiu, instrumente de lucru",
        "administrative_support": (
            "sprijin administrativ pentru coordonare și formare profesională continuă"
        ),
    },
    "coordinator": {
        "set_objectives": "stabilirea obiectivelor profesionale",
        "monitor_activity": "monitorizarea activității tehnicianului",
        "feedback_and_guidance": "feedback și îndrumare metodologică",
        "evaluate_results": "evaluarea rezultatelor activității tehnicianului",
    },
    "technician": {
        "follow_guidance": "respectarea îndrumărilor profesionale",
        "report_activity": "raportarea activității conform cerințelor stabilite",
        "attend_training": "participarea la activitățile de formare",
        "ethical_standards": "respectarea standardelor etice și profesionale",
    },
}
MIN_HOURS_PER_MONTH = 40  # R6, guide 2.1 §2

_NS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination/contracts")


# -- errors ----------------------------------------------------------------
class InvalidContract(InvalidCommand):
    code = "invalid_contract"


class ContractAccessDenied(Forbidden):
    code = "contract_access_denied"


class ContractStateConflict(Conflict):
    code = "contract_state_conflict"


class AlreadySigned(Conflict):
    code = "contract_already_signed"


class TechnicianAlreadyCoordinated(RuleViolation):
    code = "technician_already_coordinated"

    def __init__(self, technician_id: str, contract_id: str) -> None:
        super().__init__(
            "R1",
            f"technician {technician_id} already has an active coordination contract "
            f"({contract_id}); terminate it or replace the coordinator",
            technician_id=technician_id,
            contract_id=contract_id,
        )


class JobDescriptionOutsideTheSpas(InvalidContract):
    """The job description is the form for a coordinator the technician's
    SPAS employs, not for one from outside it."""

    code = "job_description_outside_the_spas"


class OwnEmployeeUnderContractForm(InvalidContract):
    """A coordinator the SPAS employs coordinates through their job
    description (3.2 A), not through a form of art. 40(7)."""

    code = "own_employee_under_contract_form"


class ExperienceDoesNotCover(RuleViolation):
    code = "experience_does_not_cover"


class TooFewHours(RuleViolation):
    code = "too_few_coordination_hours"


# -- guards ----------------------------------------------------------------
def missing_experience(categories: list[str], domains: list[str]) -> list[str]:
    """R5: the technician's beneficiary categories the coordinator has no
    declared experience with, in the technician's order."""
    return [c for c in categories if c not in domains]


def check_experience_covers(categories: list[str], domains: list[str]) -> None:
    """R5 (principle 9): a social worker coordinates only where they have
    relevant experience; the refusal names what is missing. Asked when the
    contract is drafted and again when its last signature would put it in
    force (the registry may have changed meanwhile)."""
    missing = missing_experience(categories, domains)
    if missing:
        raise ExperienceDoesNotCover(
            "R5",
            "the coordinator has no declared experience with "
            + ", ".join(missing)
            + ", which the technician works with",
            missing=missing,
        )


def check_parties(technician: dict[str, Any], coordinator: dict[str, Any]) -> None:
    """The parties as the registry has them (``staff_view``): an active
    technician, coordinated by an active registered social worker."""
    if technician["role"] != "technician" or not technician["active"]:
        raise InvalidContract(
            f"{technician['staff_id']} is not an active technician", field="technician_id"
        )
    if coordinator["role"] != "social_worker" or not coordinator["active"]:
        raise InvalidContract(
            f"{coordinator['staff_id']} is not an active registered social worker",
            field="coordinator_id",
        )


def check_legal_form(
    legal_form: str, technician: dict[str, Any], coordinator: dict[str, Any]
) -> None:
    """The form fits the coordinator's employer (3.2 A, 2.1 §1): the job
    description (fișa postului) when the technician's SPAS employs the
    coordinator, one of art. 40(7) a/b/c when it does not."""
    if legal_form not in LEGAL_FORMS:
        raise InvalidContract(
            f"unknown legal form {legal_form!r}; one of {', '.join(LEGAL_FORMS)}",
            field="legal_form",
        )
    employed_here = coordinator.get("municipality") == technician.get("municipality")
    if legal_form == INTERNAL_FORM and not employed_here:
        raise JobDescriptionOutsideTheSpas(
            "coordination through the job description is for a social worker the SPAS "
            f"({technician.get('municipality')}) employs; {coordinator['staff_id']} is not "
            "employed there: use a form of art. 40(7) a/b/c",
            field="legal_form",
        )
    if legal_form != INTERNAL_FORM and employed_here:
        raise OwnEmployeeUnderContractForm(
            f"{coordinator['staff_id']} is employed by the SPAS "
            f"({technician.get('municipality')}): they coordinate through their job "
            f"description ({INTERNAL_FORM}), not a {legal_form}",
            field="legal_form",
        )


def check_hours(hours_per_month: int) -> None:
    if hours_per_month < MIN_HOURS_PER_MONTH:
        raise TooFewHours(
            "R6",
            f"coordination takes at least {MIN_HOURS_PER_MONTH} hours a month, "
            f"not {hours_per_month}",
            hours_per_month=hours_per_month,
        )


def check_amendment(changes: dict[str, Any], starts_on: str) -> dict[str, Any]:
    """An amendment changes some of the amendable terms, each within its rule;
    returns the changes as they will be recorded."""
    unknown, allowed = sorted(set(changes) - set(AMENDABLE_TERMS)), sorted(AMENDABLE_TERMS)
    if unknown or not changes:
        raise InvalidContract(
            f"an amendment changes {', '.join(allowed)}; got {unknown or 'nothing'}",
            field="changes",
        )
    if "hours_per_month" in changes:
        check_hours(changes["hours_per_month"])
    if "ends_on" in changes:
        check_period(starts_on, changes["ends_on"])
    if "obligations" in changes:
        changes = changes | {"obligations": check_obligations(changes["obligations"])}
    return changes


def check_termination_reason(reason: str) -> None:
    if reason not in TERMINATION_REASONS:
        raise InvalidContract(
            f"unknown termination reason {reason!r}; one of {', '.join(TERMINATION_REASONS)}",
            field="reason",
        )


def check_period(starts_on: str, ends_on: str | None) -> None:
    start = parse_date(starts_on, "starts_on")
    if ends_on is not None and parse_date(ends_on, "ends_on") <= start:
        raise InvalidContract(
            f"the contract ends ({ends_on}) on or before it starts ({starts_on})",
            field="ends_on",
        )


def check_obligations(obligations: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every obligation the guide names, for every party; extras allowed."""
    missing = {
        party: sorted(set(required) - set(obligations.get(party, [])))
        for party, required in OBLIGATIONS.items()
    }
    missing = {party: codes for party, codes in missing.items() if codes}
    if missing:
        listed = "; ".join(f"{p}: {', '.join(c)}" for p, c in missing.items())
        raise InvalidContract(
            f"the contract must state every obligation of the guide (2.1): missing {listed}",
            field="obligations",
            missing=missing,
        )
    return {party: list(obligations[party]) for party in OBLIGATIONS}


def check_is_head_of(actor: Actor, municipality: str) -> None:
    if actor.role == SYSTEM:
        return
    if actor.role != "spas_head" or actor.municipality != municipality:
        raise ContractAccessDenied(
            "only the head of the technician's SPAS "
            f"({municipality}) drafts, amends, suspends or ends the contract",
            role=actor.role,
        )


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidContract(
            f"{field} must be a date (YYYY-MM-DD), got {value!r}", field=field
        ) from None


def active_on(status: str, starts_on: str, ends_on: str | None, day: date) -> bool:
    """R1: coordination exists on ``day`` (active, begun, not expired); the
    contract and the read models that count contracts ask the same."""
    if status != "active" or date.fromisoformat(starts_on) > day:
        return False
    return ends_on is None or day <= date.fromisoformat(ends_on)


def contract_id() -> UUID:
    return uuid.uuid4()


def coordination_index_id(technician_id: UUID | str) -> UUID:
    return uuid5(_NS, f"technician:{technician_id}")
