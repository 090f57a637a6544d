"""The evaluation of a technician (instrument B for the initial one, 3.3 for
the periodic ones) and the file that keeps their order per contract. Pure:
no nameko, no database.

An evaluation is written by the coordinator (the sheet's sections, the
observed side of the grid, the conclusions) and by the technician (their
self-assessment), then signed by both. Once either has signed, nothing in it
changes; when both have, its conclusion on autonomy is in force (3.2 B: the
evaluation is the basis of the delegated tasks and their limits).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.team import Coordination, Team
from events.vocabulary import EVALUATION_KINDS
from events.vocabulary.evaluations import EVALUATION_PARTIES, SHEET_REQUIRED
from services.evaluations import grid
from services.evaluations.competence import (
    AlreadySigned,
    EvaluationAccessDenied,
    EvaluationIncomplete,
    EvaluationOutOfOrder,
    EvaluationSigned,
    InvalidEvaluationCommand,
    check_coordinated,
    check_still_coordinating,
)
from services.evaluations.sheet import check_section, conclusions


def file_id(contract_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/evaluations/file/{contract_id}")


def check_kind(kind: Any) -> str:
    if kind not in EVALUATION_KINDS:
        raise InvalidEvaluationCommand(
            f"an evaluation is {' or '.join(EVALUATION_KINDS)}, not {kind!r}", field="kind"
        )
    return str(kind)


def check_evaluation_day(
    value: Any, today: date, contract_starts: str | None, previous: str | None
) -> str:
    field = "evaluated_on"
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidEvaluationCommand(f"{field} is a date (YYYY-MM-DD)", field=field) from None
    if day > today:
        raise InvalidEvaluationCommand(f"{field} ({value}) is in the future", field=field)
    if contract_starts and value < contract_starts:
        raise InvalidEvaluationCommand(
            f"{field} ({value}) is before the contract began ({contract_starts})", field=field
        )
    if previous and value < previous:
        raise EvaluationOutOfOrder(
            f"{field} ({value}) is before the previous evaluation ({previous})", field=field
        )
    return str(value)


class EvaluationFile(AuditedAggregate):
    """One per contract: which evaluation is open and which were completed,
    so that the initial one comes first and only one is open at a time
    (concurrent openings contend for this aggregate's next version)."""

    class Started(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        technician_id: str

    def __init__(self, contract_id: str, technician_id: str) -> None:
        self.contract_id, self.technician_id = contract_id, technician_id
        self.open: str | None = None
        self.completed: list[tuple[str, str]] = []  # (evaluation id, date)
        self.initial_done = False

    @classmethod
    def start(cls, actor: Actor, coordination: Coordination) -> EvaluationFile:
        return cls._create(
            cls.Started,
            id=file_id(coordination.contract_id),
            contract_id=coordination.contract_id,
            technician_id=coordination.technician_id,
            **actor.event_fields(),
        )

    def check_may_open(self, kind: str) -> None:
        if self.open is not None:
            raise EvaluationOutOfOrder(
                f"evaluation {self.open} is still open under this contract; it is signed "
                "before another one begins",
                evaluation_id=self.open,
            )
        if kind == "initial" and self.initial_done:
            raise EvaluationOutOfOrder(
                "the initial evaluation under this contract is done; the next ones are periodic"
            )
        if kind == "periodic" and not self.initial_done:
            raise EvaluationOutOfOrder(
                "the initial evaluation (annex 1) comes first under a contract; then periodic ones"
            )

    def opened(self, actor: Actor, evaluation: Evaluation) -> None:
        self.check_may_open(evaluation.kind)
        self._evaluation_opened(str(evaluation.id), evaluation.kind, **actor.event_fields())

    @event("EvaluationOpened")
    def _evaluation_opened(
        self, evaluation_id: str, kind: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.open = evaluation_id

    @property
    def last_completed_on(self) -> str | None:
        return self.completed[-1][1] if self.completed else None

    def completed_one(self, actor: Actor, evaluation: Evaluation) -> None:
        """Recorded under the date of the evaluation (annex 1: "Data
        evaluării"), which the next period counts from."""
        self._evaluation_completed(
            str(evaluation.id), evaluation.evaluated_on, **actor.event_fields()
        )

    @event("EvaluationCompleted")
    def _evaluation_completed(
        self,
        evaluation_id: str,
        completed_on: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.open = None
        self.completed.append((evaluation_id, completed_on))
        self.initial_done = True


class Evaluation(AuditedAggregate):
    class Opened(Aggregate.Created, AuditedAggregate.Event):
        kind: str
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str
        evaluated_on: str  # annex 1 "Data evaluării"
        previous_on: str | None  # the last completed evaluation: the period's start

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    SectionRecorded: ClassVar[type[Any]]
    SelfAssessed: ClassVar[type[Any]]
    Observed: ClassVar[type[Any]]
    Concluded: ClassVar[type[Any]]
    Signed: ClassVar[type[Any]]

    class AutonomyConcluded(AuditedAggregate.Event):
        """Both have signed: the conclusion on autonomy is in force. Whose it
        is travels with it, for the coordination service (3.2 B)."""

        kind: str
        technician_id: str
        coordinator_id: str
        contract_id: str
        municipality: str
        autonomous_tasks: list[str]
        support_domains: list[str]
        concluded_on: str

    def __init__(
        self,
        kind: str,
        contract_id: str,
        technician_id: str,
        coordinator_id: str,
        municipality: str,
        evaluated_on: str,
        previous_on: str | None,
    ) -> None:
        self.kind, self.contract_id, self.municipality = kind, contract_id, municipality
        self.technician_id, self.coordinator_id = technician_id, coordinator_id
        self.evaluated_on, self.previous_on = evaluated_on, previous_on
        self.sections: dict[str, dict[str, Any]] = {}
        self.self_assessment: dict[str, dict[str, Any]] = {}
        self.observation: dict[str, dict[str, Any]] = {}
        self.conclusions: dict[str, Any] | None = None
        self.signatures: dict[str, str] = {}

    # -- the coordinator opens it ---------------------------------------------
    @classmethod
    def open(
        cls,
        actor: Actor,
        coordination: Coordination,
        evaluation_file: EvaluationFile,
        kind: str,
        today: date,
        evaluated_on: str | None = None,
    ) -> Evaluation:
        """``evaluated_on``: the day it was carried out, today unless said;
        within the contract and after the previous evaluation."""
        day = check_evaluation_day(
            evaluated_on or today.isoformat(),
            today,
            coordination.starts_on,
            evaluation_file.last_completed_on,
        )
        evaluation = cls._create(
            cls.Opened,
            id=uuid.uuid4(),
            kind=check_kind(kind),
            contract_id=coordination.contract_id,
            technician_id=coordination.technician_id,
            coordinator_id=coordination.coordinator_id,
            municipality=coordination.municipality,
            evaluated_on=day,
            previous_on=evaluation_file.last_completed_on,
            **actor.event_fields(),
        )
        evaluation_file.opened(actor, evaluation)
        return evaluation

    # -- writing it ------------------------------------------------------------
    def record_section(self, team: Team, section: str, content: Any) -> None:
        self._check_coordinator_writes(team)
        checked = check_section(self.kind, section, content)
        self._section_recorded(section, checked, **team.actor.event_fields())

    @event("SectionRecorded")
    def _section_recorded(
        self,
        section: str,
        content: dict[str, Any],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.sections[section] = content

    def observe(self, team: Team, rows: Any) -> None:
        """The coordinator's side of the grid."""
        self._check_coordinator_writes(team)
        checked = grid.check_entries(rows, "observation")
        self._observed(checked, **team.actor.event_fields())

    @event("Observed")
    def _observed(
        self, rows: dict[str, Any], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.observation.update(rows)

    def self_assess(self, team: Team, rows: Any) -> None:
        """The technician's side of the grid (annex 2 §2: "poate fi completată
        de tehnician împreună cu asistentul social")."""
        check_coordinated(team, self.contract_id)
        self._check_party(team, "technician")
        self._check_unsigned()
        checked = grid.check_entries(rows, "self_assessment")
        self._self_assessed(checked, **team.actor.event_fields())

    @event("SelfAssessed")
    def _self_assessed(
        self, rows: dict[str, Any], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.self_assessment.update(rows)

    def conclude(self, team: Team, content: Any) -> None:
        self._check_coordinator_writes(team)
        checked = conclusions(content)
        self._concluded(checked, **team.actor.event_fields())

    @event("Concluded")
    def _concluded(
        self, conclusions: dict[str, Any], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.conclusions = conclusions

    # -- signing -----------------------------------------------------------------
    def missing(self) -> list[str]:
        """What must be written before anyone signs."""
        absent = [f"section {s}" for s in SHEET_REQUIRED[self.kind] if s not in self.sections]
        unobserved = [d for d in grid.DOMAINS if d not in self.observation]
        if unobserved:
            absent.append(f"the observed level of {', '.join(unobserved)}")
        if self.conclusions is None:
            absent.append("the conclusions")
        return absent

    def sign(self, team: Team, today: date) -> bool:
        """Signs for the actor's party; True when this completes it."""
        party = "coordinator" if team.id == self.coordinator_id else "technician"
        self._check_party(team, party)
        if party == "technician":
            check_coordinated(team, self.contract_id)
        else:
            check_still_coordinating(team, self.technician_id, self.contract_id)
        if party in self.signatures:
            raise AlreadySigned(
                f"the {party} signed this evaluation on {self.signatures[party]}",
                evaluation_id=str(self.id),
            )
        missing = self.missing()
        if missing:
            raise EvaluationIncomplete(
                f"not ready to sign; missing: {'; '.join(missing)}", missing=missing
            )
        fields = team.actor.event_fields()
        self._signed(party, today.isoformat(), **fields)
        if len(self.signatures) < len(EVALUATION_PARTIES):
            return False
        assert self.conclusions is not None
        self.trigger_event(
            self.AutonomyConcluded,
            kind=self.kind,
            technician_id=self.technician_id,
            coordinator_id=self.coordinator_id,
            contract_id=self.contract_id,
            municipality=self.municipality,
            autonomous_tasks=self.conclusions["autonomous_tasks"],
            support_domains=self.conclusions["support_domains"],
            concluded_on=today.isoformat(),
            **fields,
        )
        return True

    @event("Signed")
    def _signed(
        self, party: str, signed_on: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.signatures[party] = signed_on

    @property
    def completed(self) -> bool:
        return len(self.signatures) == len(EVALUATION_PARTIES)

    @property
    def status(self) -> str:
        if self.completed:
            return "completed"
        return "signing" if self.signatures else "draft"

    def differences(self) -> list[dict[str, Any]]:
        return grid.differences(self.self_assessment, self.observation)

    # -- guards --------------------------------------------------------------------
    def _check_party(self, team: Team, party: str) -> None:
        expected = self.coordinator_id if party == "coordinator" else self.technician_id
        role = "social_worker" if party == "coordinator" else "technician"
        if team.id != expected or team.role != role:
            raise EvaluationAccessDenied(
                f"this is for the evaluation's {party} to do", evaluation_id=str(self.id)
            )

    def _check_unsigned(self) -> None:
        if self.signatures:
            raise EvaluationSigned(
                f"signed by the {' and the '.join(self.signatures)}; a signed evaluation "
                "does not change",
                evaluation_id=str(self.id),
            )

    def _check_coordinator_writes(self, team: Team) -> None:
        self._check_party(team, "coordinator")
        check_still_coordinating(team, self.technician_id, self.contract_id)
        self._check_unsigned()
