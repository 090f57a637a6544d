"""Application commands and queries of incidents and difficulties
(instrument F, guide chapter 4); mixed into ``CoordinationApplication``
(load, change, save; the rules live on ``Incident`` in ``domain.py``).

Who coordinates whom comes from ``coordination_of`` (the contract
capability), staff from the registry. The time of a command is the
application's clock, except for ``escalate_overdue_incidents``, which takes
``now`` so that a scheduler (or a test) decides the moment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from events.actor import SYSTEM, Actor
from events.clock import local_today
from events.refusals import records_refusals
from events.store import ApplicationPart
from services.coordination.incidents import workload
from services.coordination.incidents.deadlines import deadline_hours_from_env
from services.coordination.incidents.domain import Incident
from services.coordination.incidents.rules import (
    IncidentChangedConcurrently,
    IncidentReadDenied,
    UnknownIncident,
    check_may_read_about,
    check_may_run_escalation,
    parse_moment,
    redistribution_due_back,
)
from services.coordination.incidents.views import IncidentIndex, incident_view
from services.coordination.ports import Coordinations, StaffDirectory, TaskMoves
from services.coordination.scope import spas_list_scope
from services.coordination.tasks.domain import TaskSheet


class IncidentCommands(ApplicationPart):
    """The incidents' commands, jobs and queries (load, change, save)."""

    # the other capabilities, through their ports (``ports.py``)
    coordinations: Coordinations
    staff_directory: StaffDirectory
    task_moves: TaskMoves

    # -- the report form -------------------------------------------------------
    @records_refusals
    def report_incident(
        self,
        actor: Actor,
        technician_id: UUID,
        difficulty_type: str,
        description: str,
        resolution_hours: int | None = None,
        about_coordinator: bool = False,
    ) -> dict[str, Any]:
        incident = Incident.report(
            actor,
            technician=self.staff_directory.get_staff(technician_id),
            coordination=self.coordinations.coordination_of(technician_id),
            difficulty_type=difficulty_type,
            description=description,
            now=datetime.now(UTC),
            deadlines=deadline_hours_from_env(),  # the county's, by difficulty type
            resolution_hours=resolution_hours,
            about_coordinator=about_coordinator,
        )
        self._save_incident(incident)
        return incident_view(incident)

    # -- the seven steps of 4.5 ------------------------------------------------
    @records_refusals
    def identify_incident(
        self, actor: Actor, incident_id: UUID, difficulty_type: str, problem: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.identify(actor, c, difficulty_type, problem))

    @records_refusals
    def inform_about_incident(
        self, actor: Actor, incident_id: UUID, informed_party: str, note: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.inform(actor, c, informed_party, note))

    @records_refusals
    def analyse_incident_cause(
        self, actor: Actor, incident_id: UUID, causes: list[str], analysis: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.analyse_cause(actor, c, causes, analysis))

    @records_refusals
    def choose_incident_solution(
        self, actor: Actor, incident_id: UUID, measures: list[str], solution: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.choose_solution(actor, c, measures, solution))

    @records_refusals
    def implement_incident_solution(
        self, actor: Actor, incident_id: UUID, implementation: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.implement_solution(actor, c, implementation))

    @records_refusals
    def monitor_incident(
        self, actor: Actor, incident_id: UUID, outcome: str, observations: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.monitor(actor, c, outcome, observations))

    @records_refusals
    def document_incident(
        self, actor: Actor, incident_id: UUID, case_study: str, lessons: str
    ) -> dict[str, Any]:
        return self._lead(incident_id, lambda i, c: i.document(actor, c, case_study, lessons))

    @records_refusals
    def share_incident_with_coordinator(
        self, actor: Actor, incident_id: UUID, note: str
    ) -> dict[str, Any]:
        """4.5 step 2: the SPAS head decides that the coordinator a difficulty
        concerns may read it; until then it is hidden from them."""
        return self._lead(incident_id, lambda i, c: i.share_with_coordinator(actor, c, note))

    # -- escalation (4.4.3) ------------------------------------------------------
    @records_refusals
    def escalate_incident(self, actor: Actor, incident_id: UUID, reason: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        return self._lead(incident_id, lambda i, c: i.escalate(actor, c, reason, now))

    @records_refusals
    def escalate_overdue_incidents(
        self, actor: Actor, now: str | None = None
    ) -> list[dict[str, Any]]:
        """Every unresolved incident past its deadline goes up one level.
        Each incident is saved on its own: one changed meanwhile by another
        command (or another run) is left for the next run, not the batch."""
        check_may_run_escalation(actor)
        moment = parse_moment(now) if now is not None else datetime.now(UTC)
        escalated = []
        for incident_id in self.view(IncidentIndex).escalatable():
            incident = self._incident(incident_id)
            if not incident.escalate_if_overdue(actor, moment):
                continue
            try:
                self.save(incident)
            except IntegrityError:
                continue
            escalated.append(incident_view(incident))
        return escalated

    # -- temporary redistribution where the workload is the cause (4.5 step 4) ----
    @records_refusals
    def redistribute_incident_tasks(
        self,
        actor: Actor,
        incident_id: UUID,
        to_technician_id: UUID,
        until: str,
        reason: str,
    ) -> dict[str, Any]:
        """Recorded on the incident (published as ``TasksRedistributed``) and
        the technician's open tasks moved to the colleague, in one
        transaction. Giving them back after ``until`` is the coordinator's
        ``reassign_task``, prompted by the reminder the notifications service
        derives from ``until``."""
        incident = self._incident(incident_id)
        incident.redistribute_tasks(
            actor,
            self.coordinations.coordination_of(UUID(incident.technician_id)),
            self.staff_directory.get_staff(to_technician_id),
            self.coordinations.coordination_of(to_technician_id),
            until,
            reason,
            local_today(),
        )
        moved = self.task_moves.open_tasks_moved(
            actor, incident.technician_id, to_technician_id, f"{_marker(incident)}: {reason}"
        )
        self._save_incident(incident, *moved)
        return incident_view(incident) | {"tasks_moved": [str(t.id) for t in moved]}

    @records_refusals
    def return_redistributed_tasks(
        self, actor: Actor, today: date | None = None
    ) -> list[dict[str, Any]]:
        """Job (timer, or the county): when a redistribution's ``until`` has
        passed, the tasks still open go back to the technician, recorded on
        the incident and on each task in one transaction."""
        check_may_run_escalation(actor)  # the same jobs people: system, county admin
        today = today or local_today()
        returned = []
        for incident_id in self.view(IncidentIndex).with_redistribution():
            incident = self._incident(incident_id)
            due = redistribution_due_back(incident.redistributions, today)
            if due is None:
                continue
            back = self.task_moves.tasks_moved_back(
                actor, due["to_technician_id"], incident.technician_id, _marker(incident)
            )
            incident.record_tasks_returned(actor, [str(t.id) for t in back])
            self._save_incident(incident, *back)
            returned.append(incident_view(incident) | {"tasks_returned": [str(t.id) for t in back]})
        return returned

    # -- excessive delegation (4.2.1), detected from the tasks ----------------------
    def excessive_delegation_raised(
        self, actor: Actor, coordination: dict[str, Any], open_tasks: int
    ) -> list[Aggregate]:
        """The difficulty to save with a delegation that leaves the technician
        ``open_tasks`` from their coordinator, past the county's limit: about
        the coordinator (the SPAS head leads it, 4.5 step 2), raised by the
        platform — once, until documented."""
        limit = workload.open_tasks_limit_from_env()
        technician_id = coordination["technician_id"]
        index = self.view(IncidentIndex)
        if open_tasks <= limit or index.open_detected(technician_id, workload.DETECTED):
            return []
        watch = Actor("coordination.delegation-watch", SYSTEM, None, actor.correlation_id)
        incident = Incident.report(
            watch,
            technician=self.staff_directory.get_staff(UUID(technician_id)),
            coordination=coordination,
            difficulty_type=workload.DIFFICULTY,
            description=workload.description(open_tasks, limit),
            now=datetime.now(UTC),
            deadlines=deadline_hours_from_env(),
            about_coordinator=True,
            detected=workload.DETECTED,
        )
        return [incident]

    # -- queries -------------------------------------------------------------------
    def get_incident(self, actor: Actor, incident_id: UUID) -> dict[str, Any]:
        incident = self._incident(incident_id)
        incident.check_may_read(actor, self._coordinator_of(incident.technician_id))
        return incident_view(incident)

    def incidents_of_technician(self, actor: Actor, technician_id: UUID) -> list[dict[str, Any]]:
        """Every incident about the technician, oldest first."""
        technician = self.staff_directory.get_staff(technician_id)
        check_may_read_about(
            actor,
            technician["staff_id"],
            technician["municipality"],
            (self._coordinator_of(technician["staff_id"]),),
        )
        ids = self.view(IncidentIndex).of_technician(technician["staff_id"])
        incidents = [self._incident(i) for i in ids]
        # a difficulty about the coordinator is not in their list (4.5 step 2)
        return [incident_view(i) for i in incidents if not i.hidden_from(actor)]

    def open_incidents(self, actor: Actor, municipality: str | None = None) -> list[dict[str, Any]]:
        """Incidents not yet documented: the SPAS head's own SPAS, or any (or
        all) for the county and auditors — the escalation targets' list."""
        municipality = spas_list_scope(
            actor,
            municipality,
            IncidentReadDenied(
                "open incidents are listed for the head of that SPAS or the county, "
                f"not a {actor.role}",
                role=actor.role,
            ),
        )
        ids = self.view(IncidentIndex).still_open(municipality)
        return [incident_view(self._incident(i)) for i in ids]

    # -- helpers -------------------------------------------------------------------
    def _lead(
        self, incident_id: UUID, change: Callable[[Incident, str | None], None]
    ) -> dict[str, Any]:
        """A change by whoever leads the incident: ``change`` gets the
        incident and the technician's coordinator today."""
        incident = self._incident(incident_id)
        change(incident, self._coordinator_of(incident.technician_id))
        self._save_incident(incident)
        return incident_view(incident)

    def _coordinator_of(self, technician_id: str) -> str | None:
        coordination = self.coordinations.coordination_of(UUID(technician_id))
        return coordination["coordinator_id"] if coordination else None

    def _save_incident(self, incident: Incident, *others: TaskSheet) -> None:
        self.save_or(
            IncidentChangedConcurrently(
                f"incident {incident.id} changed meanwhile (a concurrent command); "
                "read it again and retry",
                incident_id=str(incident.id),
            ),
            incident,
            *others,
        )

    def _incident(self, incident_id: UUID) -> Incident:
        missing = UnknownIncident(f"no incident {incident_id}", incident_id=str(incident_id))
        return self.get_as(incident_id, Incident, missing)


def _marker(incident: Incident) -> str:
    """How a task moved by an incident's redistribution says so."""
    return f"incident {incident.id}"
