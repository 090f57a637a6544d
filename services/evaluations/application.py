"""The evaluations application: load, change, save; queries return plain
data. The rules live on the aggregates; this module resolves who the actor
is (``Team``, from the coordination service's events) and which technician's
coordination a command is about."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.clock import local_today
from events.following import FollowsCoordination, TeamView, upstream_actor
from events.refusals import Refusal, records_refusals
from events.store import EventSourcedApplication
from events.team import Coordination, Team
from services.evaluations import grid
from services.evaluations.audit import ReadLog, recorded_read
from services.evaluations.competence import (
    ChangedConcurrently,
    EvaluationAccessDenied,
    EvaluationOutOfOrder,
    RecordNotVisible,
    UnknownEvaluation,
    check_evaluator,
    check_reads,
)
from services.evaluations.domain import Evaluation, EvaluationFile, file_id
from services.evaluations.monitoring_commands import MonitoringCommands
from services.evaluations.projections import TechnicianRecords
from services.evaluations.reading import Reading
from services.evaluations.sessions import (
    JOURNAL_FOLLOWED,
    FollowedSession,
    session_fact,
)


class EvaluationsApplication(
    MonitoringCommands, Reading, FollowsCoordination, EventSourcedApplication
):
    name = "evaluations"
    VIEWS = (TeamView, TechnicianRecords, ReadLog)

    def today(self) -> date:
        """The clock; tests and replays may replace it."""
        return local_today()

    # -- whom a command is about ----------------------------------------------
    def coordination_of(self, technician_id: str) -> Coordination | None:
        return self.view(TeamView).coordination_of(technician_id, self.today())

    def evaluator(self, actor: Actor, technician_id: UUID) -> tuple[Team, Coordination]:
        """The actor as the technician's coordinator under the contract in
        force (3.2 B, R1), or the refusal that says why not."""
        team = self.team(actor)
        return team, check_evaluator(
            team, str(technician_id), self.coordination_of(str(technician_id))
        )

    def records(self) -> TechnicianRecords:
        return self.view(TechnicianRecords)

    def coordination_fact(self, name: str, event: Any) -> Any | None:
        """Staff and contracts as every follower keeps them, and the
        journal's feedback sessions (E.3), which the record counts."""
        if name not in JOURNAL_FOLLOWED:
            return super().coordination_fact(name, event)
        return session_fact(
            name,
            event.get_data(),
            event.get_extension("municipality"),
            lambda session_id: self.find(session_id, FollowedSession),
            upstream_actor(event),
        )

    # -- the evaluation (annex 1, annex 2, 3.3) ---------------------------------------
    @records_refusals
    def open_evaluation(
        self, actor: Actor, technician_id: UUID, kind: str, evaluated_on: str | None = None
    ) -> dict[str, Any]:
        _, coordination = self.evaluator(actor, technician_id)
        found = self.find(file_id(coordination.contract_id), EvaluationFile)
        evaluation_file = found or EvaluationFile.start(actor, coordination)
        evaluation = Evaluation.open(
            actor, coordination, evaluation_file, kind, self.today(), evaluated_on
        )
        self.save_or(
            EvaluationOutOfOrder("another evaluation was opened under this contract just now"),
            evaluation_file,
            evaluation,
        )
        return self.evaluation_view(evaluation, "coordinator")

    @records_refusals
    def record_evaluation_section(
        self, actor: Actor, evaluation_id: UUID, section: str, content: Any
    ) -> dict[str, Any]:
        return self._change(
            actor, evaluation_id, lambda e, t: e.record_section(t, section, content)
        )

    @records_refusals
    def record_observation(self, actor: Actor, evaluation_id: UUID, rows: Any) -> dict[str, Any]:
        return self._change(actor, evaluation_id, lambda e, t: e.observe(t, rows))

    @records_refusals
    def record_self_assessment(
        self, actor: Actor, evaluation_id: UUID, rows: Any
    ) -> dict[str, Any]:
        return self._change(actor, evaluation_id, lambda e, t: e.self_assess(t, rows))

    @records_refusals
    def record_conclusions(
        self, actor: Actor, evaluation_id: UUID, conclusions: Any
    ) -> dict[str, Any]:
        return self._change(actor, evaluation_id, lambda e, t: e.conclude(t, conclusions))

    @records_refusals
    def sign_evaluation(self, actor: Actor, evaluation_id: UUID) -> dict[str, Any]:
        team, evaluation, relation = self._party_to(actor, evaluation_id)
        changed: list[Any] = [evaluation]
        if evaluation.sign(team, self.today()):
            evaluation_file = self.get_as(
                file_id(evaluation.contract_id), EvaluationFile, UnknownEvaluation("no file")
            )
            evaluation_file.completed_one(actor, evaluation)
            changed.append(evaluation_file)
        self.save_or(ChangedConcurrently("the evaluation changed meanwhile; retry"), *changed)
        return self.evaluation_view(evaluation, relation)

    def _change(self, actor: Actor, evaluation_id: UUID, change: Any) -> dict[str, Any]:
        team, evaluation, relation = self._party_to(actor, evaluation_id)
        change(evaluation, team)
        self.save_or(ChangedConcurrently("the evaluation changed meanwhile; retry"), evaluation)
        return self.evaluation_view(evaluation, relation)

    def _party_to(self, actor: Actor, evaluation_id: UUID) -> tuple[Team, Evaluation, str]:
        team = self.team(actor)
        return team, *self._visible(team, evaluation_id, "change_evaluation")

    def _visible(self, team: Team, evaluation_id: UUID, command: str) -> tuple[Evaluation, str]:
        """The evaluation and the asker's relation to it."""
        missing = UnknownEvaluation(
            f"no evaluation {evaluation_id} that you may see", evaluation_id=str(evaluation_id)
        )
        evaluation = self.get_as(evaluation_id, Evaluation, missing)
        return evaluation, self.scoped(
            team, vars(evaluation), full=True, command=command, missing=missing
        )

    # -- scope, on record (R9) ----------------------------------------------------------
    def scoped(
        self, team: Team, record: dict[str, Any], *, full: bool, command: str, missing: Exception
    ) -> str:
        """The asker's relation to a technician's record. Outside their scope
        they are told what they would be told of a record that does not
        exist, and the attempt is stored."""
        try:
            return check_reads(team, record, full)
        except RecordNotVisible as hidden:
            self.save(Refusal.record(team.actor, command, hidden, record["technician_id"]))
            raise missing from None

    def note_read(
        self, team: Team, relation: str, kind: str, subject_id: str, technician_id: str | None
    ) -> None:
        read = recorded_read(team.actor, relation, kind, subject_id, technician_id)
        if read is not None:
            self.save(read)

    def record_reads(self, actor: Actor, technician_id: UUID | None = None) -> list[dict]:
        """Who outside the coordination read which record (the auditor's)."""
        if self.team(actor).role not in ("auditor", "county_admin"):
            raise EvaluationAccessDenied("the read log is the auditor's and the county's")
        return self.view(ReadLog).of(technician_id=str(technician_id) if technician_id else None)

    # -- reading an evaluation ----------------------------------------------------------
    def evaluation(self, actor: Actor, evaluation_id: UUID) -> dict[str, Any]:
        team = self.team(actor)
        evaluation, relation = self._visible(team, evaluation_id, "get_evaluation")
        self.note_read(team, relation, "evaluation", str(evaluation.id), evaluation.technician_id)
        return self.evaluation_view(evaluation, relation)

    @staticmethod
    def evaluation_view(e: Evaluation, relation: str) -> dict[str, Any]:
        return {
            "evaluation_id": str(e.id),
            "kind": e.kind,
            "status": e.status,
            "technician_id": e.technician_id,
            "coordinator_id": e.coordinator_id,
            "contract_id": e.contract_id,
            "municipality": e.municipality,
            "evaluated_on": e.evaluated_on,
            "period_from": e.previous_on,
            "sections": e.sections,
            "grid": [
                {
                    "domain": domain,
                    "name": name,
                    "questions": questions,
                    "self_assessment": e.self_assessment.get(domain),
                    "observation": e.observation.get(domain),
                }
                for domain, (name, questions) in grid.DOMAINS.items()
            ],
            "differences": e.differences(),
            "conclusions": e.conclusions,
            "signatures": e.signatures,
            "missing": e.missing(),
            "version": e.version,
            "as": relation,
        }
