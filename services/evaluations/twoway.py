"""Coordination is evaluated too. The technician's feedback to the
coordinator (3.3 §5: how useful the recommendations were, how clear the
communication, whether the support met the needs of the field), which
reaches the coordinator's record; and the evaluation of the coordination as
a professional process (3.3 §3c), by either party. Pure.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import AuditedAggregate
from events.team import Coordination, Team
from services.evaluations.competence import (
    DuplicateSubmission,
    EvaluationAccessDenied,
    InvalidEvaluationCommand,
    check_coordinated,
    check_still_coordinating,
)
from services.evaluations.grid import check_level, text
from services.evaluations.monitoring import check_period

# 3.3 §5, each on the grid's 4-point scale.
FEEDBACK_QUESTIONS: dict[str, str] = {
    "recommendations_useful": "cât de utile au fost recomandările primite",
    "communication_clear": "dacă modul de comunicare a fost clar",
    "support_met_needs": "dacă sprijinul primit a răspuns nevoilor reale din teren",
}
# 3.3 §3c.
PROCESS_CRITERIA: dict[str, str] = {
    "objectives_set_and_communicated": "modul în care sunt stabilite și comunicate obiectivele",
    "roles_clear_and_respected": "claritatea și respectarea rolurilor",
    "recommendations_relevant": "relevanța și aplicabilitatea recomandărilor",
    "methods_efficient": "eficiența metodelor și instrumentelor utilizate în coordonare",
}


def _scores(given: Any, questions: dict[str, str], field: str) -> dict[str, int]:
    if not isinstance(given, dict) or set(given) != set(questions):
        raise InvalidEvaluationCommand(
            f"{field} rates each of: {', '.join(questions)} (1–4)", field=field
        )
    return {q: check_level(given[q], f"{field}.{q}") for q in questions}


def _id(kind: str, contract_id: str, period: str, party: str = "") -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/evaluations/{kind}/{contract_id}/{period}/{party}")


class CoordinationFeedback(AuditedAggregate):
    class Given(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str
        period: str
        scores: dict[str, int]
        comment: str
        suggestions: str

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    Acknowledged: ClassVar[type[Any]]

    def __init__(self, coordinator_id: str) -> None:
        self.coordinator_id = coordinator_id
        self.acknowledged = False

    @classmethod
    def give(
        cls, team: Team, period: Any, scores: Any, comment: Any, suggestions: Any
    ) -> CoordinationFeedback:
        own = check_coordinated(team)
        checked = check_period(period)
        return cls._create(
            cls.Given,
            id=_id("feedback", own.contract_id, checked),
            contract_id=own.contract_id,
            technician_id=team.id,
            coordinator_id=own.coordinator_id,
            municipality=own.municipality,
            period=checked,
            scores=_scores(scores, FEEDBACK_QUESTIONS, "scores"),
            comment=text(comment, "comment"),
            suggestions=text(suggestions, "suggestions"),
            **team.actor.event_fields(),
        )

    def acknowledge(self, team: Team, response: Any) -> None:
        """The coordinator takes it in (3.3 §5: "învățare reciprocă")."""
        if team.role != "social_worker" or team.id != self.coordinator_id:
            raise EvaluationAccessDenied(
                "feedback on the coordination is the coordinator's to read"
            )
        if self.acknowledged:
            raise DuplicateSubmission("you have acknowledged this feedback already")
        said = text(response, "response")
        self._acknowledged(said, **team.actor.event_fields())

    @event("Acknowledged")
    def _acknowledged(
        self, response: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.acknowledged = True


class ProcessEvaluation(AuditedAggregate):
    """One per party, contract and period."""

    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str
        period: str
        party: str
        scores: dict[str, int]
        strengths: str
        improvements: str

    def __init__(self, party: str) -> None:
        self.party = party

    @classmethod
    def record(
        cls, team: Team, coordination: Coordination | None, c: dict[str, Any]
    ) -> ProcessEvaluation:
        """``coordination``: for the coordinator, the technician's contract."""
        if team.role == "technician":
            coordination, party = check_coordinated(team), "technician"
        elif team.role == "social_worker" and coordination is not None:
            check_still_coordinating(team, coordination.technician_id, coordination.contract_id)
            party = "coordinator"
        else:
            raise EvaluationAccessDenied(
                "the coordination is evaluated by its two parties, coordinator and technician"
            )
        period = check_period(c.get("period"))
        return cls._create(
            cls.Recorded,
            id=_id("process", coordination.contract_id, period, party),
            contract_id=coordination.contract_id,
            technician_id=coordination.technician_id,
            coordinator_id=coordination.coordinator_id,
            municipality=coordination.municipality,
            period=period,
            party=party,
            scores=_scores(c.get("scores"), PROCESS_CRITERIA, "scores"),
            strengths=text(c.get("strengths"), "strengths"),
            improvements=text(c.get("improvements"), "improvements"),
            **team.actor.event_fields(),
        )
