"""Who may evaluate whom, and who may read what. Pure; the errors of the
evaluations service live here.

- Only the technician's coordinator evaluates them, under the contract in
  force (R1; DESIGN §1: the social worker "evaluates technicians"), and the
  initial evaluation is applied after that contract is signed (3.2 B).
- The technician fills their own self-assessment, signs, reports progress
  and gives feedback on the coordination, only while coordinated (R1).
- The employer (the SPAS head of the technician's municipality) and the
  county read reports, feedback and training recommendations; the auditor
  reads everything. Outside their scope a caller is told what they would be
  told of an evaluation that does not exist.
"""

from __future__ import annotations

from typing import Any

from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation
from events.team import Coordination, Team


# -- errors ------------------------------------------------------------------
class InvalidEvaluationCommand(InvalidCommand):
    code = "invalid_evaluation_command"


class UnknownEvaluation(NotFound):
    code = "evaluation_not_found"


class UnknownTechnician(NotFound):
    code = "technician_not_found"


class NotYourTechnician(Forbidden):
    """A social worker evaluating (or writing about) a technician they do
    not coordinate."""

    code = "not_your_technician"


class EvaluationAccessDenied(Forbidden):
    code = "evaluation_access_denied"


class RecordNotVisible(Forbidden):
    """Stored as a refusal; the caller is told the record does not exist,
    so that an error never reveals what exists outside one's scope."""

    code = "evaluation_record_not_visible"


class ContractNotSigned(RuleViolation):
    """R1 as 3.2 B says it of the evaluation: the sheet "se aplică … după
    semnarea contractului de coordonare"."""

    code = "contract_not_signed"


class NoActiveCoordination(RuleViolation):
    """R1: the technician acts only under an active coordination contract."""

    code = "no_active_coordination"


class AlreadySigned(Conflict):
    code = "already_signed"


class EvaluationSigned(Conflict):
    """A sheet someone has signed does not change under their signature."""

    code = "evaluation_signed"


class EvaluationIncomplete(Conflict):
    code = "evaluation_incomplete"


class EvaluationOutOfOrder(Conflict):
    """Initial before periodic; one evaluation open at a time per contract."""

    code = "evaluation_out_of_order"


class DuplicateSubmission(Conflict):
    code = "duplicate_submission"


class ChangedConcurrently(Conflict):
    code = "changed_concurrently"


# -- guards ----------------------------------------------------------------------
def check_evaluator(team: Team, technician_id: str, found: Coordination | None) -> Coordination:
    """The actor coordinates the technician under the contract in force;
    ``found`` is the technician's coordination today, whoever holds it."""
    if team.role != "social_worker":
        raise EvaluationAccessDenied(
            "only the coordinating social worker evaluates a technician",
            role=team.actor.role,
        )
    if found is None:
        raise ContractNotSigned(
            "R1",
            f"technician {technician_id} has no signed coordination contract in force; the "
            "evaluation sheet is applied after the contract is signed (guide 3.2 B)",
            technician_id=technician_id,
        )
    if found.coordinator_id != team.id:
        raise NotYourTechnician(
            f"you do not coordinate technician {technician_id}; only their coordinator "
            "evaluates them",
            technician_id=technician_id,
        )
    return found


def check_coordinated(team: Team, contract_id: str | None = None) -> Coordination:
    """R1 for the technician's own acts, under that contract if named."""
    if team.role != "technician":
        raise EvaluationAccessDenied("this is the technician's to do", role=team.actor.role)
    own = team.coordination
    if own is None or (contract_id is not None and own.contract_id != contract_id):
        raise NoActiveCoordination(
            "R1",
            "no coordination contract in force"
            + (" (the one this record belongs to has ended)" if contract_id else ""),
            technician_id=team.id,
        )
    return own


def check_still_coordinating(team: Team, technician_id: str, contract_id: str) -> None:
    """R1 for the coordinator's acts on an existing record."""
    found = team.coordinated.get(technician_id)
    if found is None or found.contract_id != contract_id:
        raise NoActiveCoordination(
            "R1",
            f"the coordination contract {contract_id} is no longer in force",
            technician_id=technician_id,
        )


def reader_relation(team: Team, record: dict[str, Any]) -> str | None:
    """How the actor stands to a record about a technician (``technician_id``,
    ``coordinator_id``, ``municipality``): None outside their scope."""
    if team.role == "technician" and team.id == record["technician_id"]:
        return "technician"
    if team.role == "social_worker" and team.id == record["coordinator_id"]:
        return "coordinator"
    if team.role == "spas_head" and team.municipality == record["municipality"]:
        return "employer"
    if team.role in ("county_admin", "auditor"):
        return team.role
    return None


def check_reads(team: Team, record: dict[str, Any], full: bool) -> str:
    """``full``: the sheet itself (the parties and the auditor); otherwise
    the summaries the employer and the county also read."""
    relation = reader_relation(team, record)
    if relation is None or (full and relation in ("employer", "county_admin")):
        raise RecordNotVisible(
            f"technician {record['technician_id']}'s record is outside your scope",
            technician_id=record["technician_id"],
        )
    return relation
