"""RPC entrypoints of incidents and difficulties (instrument F; mixin of
CoordinationService): one declaration per command (``events.adapter.command``:
the command checked against ``contracts/commands`` → one application call →
plain data) and per query (``events.adapter.query``), and the timer of the
deadline jobs."""

from __future__ import annotations

from datetime import date

from nameko.timer import timer

from events.actor import SYSTEM, Actor
from events.adapter import command, id_of, query, uuid_arg
from services.coordination.rpc_base import CoordinationRpc


class IncidentRpc(CoordinationRpc):
    # -- the report form and the seven steps of 4.5 -------------------------
    report_incident = command(
        "report_incident",
        lambda app, actor, c: app.report_incident(
            actor,
            id_of(c, "technician_id"),
            c["difficulty_type"],
            c["description"],
            c.get("resolution_hours"),
            c.get("about_coordinator", False),
        ),
    )
    share_incident_with_coordinator = command(
        "share_incident_with_coordinator",
        lambda app, actor, c: app.share_incident_with_coordinator(
            actor, id_of(c, "incident_id"), c["note"]
        ),
    )
    identify_incident = command(
        "identify_incident",
        lambda app, actor, c: app.identify_incident(
            actor, id_of(c, "incident_id"), c["difficulty_type"], c["problem"]
        ),
    )
    inform_about_incident = command(
        "inform_about_incident",
        lambda app, actor, c: app.inform_about_incident(
            actor, id_of(c, "incident_id"), c["informed_party"], c["note"]
        ),
    )
    analyse_incident_cause = command(
        "analyse_incident_cause",
        lambda app, actor, c: app.analyse_incident_cause(
            actor, id_of(c, "incident_id"), c["causes"], c["analysis"]
        ),
    )
    choose_incident_solution = command(
        "choose_incident_solution",
        lambda app, actor, c: app.choose_incident_solution(
            actor, id_of(c, "incident_id"), c["measures"], c["solution"]
        ),
    )
    implement_incident_solution = command(
        "implement_incident_solution",
        lambda app, actor, c: app.implement_incident_solution(
            actor, id_of(c, "incident_id"), c["implementation"]
        ),
    )
    monitor_incident = command(
        "monitor_incident",
        lambda app, actor, c: app.monitor_incident(
            actor, id_of(c, "incident_id"), c["outcome"], c["observations"]
        ),
    )
    document_incident = command(
        "document_incident",
        lambda app, actor, c: app.document_incident(
            actor, id_of(c, "incident_id"), c["case_study"], c["lessons"]
        ),
    )

    # -- escalation (4.4.3) and burnout (case 4 of 4.6) ---------------------
    escalate_incident = command(
        "escalate_incident",
        lambda app, actor, c: app.escalate_incident(actor, id_of(c, "incident_id"), c["reason"]),
    )
    # run by a scheduler as the system (or by a county admin); ``now`` in the
    # command replaces the clock
    escalate_overdue_incidents = command(
        "escalate_overdue_incidents",
        lambda app, actor, c: app.escalate_overdue_incidents(actor, c.get("now")),
    )
    return_redistributed_tasks = command(
        "return_redistributed_tasks",
        lambda app, actor, c: app.return_redistributed_tasks(
            actor, date.fromisoformat(c["today"]) if c.get("today") else None
        ),
    )
    redistribute_incident_tasks = command(
        "redistribute_incident_tasks",
        lambda app, actor, c: app.redistribute_incident_tasks(
            actor, id_of(c, "incident_id"), id_of(c, "to_technician_id"), c["until"], c["reason"]
        ),
    )

    @timer(interval=600)
    def incident_jobs(self) -> None:
        """Deadlines are facts to record on time (4.4.3): escalations and the
        end of temporary redistributions, every ten minutes."""
        system = Actor("coordination.timer", SYSTEM, None, self.correlation_id)
        self.app.escalate_overdue_incidents(system)
        self.app.return_redistributed_tasks(system)

    # -- queries --------------------------------------------------------------
    get_incident = query(
        "get_incident",
        lambda app, actor, incident_id: app.get_incident(
            actor, uuid_arg(incident_id, "incident_id")
        ),
        past=True,
    )
    incidents_of_technician = query(
        "incidents_of_technician",
        lambda app, actor, technician_id: app.incidents_of_technician(
            actor, uuid_arg(technician_id, "technician_id")
        ),
    )
    open_incidents = query(
        "open_incidents",
        lambda app, actor, municipality=None: app.open_incidents(actor, municipality),
    )
