"""Who may see and do what on a case: R1 (a technician acts only under an
active coordination contract), R2 (the social worker's exclusive acts), R9
(what a technician observes goes to their coordinator only; reads of
personal data are scoped), and the rules a case's content answers to: its
categories and choices, who a referral names.
Pure; the errors of the cases service live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation
from events.team import Team
from events.vocabulary import CATEGORIES
from services.cases.vocabulary import ACTIVE


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


class CoSignerMissing(NoActiveCoordination):
    """R1 with R4: a benefit check with discrepancies (situation B) waits for
    a co-signature, and only an active contract names the coordinator who
    gives it; situation A needs no contract (2.1 §2)."""

    code = "benefit_check_needs_coordinator"


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
    """Read-only, so that both an aggregate and a read model's row fit."""

    @property
    def id(self) -> UUID | str: ...
    @property
    def municipality(self) -> str: ...
    @property
    def technicians(self) -> list[str]: ...
    @property
    def social_worker_id(self) -> str: ...


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


# -- what a case is made of, and who works on it --------------------------------
def check_categories(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - set(CATEGORIES))
    if unknown:
        raise InvalidCaseCommand(
            f"unknown vulnerability categories: {', '.join(unknown)}", field="categories"
        )
    if not values:
        raise InvalidCaseCommand(
            "a case has at least one vulnerability category", field="categories"
        )
    return sorted(set(values), key=CATEGORIES.index)


def check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidCaseCommand(
            f"{field} is one of {', '.join(allowed)}, not {value!r}", field=field
        )
    return value


def check_referral(team: Team, municipality: str, technicians: list[str]) -> tuple[list[str], str]:
    """Who a referral names, as (technicians, social worker): a technician
    refers what they identified in their own municipality, for their
    coordinator and with themselves on the case; a social worker refers a
    case they take on. Every technician may join it (R1)."""
    if team.role == "technician":
        assert team.coordination is not None
        if municipality != team.municipality:
            raise CaseAccessDenied(
                "a technician refers cases of their own municipality only",
                municipality=municipality,
            )
        technicians = sorted({team.id, *technicians})
        social_worker_id = team.coordination.coordinator_id
    elif team.role == "social_worker":
        social_worker_id = team.id
    else:
        raise CaseAccessDenied(
            "cases are referred by a technician or a social worker", role=team.role
        )
    for technician_id in technicians:
        check_may_join(team, technician_id, municipality, social_worker_id)
    return technicians, social_worker_id


def check_open_case(case: CaseLike, stage: str, what: str) -> None:
    if stage not in ACTIVE:
        raise StageConflict(
            f"{what} on an open case; the case is {stage}", stage=stage, case_id=str(case.id)
        )


def check_new_technician(case: CaseLike, stage: str, technician_id: str) -> None:
    """A technician joins a case still worked on, once."""
    if stage in ("closed", "archived"):
        raise StageConflict(
            f"cannot assign a technician to a case that is {stage}",
            stage=stage,
            case_id=str(case.id),
        )
    if technician_id in case.technicians:
        raise StageConflict(
            f"technician {technician_id} already works on the case", case_id=str(case.id)
        )


def check_may_join(
    team: Team, technician_id: str, municipality: str, social_worker_id: str
) -> None:
    """A case's technicians work in its municipality under an active
    contract with its social worker (R1)."""
    coordination = (
        team.coordination
        if team.coordination is not None and team.coordination.technician_id == technician_id
        else team.coordinated.get(technician_id)
    )
    if coordination is None or coordination.coordinator_id != social_worker_id:
        raise NoActiveCoordination(
            "R1",
            f"technician {technician_id} is not under an active coordination contract with the "
            "case's social worker",
            technician_id=technician_id,
        )
    if coordination.municipality != municipality:
        raise CaseAccessDenied(
            f"technician {technician_id} works for another municipality",
            technician_id=technician_id,
        )
