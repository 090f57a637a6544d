"""Who may see and do what on a case: R1 (a technician acts only under an
active coordination contract), R2 (the social worker's exclusive acts), R9
(what a technician observes goes to their coordinator only; reads of
personal data are scoped). Pure; the errors of the cases service live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation
from events.team import Team


# -- errors ------------------------------------------------------------------
class InvalidCaseCommand(InvalidCommand):
    code = "invalid_case_command"


class UnknownCase(NotFound):
    """Also what someone outside the case's scope is told, so that an error
    never reveals whether a case exists (R9)."""

    code = "case_not_found"


class UnknownBeneficiary(NotFound):
    code = "beneficiary_not_found"


class CaseNotVisible(Forbidden):
    """Recorded as a refusal; the caller is told ``UnknownCase``."""

    code = "case_not_visible"


class CaseAccessDenied(Forbidden):
    code = "case_access_denied"


class NoActiveCoordination(RuleViolation):
    """R1."""

    code = "no_active_coordination"


class ExclusiveActOfSocialWorker(RuleViolation):
    """R2: a decision, plan, diagnosis, validation or official notification
    attempted by someone who is not the case's social worker."""

    code = "exclusive_act_of_social_worker"


class NobodySignsForTheBeneficiary(RuleViolation):
    """R2, case 1 of 4.6: the signature is the beneficiary's alone."""

    code = "nobody_signs_for_the_beneficiary"


class StageConflict(Conflict):
    """The case is not at a stage where the command belongs (a skipped or
    repeated step, work on a closed case)."""

    code = "case_stage_conflict"


class ChangedConcurrently(Conflict):
    code = "changed_concurrently"


# -- the case as the rules see it -------------------------------------------
class CaseLike(Protocol):
    id: Any
    municipality: str
    technicians: list[str]
    social_worker_id: str


@dataclass(frozen=True)
class CaseRow:
    """A case of a read model, shaped for the scope rules."""

    id: str
    municipality: str
    technicians: list[str]
    social_worker_id: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> CaseRow:
        return cls(row["case_id"], row["municipality"], row["technicians"], row["social_worker_id"])


def check_under_coordination(team: Team) -> None:
    """R1 binds every technician's act and read, before any case is looked at
    (so the refusal says nothing about the case)."""
    if team.role == "technician" and team.coordination is None:
        raise NoActiveCoordination(
            "R1",
            "you have no active coordination contract: no case access, no case documents",
            technician_id=team.id,
        )


def relation(team: Team, case: CaseLike) -> str | None:
    """The actor's relation to the case, or None when it is outside their
    scope (R9)."""
    if team.role == "technician":
        if team.id in case.technicians and team.municipality == case.municipality:
            return "technician"
        return None
    if team.role == "social_worker":
        if team.id == case.social_worker_id or team.coordinates(case.technicians):
            return "coordinator"
        return None
    if team.role == "spas_head":
        return "spas_head" if team.municipality == case.municipality else None
    # The county admin is not here: it reads figures per municipality, never
    # a case (DESIGN §1, instrument G); the auditor reads everything, recorded.
    if team.role in ("auditor", "system"):
        return team.role
    return None


def check_reads_cases(team: Team, of_technician: str | None = None) -> None:
    """R9: the county's staff read the consolidated report per municipality
    (instrument G), never lists of cases, documents or risks; refused by name
    rather than answered with an empty list that would read as "none". A
    list of one technician's work (``of_technician``) is, for a technician,
    only of their own."""
    if team.role == "county_admin":
        raise CaseAccessDenied(
            "R9: the county reads figures per municipality (GET /reports/county), not "
            "cases, documents or people",
            rule="R9",
            role=team.role,
        )
    if of_technician is not None and team.role == "technician" and team.id != of_technician:
        raise CaseAccessDenied(
            "a technician reads their own documents", technician_id=of_technician
        )


def check_visible(team: Team, case: CaseLike) -> str:
    check_under_coordination(team)
    found = relation(team, case)
    if found is None:
        raise CaseNotVisible(f"case {case.id} is outside your scope", case_id=str(case.id))
    return found


def sees_personal_data(relation_: str) -> bool:
    """The case's technicians and social worker work with the person; the
    auditor verifies. SPAS heads and the county see aggregates and stages
    only (R9)."""
    return relation_ in ("technician", "coordinator", "auditor")


def check_social_worker_act(team: Team, case: CaseLike, act: str) -> None:
    """R2: only the case's social worker (its responsible social worker, or
    the coordinator of one of its technicians) does ``act``."""
    found = check_visible(team, case)
    if found == "coordinator":
        return
    if found == "technician":
        raise ExclusiveActOfSocialWorker(
            "R2",
            f"{act} is an exclusive act of the social worker; a technician collects data and "
            "drafts, the coordinator decides",
            act=act,
            case_id=str(case.id),
        )
    raise CaseAccessDenied(
        f"{act} belongs to the case's social worker", act=act, case_id=str(case.id)
    )


def check_field_work(team: Team, case: CaseLike, act: str, coordinator_too: bool) -> None:
    """Field work (R3): the case's technicians, and where ``coordinator_too``
    its social worker as well."""
    found = check_visible(team, case)
    if found == "technician" or (coordinator_too and found == "coordinator"):
        return
    raise CaseAccessDenied(
        f"{act} is field work of the case's technicians", act=act, case_id=str(case.id)
    )


def check_text(value: str, field: str, limit: int = 20_000) -> str:
    text = value.strip()
    if not text:
        raise InvalidCaseCommand(f"{field} may not be empty", field=field)
    if len(text) > limit:
        raise InvalidCaseCommand(f"{field} is longer than {limit} characters", field=field)
    return text
