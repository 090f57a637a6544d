"""Monitoring the technician's performance between evaluations (instrument E
of 3.2): the checklists the coordinator completes during or after an
activity (E.1), the technician's progress reports that the coordinator
validates (E.2) and the feedback sessions (E.3). Pure.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.team import Coordination, Team
from events.vocabulary import DELEGABLE_TASKS
from events.vocabulary.evaluations import OBSERVED
from services.evaluations.competence import (
    DuplicateSubmission,
    EvaluationAccessDenied,
    InvalidEvaluationCommand,
    check_coordinated,
    check_still_coordinating,
)
from services.evaluations.grid import text

# E.1: what the coordinator checks an activity against (the standards of
# 3.2 D–F: instructions, role limits, confidentiality, dignity and autonomy
# of the beneficiary, documentation on time, reporting to the coordinator).
CHECKLIST_CRITERIA: dict[str, str] = {
    "instructions_followed": "respectă instrucțiunile primite și planul de coordonare",
    "role_limits_respected": "nu intervine în afara competențelor (R2, R3)",
    "confidentiality_respected": "respectă confidențialitatea informațiilor (R9)",
    "beneficiary_dignity_autonomy": "respectă demnitatea și autonomia beneficiarului",
    "communication_clear": "comunică clar și profesionist cu beneficiarul",
    "documented_on_time": "documentează activitatea corect și în termen (R7)",
    "information_accurate": "informațiile transmise sunt corecte și complete",
    "reported_to_coordinator": "raportează coordonatorului situațiile care o cer",
}
RESULTS = {"met": 1.0, "partly": 0.5, "not_met": 0.0}


def check_period(period: Any) -> str:
    """A month (``2026-10``) or a quarter (``2026-Q4``)."""
    ok = isinstance(period, str) and len(period) == 7 and period[:4].isdigit()
    if ok and period[5] == "Q":
        ok = period[6] in "1234" and period[4] == "-"
    elif ok:
        ok = period[4] == "-" and period[5:].isdigit() and 1 <= int(period[5:]) <= 12
    if not ok:
        raise InvalidEvaluationCommand(
            f"the period is a month (2026-10) or a quarter (2026-Q4), not {period!r}",
            field="period",
        )
    return str(period)


def check_day(value: Any, field: str, today: date) -> str:
    if not isinstance(value, str):
        raise InvalidEvaluationCommand(f"{field} is a date (YYYY-MM-DD)", field=field)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidEvaluationCommand(f"{field} is a date (YYYY-MM-DD)", field=field) from None
    if day > today:
        raise InvalidEvaluationCommand(f"{field} ({value}) is in the future", field=field)
    return value


# -- E.1 checklists -------------------------------------------------------------
def check_items(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list) or not items:
        raise InvalidEvaluationCommand("a checklist checks at least one criterion", field="items")
    checked, seen = [], set()
    for i, item in enumerate(items):
        at = f"items[{i}]"
        if not isinstance(item, dict) or set(item) - {"criterion", "result", "note"}:
            raise InvalidEvaluationCommand(f"{at} is criterion, result, note", field=at)
        criterion, result = item.get("criterion"), item.get("result")
        if criterion not in CHECKLIST_CRITERIA:
            raise InvalidEvaluationCommand(
                f"{at}: criteria are {', '.join(CHECKLIST_CRITERIA)}", field=f"{at}.criterion"
            )
        if criterion in seen:
            raise InvalidEvaluationCommand(f"{at}: {criterion} is checked twice", field=at)
        if result not in RESULTS:
            raise InvalidEvaluationCommand(
                f"{at}: the result is {', '.join(RESULTS)}", field=f"{at}.result"
            )
        seen.add(criterion)
        checked.append(
            {"criterion": criterion, "result": result, "note": text(item.get("note"), at)}
        )
    return checked


def compliance(items: list[dict[str, Any]]) -> float:
    """Share of the checked criteria met (a criterion partly met counts half)."""
    return round(sum(RESULTS[i["result"]] for i in items) / len(items), 3)


class Checklist(AuditedAggregate):
    class Completed(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str
        activity: str
        task_id: str | None
        observed: str
        observed_on: str
        items: list[dict[str, Any]]
        compliance: float
        comment: str

    def __init__(
        self,
        contract_id: str,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        compliance: float,
    ) -> None:
        """Completed once and never changed: whose it is (what every scope
        check reads, ``competence.check_reads``) and how it went."""
        self.contract_id, self.technician_id = contract_id, technician_id
        self.coordinator_id, self.municipality = coordinator_id, municipality
        self.compliance = compliance

    @classmethod
    def complete(
        cls,
        team: Team,
        coordination: Coordination,
        *,
        activity: Any,
        observed: Any,
        observed_on: Any,
        items: Any,
        comment: Any,
        task_id: str | None,
        today: date,
    ) -> Checklist:
        if activity not in DELEGABLE_TASKS:
            raise InvalidEvaluationCommand(
                f"the activity is a delegated task type (R3): {', '.join(DELEGABLE_TASKS)}",
                field="activity",
            )
        if observed not in OBSERVED:
            raise InvalidEvaluationCommand(
                "completed during or after the activity (3.2 E.1)", field="observed"
            )
        checked = check_items(items)
        return cls._create(
            cls.Completed,
            id=uuid.uuid4(),
            contract_id=coordination.contract_id,
            technician_id=coordination.technician_id,
            coordinator_id=team.id,
            municipality=coordination.municipality,
            activity=activity,
            task_id=task_id,
            observed=observed,
            observed_on=check_day(observed_on, "observed_on", today),
            items=checked,
            compliance=compliance(checked),
            comment=text(comment, "comment"),
            **team.actor.event_fields(),
        )


# -- E.2 progress reports ----------------------------------------------------------
def progress_report_id(contract_id: str, period: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/evaluations/progress/{contract_id}/{period}")


def check_report(content: Any) -> dict[str, str]:
    required = {"activities", "results", "impact_on_beneficiaries"}
    optional = {"difficulties", "support_needed"}
    if (
        not isinstance(content, dict)
        or required - set(content)
        or set(content) - required - optional
    ):
        raise InvalidEvaluationCommand(
            "a progress report states activities, results, impact_on_beneficiaries "
            "(and may state difficulties, support_needed)",
            field="content",
        )
    return {
        k: text(content.get(k), f"content.{k}", required=k in required)
        for k in (*sorted(required), *sorted(optional))
    }


class ProgressReport(AuditedAggregate):
    """E.2: "întocmite de tehnician și validate de asistentul social"."""

    class Submitted(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str
        period: str
        content: dict[str, str]

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    Returned: ClassVar[type[Any]]
    Resubmitted: ClassVar[type[Any]]
    Validated: ClassVar[type[Any]]

    def __init__(
        self,
        contract_id: str,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        period: str,
        content: dict[str, str],
    ) -> None:
        self.contract_id, self.technician_id = contract_id, technician_id
        self.coordinator_id, self.municipality = coordinator_id, municipality
        self.period, self.content = period, content
        self.status = "submitted"

    @classmethod
    def submit(cls, team: Team, period: Any, content: Any) -> ProgressReport:
        own = check_coordinated(team)
        checked_period = check_period(period)
        return cls._create(
            cls.Submitted,
            id=progress_report_id(own.contract_id, checked_period),
            contract_id=own.contract_id,
            technician_id=team.id,
            coordinator_id=own.coordinator_id,
            municipality=own.municipality,
            period=checked_period,
            content=check_report(content),
            **team.actor.event_fields(),
        )

    def resubmit(self, team: Team, content: Any) -> None:
        check_coordinated(team, self.contract_id)
        if team.id != self.technician_id:
            raise EvaluationAccessDenied("only the report's technician revises it")
        self._check_status("resubmitted", "returned")
        checked = check_report(content)
        if checked == self.content:
            raise InvalidEvaluationCommand(
                "the report comes back unchanged; revise it as the comments ask", field="content"
            )
        self._resubmitted(checked, **team.actor.event_fields())

    @event("Resubmitted")
    def _resubmitted(
        self, content: dict[str, str], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.status, self.content = "submitted", content

    def review(self, team: Team, validate: bool, comment: Any) -> None:
        if team.role != "social_worker" or team.id != self.coordinator_id:
            raise EvaluationAccessDenied("only the technician's coordinator validates the report")
        check_still_coordinating(team, self.technician_id, self.contract_id)
        self._check_status("validated" if validate else "returned", "submitted")
        said = text(comment, "comment", required=not validate)
        if validate:
            self._validated(said, **team.actor.event_fields())
        else:
            self._returned(said, **team.actor.event_fields())

    @event("Validated")
    def _validated(self, comment: str, actor_id: str, actor_role: str, correlation_id: str) -> None:
        self.status = "validated"

    @event("Returned")
    def _returned(self, comments: str, actor_id: str, actor_role: str, correlation_id: str) -> None:
        self.status = "returned"

    def _check_status(self, step: str, expected: str) -> None:
        if self.status != expected:
            raise DuplicateSubmission(
                f"the report for {self.period} is {self.status}; it is {step} only when {expected}",
                report_id=str(self.id),
            )


# -- E.3 feedback sessions, as recorded here before ---------------------------------
class FeedbackSession(AuditedAggregate):
    """E.3 sessions recorded by this service before they became entries of
    the coordination journal (``services.evaluations.sessions``): kept so that
    the sessions stored then still load, count and are published on replay.
    Nothing records one any more."""

    class Held(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str
        held_on: str
        minutes: int
        channel: str
        topics: list[str]
        strengths: str
        improvements: str
        agreed_actions: list[str]

    class Commented(AuditedAggregate.Event):
        comment: str

        def apply(self, session: FeedbackSession) -> None:
            session.technician_comment = self.comment

    def __init__(
        self, contract_id: str, technician_id: str, coordinator_id: str, municipality: str,
        **_: Any,
    ) -> None:
        self.contract_id, self.technician_id = contract_id, technician_id
        self.coordinator_id, self.municipality = coordinator_id, municipality
        self.technician_comment: str | None = None
