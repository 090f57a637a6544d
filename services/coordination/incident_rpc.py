"""RPC entrypoints of incidents and difficulties (instrument F; mixin of
CoordinationService): validate against ``contracts/commands`` → one
application call → plain data."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from nameko.timer import timer

from events.actor import SYSTEM, Actor
from events.nameko import rpc
from services.coordination.incidents import DEFAULT_RESOLUTION_DAYS
from services.coordination.rpc_base import CoordinationRpc


class IncidentRpc(CoordinationRpc):
    # -- the report form and the seven steps of 4.5 -------------------------
    @rpc
    def report_incident(self, actor: dict, command: dict) -> dict:
        c = self._command("report_incident", command)
        return self.app.report_incident(
            self._actor(actor),
            UUID(c["technician_id"]),
            c["difficulty_type"],
            c["description"],
            c.get("resolution_days", DEFAULT_RESOLUTION_DAYS),
        )

    @rpc
    def identify_incident(self, actor: dict, command: dict) -> dict:
        c = self._command("identify_incident", command)
        return self.app.identify_incident(
            self._actor(actor), UUID(c["incident_id"]), c["difficulty_type"], c["problem"]
        )

    @rpc
    def inform_about_incident(self, actor: dict, command: dict) -> dict:
        c = self._command("inform_about_incident", command)
        return self.app.inform_about_incident(
            self._actor(actor), UUID(c["incident_id"]), c["informed_party"], c["note"]
        )

    @rpc
    def analyse_incident_cause(self, actor: dict, command: dict) -> dict:
        c = self._command("analyse_incident_cause", command)
        return self.app.analyse_incident_cause(
            self._actor(actor), UUID(c["incident_id"]), c["causes"], c["analysis"]
        )

    @rpc
    def choose_incident_solution(self, actor: dict, command: dict) -> dict:
        c = self._command("choose_incident_solution", command)
        return self.app.choose_incident_solution(
            self._actor(actor), UUID(c["incident_id"]), c["measures"], c["solution"]
        )

    @rpc
    def implement_incident_solution(self, actor: dict, command: dict) -> dict:
        c = self._command("implement_incident_solution", command)
        return self.app.implement_incident_solution(
            self._actor(actor), UUID(c["incident_id"]), c["implementation"]
        )

    @rpc
    def monitor_incident(self, actor: dict, command: dict) -> dict:
        c = self._command("monitor_incident", command)
        return self.app.monitor_incident(
            self._actor(actor), UUID(c["incident_id"]), c["outcome"], c["observations"]
        )

    @rpc
    def document_incident(self, actor: dict, command: dict) -> dict:
        c = self._command("document_incident", command)
        return self.app.document_incident(
            self._actor(actor), UUID(c["incident_id"]), c["case_study"], c["lessons"]
        )

    # -- escalation (4.4.3) and burnout (case 4 of 4.6) ---------------------
    @rpc
    def escalate_incident(self, actor: dict, command: dict) -> dict:
        c = self._command("escalate_incident", command)
        return self.app.escalate_incident(self._actor(actor), UUID(c["incident_id"]), c["reason"])

    @rpc
    def escalate_overdue_incidents(self, actor: dict, command: dict) -> list[dict]:
        """Run by a scheduler as the system (or by a county admin); ``now``
        in the command replaces the clock."""
        c = self._command("escalate_overdue_incidents", command)
        return self.app.escalate_overdue_incidents(self._actor(actor), c.get("now"))

    @rpc
    def return_redistributed_tasks(self, actor: dict, command: dict) -> list[dict]:
        c = self._command("return_redistributed_tasks", command)
        today = date.fromisoformat(c["today"]) if c.get("today") else None
        return self.app.return_redistributed_tasks(self._actor(actor), today)

    @timer(interval=600)
    def incident_jobs(self) -> None:
        """Deadlines are facts to record on time (4.4.3): escalations and the
        end of temporary redistributions, every ten minutes."""
        system = Actor("coordination.timer", SYSTEM, None, self.correlation_id)
        self.app.escalate_overdue_incidents(system)
        self.app.return_redistributed_tasks(system)

    @rpc
    def redistribute_incident_tasks(self, actor: dict, command: dict) -> dict:
        c = self._command("redistribute_incident_tasks", command)
        return self.app.redistribute_incident_tasks(
            self._actor(actor),
            UUID(c["incident_id"]),
            UUID(c["to_technician_id"]),
            c["until"],
            c["reason"],
        )

    # -- queries --------------------------------------------------------------
    @rpc
    def get_incident(self, actor: dict, incident_id: str) -> dict:
        return self.app.get_incident(self._actor(actor), self._uuid(incident_id, "incident_id"))

    @rpc
    def incidents_of_technician(self, actor: dict, technician_id: str) -> list[dict]:
        return self.app.incidents_of_technician(
            self._actor(actor), self._uuid(technician_id, "technician_id")
        )

    @rpc
    def open_incidents(self, actor: dict, municipality: str | None = None) -> list[dict]:
        return self.app.open_incidents(self._actor(actor), municipality)
