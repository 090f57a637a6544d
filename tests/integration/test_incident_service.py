"""Incidents and difficulties (instrument F) through RPC on the real broker
and database: a burnout reported by the technician, led by the coordinator
through the seven steps of 4.5, escalated when overdue (4.4.3), the tasks
redistributed for a while (case 4 of 4.6) — and every way of getting it
wrong refused, naming the rule, with nothing stored."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from tests.support.calendar import local_day
from tests.support.county import activate, draft, outsider
from tests.support.outside import OutsideSubscriber
from tests.support.published import REFUSAL, stored_count, stored_since
from tests.support.registry import ADMIN, AUDITOR, TECHNICIAN

SYSTEM = {"id": "scheduler", "role": "system"}
STEPS = [
    ("identify_incident", {"difficulty_type": "emotional_strain", "problem": "epuizare"}),
    ("inform_about_incident", {"informed_party": "coordinator", "note": "discuție deschisă"}),
    (
        "analyse_incident_cause",
        {"causes": ["emotional_impact_of_cases"], "analysis": "cazuri de violență domestică"},
    ),
    (
        "choose_incident_solution",
        {"measures": ["task_redistribution", "psychological_support"], "solution": "sprijin"},
    ),
    ("implement_incident_solution", {"implementation": "sarcini preluate, consiliere"}),
    ("monitor_incident", {"outcome": "improved", "observations": "motivație în creștere"}),
    ("document_incident", {"case_study": "studiu de caz intern", "lessons": "debriefing"}),
]
PUBLISHED = [
    "IncidentReported",
    "IncidentIdentified",
    "IncidentInformed",
    "IncidentCauseAnalysed",
    "IncidentSolutionChosen",
    "IncidentSolutionImplemented",
    "IncidentMonitored",
    "IncidentDocumented",
]


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def report(county, actor=None, **overrides):
    form = {
        "technician_id": county["tech"]["staff_id"],
        "difficulty_type": "emotional_strain",
        "description": "După mai multe cazuri de violență domestică: oboseală, frustrare.",
    }
    return county["rpc"].report_incident(actor or county["tech_actor"], form | overrides)


def step(county, incident, index, actor=None):
    name, content = STEPS[index]
    command = {"incident_id": incident["incident_id"]} | content
    return getattr(county["rpc"], name)(actor or county["expert_actor"], command)


def colleague(county, email, categories, coordinator=None, coordinator_actor=None):
    """Another technician of Cluj-Napoca, under coordination if given one."""
    tech = county["rpc"].register_staff(
        ADMIN,
        TECHNICIAN.command(email=email, full_name="Coleg", beneficiary_categories=categories),
    )
    if coordinator is not None:
        contract = draft(county, coordinator, technician_id=tech["staff_id"])
        activate(county, coordinator_actor, contract)
    return tech


def test_a_burnout_is_walked_through_the_seven_steps(county):
    activate(county)
    outside = OutsideSubscriber(
        county["amqp_uri"], *(f"ro.coordonare.coordination.{n}.v1" for n in PUBLISHED)
    )
    try:
        incident = report(county)
        assert incident["coordinator_id"] == county["expert"]["staff_id"]
        assert (incident["next_step"], incident["escalation_level"]) == ("identified", None)
        for index in range(len(STEPS)):
            incident = step(county, incident, index)
        assert incident["closed"] and incident["next_step"] is None
        assert [s["step"] for s in incident["steps"]][-1] == "documented"
        read = county["rpc"].get_incident(county["tech_actor"], incident["incident_id"])
        assert read["steps"][2]["analysis"] == "cazuri de violență domestică"

        events = outside.receive(len(PUBLISHED))
        for event in events:
            check_published(event)
        assert [e["type"].split(".")[-2] for e in events] == PUBLISHED
        assert {e["subject"] for e in events} == {incident["incident_id"]}
        assert {e["municipality"] for e in events} == {"54975"}
        assert "violență" not in json.dumps(events)  # what people wrote stays in the store
    finally:
        outside.close()


def test_steps_out_of_order_repeated_or_malformed_are_refused_and_store_nothing(county, store_url):
    rpc = county["rpc"]
    activate(county)
    incident = report(county)
    step(county, incident, 0)
    before = stored_count(store_url)

    skipped = refused(step, county, incident, 2)
    assert skipped.exc_type == "IncidentStepOutOfOrder"
    assert "step 2 (informed), not 3 (cause_analysed)" in str(skipped)
    again = refused(step, county, incident, 0)
    assert again.exc_type == "IncidentStepAlreadyRecorded"
    unknown = {"incident_id": county["tech"]["staff_id"], "note": "x", "informed_party": "team"}
    assert refused(rpc.inform_about_incident, county["expert_actor"], unknown).exc_type == (
        "UnknownIncident"
    )
    bad_code = {"incident_id": incident["incident_id"], "informed_party": "press", "note": "x"}
    assert refused(rpc.inform_about_incident, county["expert_actor"], bad_code).exc_type == (
        "InvalidCommand"
    )
    blank = {"incident_id": incident["incident_id"], "informed_party": "team", "note": "  "}
    error = refused(rpc.inform_about_incident, county["expert_actor"], blank)
    assert error.exc_type == "InvalidIncident" and "note" in str(error)
    assert stored_since(store_url, before) == []
    assert rpc.get_incident(ADMIN, incident["incident_id"])["next_step"] == "informed"


def test_an_ethics_breach_is_handled_at_once_and_escalates_within_hours(county):
    """1.3 §2.5, F, 4.2.4: an ethics breach (a suspicion of abuse left
    unreported) has the county's deadline in hours, not 14 days: missed, it
    goes to the SPAS head the same day."""
    activate(county)
    ethics = report(county, difficulty_type="ethics_and_integrity")
    reported = datetime.fromisoformat(ethics["reported_at"])
    assert ethics["resolution_hours"] == 4
    assert datetime.fromisoformat(ethics["deadline"]) == reported + timedelta(hours=4)
    error = refused(
        county["rpc"].report_incident,
        county["tech_actor"],
        {
            "technician_id": county["tech"]["staff_id"],
            "difficulty_type": "ethics_and_integrity",
            "description": "x",
            "resolution_hours": 48,
        },
    )
    assert error.exc_type == "InvalidIncident" and "1 to 4 hours" in str(error)

    def run(hours):
        moment = (reported + timedelta(hours=hours)).isoformat()
        return county["rpc"].escalate_overdue_incidents(SYSTEM, {"now": moment})

    assert run(3) == []
    (first,) = run(5)
    assert (first["incident_id"], first["escalation_level"]) == (ethics["incident_id"], "spas_head")


def test_overdue_goes_to_the_spas_head_then_the_county_admin_exactly_once_each(county):
    rpc = county["rpc"]
    activate(county)
    incident = report(county, resolution_hours=7 * 24)
    resolved = report(county, difficulty_type="resources")
    for index in range(5):
        step(county, resolved, index)
    reported = datetime.fromisoformat(incident["reported_at"])

    def run(days, actor=SYSTEM):
        moment = (reported + timedelta(days=days)).isoformat()
        return rpc.escalate_overdue_incidents(actor, {"now": moment})

    assert run(6) == []
    (first,) = run(8)
    assert (first["incident_id"], first["escalation_level"]) == (
        incident["incident_id"],
        "spas_head",
    )
    assert run(9) == [] and run(14) == []  # a further 7 days from the escalation
    (second,) = run(16, ADMIN)
    assert second["escalation_level"] == "county_admin" and second["deadline"] is None
    assert run(60) == []
    escalations = rpc.get_incident(county["head"], incident["incident_id"])["escalations"]
    assert [e["level"] for e in escalations] == ["spas_head", "county_admin"]
    assert rpc.get_incident(ADMIN, resolved["incident_id"])["escalations"] == []
    # the county admin, now in charge, may lead the steps
    step(county, incident, 0, ADMIN)
    assert [i["incident_id"] for i in rpc.open_incidents(county["head"])] == [
        incident["incident_id"],
        resolved["incident_id"],
    ]


def test_a_technician_cannot_run_the_escalation_and_the_attempt_is_on_record(county, store_url):
    before = stored_count(store_url)
    error = refused(county["rpc"].escalate_overdue_incidents, county["tech_actor"], {})
    assert error.exc_type == "IncidentAccessDenied"
    assert stored_since(store_url, before) == [REFUSAL]
    bad_time = {"now": "2026-05-01 09:00"}  # no "T", no offset: refused by the contract
    malformed = refused(county["rpc"].escalate_overdue_incidents, SYSTEM, bad_time)
    assert malformed.exc_type == "InvalidCommand" and "now" in str(malformed)


def test_the_coordinator_escalates_by_hand_one_level_at_a_time(county):
    rpc = county["rpc"]
    activate(county)
    incident = report(county, difficulty_type="communication")
    key = {"incident_id": incident["incident_id"]}
    up = rpc.escalate_incident(county["expert_actor"], key | {"reason": "conflict de opinii"})
    assert up["escalation_level"] == "spas_head"
    top = rpc.escalate_incident(county["head"], key | {"reason": "depășește SPAS"})
    assert top["escalation_level"] == "county_admin"
    again = refused(rpc.escalate_incident, county["expert_actor"], key | {"reason": "iar"})
    assert again.exc_type == "IncidentAlreadyEscalated"


def test_burnout_tasks_go_for_a_while_to_a_technician_of_the_same_coordinator(county, store_url):
    rpc = county["rpc"]
    activate(county)
    same = colleague(
        county,
        "maria@primaria-cluj.ro",
        ["disability_chronic_illness"],
        county["expert"],
        county["expert_actor"],
    )
    other = colleague(
        county,
        "vlad@primaria-cluj.ro",
        ["child_under_16"],
        county["child_only"],
        county["child_only_actor"],
    )
    outside = OutsideSubscriber(
        county["amqp_uri"],
        "ro.coordonare.coordination.TasksRedistributed.v1",
        "ro.coordonare.coordination.TasksReturned.v1",
    )
    try:
        incident = report(county)
        step(county, incident, 0)
        due = (datetime.now(UTC) + timedelta(days=5)).isoformat()
        open_task = rpc.delegate_task(
            county["expert_actor"],
            {
                "technician_id": county["tech"]["staff_id"],
                "task_type": "home_visit",
                "instructions": "vizită",
                "due_at": due,
            },
        )
        until = (local_day() + timedelta(days=14)).isoformat()
        move = {"incident_id": incident["incident_id"], "until": until, "reason": "epuizare"}

        before = stored_count(store_url)
        error = refused(
            rpc.redistribute_incident_tasks,
            county["expert_actor"],
            move | {"to_technician_id": other["staff_id"]},
        )
        assert error.exc_type == "NotCoordinatedBySameCoordinator" and "R1" in str(error)
        assert stored_since(store_url, before) == [REFUSAL]

        moved = rpc.redistribute_incident_tasks(
            county["expert_actor"], move | {"to_technician_id": same["staff_id"]}
        )
        assert moved["redistributions"][0]["to_technician_id"] == same["staff_id"]
        assert moved["tasks_moved"] == [open_task["task_id"]]
        task_now = rpc.get_task(county["expert_actor"], open_task["task_id"])
        assert (task_now["technician_id"], task_now["status"]) == (same["staff_id"], "delegated")
        twice = refused(
            rpc.redistribute_incident_tasks,
            county["expert_actor"],
            move | {"to_technician_id": same["staff_id"]},
        )
        assert twice.exc_type == "TasksAlreadyRedistributed"

        (event,) = outside.receive(1)
        check_published(event)
        assert event["data"] == {
            "incident_id": incident["incident_id"],
            "from_technician_id": county["tech"]["staff_id"],
            "to_technician_id": same["staff_id"],
            "coordinator_id": county["expert"]["staff_id"],
            "until": until,
        }

        # the redistribution is temporary: once ``until`` has passed, back
        assert rpc.return_redistributed_tasks(ADMIN, {"today": until}) == []
        after = (date.fromisoformat(until) + timedelta(days=1)).isoformat()
        (back,) = rpc.return_redistributed_tasks(ADMIN, {"today": after})
        assert back["tasks_returned"] == [open_task["task_id"]]
        task_now = rpc.get_task(county["expert_actor"], open_task["task_id"])
        assert task_now["technician_id"] == county["tech"]["staff_id"]
        assert rpc.return_redistributed_tasks(ADMIN, {"today": after}) == []
        returned = outside.receive(2)[1]
        check_published(returned)
        assert returned["data"]["task_ids"] == [open_task["task_id"]]
    finally:
        outside.close()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("child_only_actor", "IncidentAccessDenied"),  # someone else's technician
        ("stranger_head", "IncidentAccessDenied"),  # another SPAS
        ("auditor", "IncidentAccessDenied"),
    ],
)
def test_reporting_for_someone_elses_technician_is_refused_and_recorded(
    county, store_url, who, code
):
    activate(county)
    actors = {
        "child_only_actor": county["child_only_actor"],
        "stranger_head": outsider(county, "spas_head", "sef@primaria-dej.ro"),
        "auditor": AUDITOR,
    }
    before = stored_count(store_url)
    error = refused(report, county, actors[who])
    assert error.exc_type == code
    assert stored_since(store_url, before) == [REFUSAL]


def test_only_the_coordinator_leads_and_the_attempts_are_recorded(county, store_url):
    activate(county)
    incident = report(county)
    before = stored_count(store_url)
    for intruder in (county["tech_actor"], county["child_only_actor"]):
        error = refused(step, county, incident, 0, intruder)
        assert error.exc_type == "IncidentAccessDenied" and "led by the coordinator" in str(error)
    assert stored_since(store_url, before) == [REFUSAL, REFUSAL]
    stranger = outsider(county, "technician", "cineva@primaria-dej.ro")
    assert refused(county["rpc"].get_incident, stranger, incident["incident_id"]).exc_type == (
        "IncidentReadDenied"
    )


def test_without_a_contract_the_spas_head_reports_and_leads(county, store_url):
    before = stored_count(store_url)
    error = refused(report, county)  # the technician, no coordination yet
    assert error.exc_type == "IncidentRequiresCoordination" and "R1" in str(error)
    assert stored_since(store_url, before) == [REFUSAL]

    incident = report(county, county["head"], difficulty_type="resources")
    assert incident["coordinator_id"] is None
    step(county, incident, 0, county["head"])
    mine = county["rpc"].incidents_of_technician(county["tech_actor"], county["tech"]["staff_id"])
    assert [i["incident_id"] for i in mine] == [incident["incident_id"]]
    not_a_technician = {
        "technician_id": county["expert"]["staff_id"],
        "difficulty_type": "resources",
        "description": "o asistentă socială nu e subiectul formularului",
    }
    error = refused(county["rpc"].report_incident, county["head"], not_a_technician)
    assert error.exc_type == "InvalidIncident" and "not an active technician" in str(error)
