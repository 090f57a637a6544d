"""Closing a case (guide 2.4, R8): "Închiderea cazului trebuie realizată
responsabil" — the technician writes the final case report, the coordinator
validates the closure. So a case that was opened closes only on a validated
final report of its technician; when no technician works on it, on the
coordinator's recorded reason instead. A case not opened (after its initial
evaluation) closes with no report. Pure.
"""

from __future__ import annotations

from events.errors import RuleViolation
from events.vocabulary import cases as names
from services.cases.competence import (
    CaseLike,
    InvalidCaseCommand,
    StageConflict,
    check_choice,
)


class FinalReportMissing(RuleViolation):
    """R8: closure rests on the technician's validated final report."""

    code = "final_report_missing"


def check_closure(
    case: CaseLike,
    stage: str,
    outcome: str,
    destination: str | None,
    final_report_id: str | None,
    without_report_reason: str | None,
) -> None:
    """The outcome fits the stage, a referral or transfer names where to,
    and an opened case closes on its final report (``check_final_report``)."""
    check_choice(outcome, names.CLOSURE_OUTCOMES, "outcome")
    if (outcome == "not_opened") != (stage == "initial_evaluation"):
        raise StageConflict(
            "a case is closed as not_opened after its initial evaluation, and any other "
            f"way once the intervention ran; the case is {stage}",
            stage=stage,
            case_id=str(case.id),
        )
    if outcome in ("referral", "transfer") and not (destination or "").strip():
        raise InvalidCaseCommand(
            f"a {outcome} names the destination service or institution", field="destination"
        )
    if outcome != "not_opened":
        check_final_report(case, final_report_id, without_report_reason)


def check_final_report(
    case: CaseLike, final_report_id: str | None, without_report_reason: str | None
) -> None:
    """R8 (2.4): the technician's validated final report; the coordinator's
    reason only when no technician works on the case."""
    if case.technicians and without_report_reason is not None:
        raise InvalidCaseCommand(
            "a technician works on the case: it closes on their final report, not on a reason",
            field="without_report_reason",
        )
    if final_report_id is not None or without_report_reason is not None:
        return
    if case.technicians:
        raise FinalReportMissing(
            "R8",
            "a case closes on its technician's validated final report (2.4): ask for the final "
            "report, validate it, then close the case naming it",
            field="final_report_id",
            case_id=str(case.id),
        )
    raise FinalReportMissing(
        "R8",
        "no technician works on the case, so there is no final report: record why the case "
        "closes without one",
        field="without_report_reason",
        case_id=str(case.id),
    )
