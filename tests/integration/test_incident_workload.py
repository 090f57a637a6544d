"""Where the workload is the cause, through RPC on the real broker and
database (guide 4.2.1, 4.2.5, 4.5 step 4): the tasks are redistributed for
a difficulty whose cause is the workload, not only a burnout; a
coordinator's excessive delegation is detected from the tasks and raised to
the SPAS head."""

from datetime import timedelta

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from tests.integration.test_task_service import task
from tests.support.calendar import local_day
from tests.support.county import activate, draft
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN, TECHNICIAN


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def test_transfera_excesiv_sarcini_excessive_delegation_is_detected_and_raised(county, monkeypatch):
    """Guide 4.2.1 ("Asistentul social coordonator transferă excesiv sarcini
    tehnicianului, fără supervizare adecvată"), 4.5 step 2: past the
    county's limit of open tasks from their coordinator, the delegation is
    recorded and a difficulty about the coordinator is raised — led by the
    SPAS head, hidden from the coordinator — once, until it is documented."""
    monkeypatch.setenv("EXCESSIVE_DELEGATION_OPEN_TASKS", "2")
    rpc, tech = county["rpc"], county["tech"]
    activate(county)
    outside = OutsideSubscriber(
        county["amqp_uri"], "ro.coordonare.coordination.IncidentReported.v1"
    )
    try:
        for _ in range(2):
            rpc.delegate_task(county["expert_actor"], task(county))
        assert rpc.open_incidents(county["head"]) == []  # at the limit: nothing to raise
        third = rpc.delegate_task(county["expert_actor"], task(county))
        assert third["status"] == "delegated"
        [raised] = rpc.open_incidents(county["head"])
        assert (raised["detected"], raised["about_coordinator"]) == ("excessive_delegation", True)
        assert raised["difficulty_type"] == "roles_and_competences"
        assert raised["reporter_role"] == "system" and "3 sarcini deschise" in raised["description"]
        [event] = outside.receive(1)
        check_published(event)
        assert event["data"]["detected"] == "excessive_delegation"
    finally:
        outside.close()
    rpc.delegate_task(county["expert_actor"], task(county))  # still open: not raised twice
    assert len(rpc.open_incidents(county["head"])) == 1
    assert rpc.incidents_of_technician(county["expert_actor"], tech["staff_id"]) == []
    # the SPAS head leads it through the steps of 4.5
    key = {"incident_id": raised["incident_id"]}
    identified = rpc.identify_incident(
        county["head"], key | {"difficulty_type": "roles_and_competences", "problem": "delegare"}
    )
    assert identified["steps"][0]["by_role"] == "spas_head"


def test_redistribuirea_sarcinilor_when_the_workload_is_the_cause_not_only_burnout(county):
    """Guide 4.5 step 4 ("redistribuirea sarcinilor") and 4.2.5 ("Volum mare
    de muncă delegat tehnicianului"): a difficulty of resources whose cause
    analysis names the workload has the tasks redistributed to a colleague
    of the same coordinator; the same difficulty with another cause does not,
    and nothing moves."""
    rpc, tech = county["rpc"], county["tech"]
    activate(county)
    colleague = rpc.register_staff(
        ADMIN,
        TECHNICIAN.command(
            email="coleg@primaria-cluj.ro",
            full_name="Coleg",
            beneficiary_categories=["disability_chronic_illness"],
        ),
    )
    activate(county, contract=draft(county, county["expert"], technician_id=colleague["staff_id"]))
    sheet = rpc.delegate_task(county["expert_actor"], task(county))
    lead = county["expert_actor"]

    def walk_to_cause(causes):
        incident = rpc.report_incident(
            county["tech_actor"],
            {
                "technician_id": tech["staff_id"],
                "difficulty_type": "resources",
                "description": "Prea multe dosare deodată.",
            },
        )
        key = {"incident_id": incident["incident_id"]}
        rpc.identify_incident(lead, key | {"difficulty_type": "resources", "problem": "volum"})
        rpc.inform_about_incident(lead, key | {"informed_party": "coordinator", "note": "notă"})
        rpc.analyse_incident_cause(lead, key | {"causes": causes, "analysis": "analiză"})
        return key

    until = (local_day() + timedelta(days=14)).isoformat()
    move = {"to_technician_id": colleague["staff_id"], "until": until, "reason": "volum mare"}
    other = walk_to_cause(["lack_of_logistics"])
    error = refused(rpc.redistribute_incident_tasks, lead, other | move)
    assert error.exc_type == "RedistributionNotApplicable" and "workload" in str(error)
    assert rpc.get_task(lead, sheet["task_id"])["technician_id"] == tech["staff_id"]

    overload = walk_to_cause(["workload"])
    rpc.choose_incident_solution(
        lead, overload | {"measures": ["task_redistribution"], "solution": "coleg preia"}
    )
    moved = rpc.redistribute_incident_tasks(lead, overload | move)
    assert moved["tasks_moved"] == [sheet["task_id"]]
