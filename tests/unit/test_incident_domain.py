"""Incidents and difficulties (instrument F, guide chapter 4), as the
technician, their coordinator and the SPAS head live them: a report walked
through the seven steps of 4.5, escalation when it stays unresolved (4.4.3),
and the burnout of case 4 in 4.6."""

import json
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from events.actor import Actor
from events.errors import Conflict, Forbidden, InvalidCommand, RuleViolation
from services.coordination.incidents.deadlines import check_deadline_hours
from services.coordination.incidents.domain import Incident
from services.coordination.incidents.published import incident_publication
from services.coordination.incidents.rules import (
    IncidentAccessDenied,
    IncidentAlreadyEscalated,
    IncidentClosed,
    IncidentRequiresCoordination,
    IncidentStepAlreadyRecorded,
    IncidentStepOutOfOrder,
    InvalidIncident,
    NotCoordinatedBySameCoordinator,
    RedistributionNotApplicable,
    RedistributionOutsideSpas,
    TasksAlreadyRedistributed,
    parse_moment,
)
from services.coordination.incidents.steps import STEPS
from tests.support.published import as_published

CLUJ = "54975"
COORDINATOR_ID = "11111111-1111-1111-1111-111111111111"
TECHNICIAN = {
    "staff_id": "22222222-2222-2222-2222-222222222222",
    "role": "technician",
    "active": True,
    "municipality": CLUJ,
}
COLLEAGUE = TECHNICIAN | {"staff_id": "44444444-4444-4444-4444-444444444444"}
COORDINATION = {
    "technician_id": TECHNICIAN["staff_id"],
    "coordinator_id": COORDINATOR_ID,
    "contract_id": "33333333-3333-3333-3333-333333333333",
    "municipality": CLUJ,
    "hours_per_month": 40,
}
COLLEAGUE_COORDINATION = COORDINATION | {"technician_id": COLLEAGUE["staff_id"]}

TECH = Actor(TECHNICIAN["staff_id"], "technician", CLUJ)
COORDINATOR = Actor(COORDINATOR_ID, "social_worker")
HEAD = Actor("head-1", "spas_head", CLUJ)
OTHER_HEAD = Actor("head-2", "spas_head", "55259")
STRANGER = Actor("55555555-5555-5555-5555-555555555555", "social_worker")
ADMIN = Actor("admin-1", "county_admin")
SYSTEM = Actor("scheduler", "system")
MAY_1 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 5, 1)


# this county gives emotional strain 14 days (4.2.6; 7 by default)
COUNTY = check_deadline_hours({"emotional_strain": 14 * 24})


def report(actor=TECH, coordination=COORDINATION, **overrides):
    form = dict(
        technician=TECHNICIAN,
        coordination=coordination,
        difficulty_type="emotional_strain",
        description="După mai multe cazuri de violență domestică: oboseală, frustrare.",
        now=MAY_1,
        deadlines=COUNTY,
    )
    return Incident.report(actor, **(form | overrides))


def walk(incident, upto, actor=COORDINATOR, coordinator_id=COORDINATOR_ID, start=0):
    """Records steps ``start + 1`` to ``upto`` of 4.5 with plausible content."""
    actions = [
        lambda: incident.identify(actor, coordinator_id, "emotional_strain", "epuizare"),
        lambda: incident.inform(actor, coordinator_id, "coordinator", "discuție deschisă"),
        lambda: incident.analyse_cause(
            actor, coordinator_id, ["emotional_impact_of_cases", "workload"], "cazuri grele"
        ),
        lambda: incident.choose_solution(
            actor,
            coordinator_id,
            ["task_redistribution", "psychological_support"],
            "redistribuire pe termen scurt, consiliere",
        ),
        lambda: incident.implement_solution(actor, coordinator_id, "sarcini preluate de coleg"),
        lambda: incident.monitor(actor, coordinator_id, "improved", "motivație în creștere"),
        lambda: incident.document(actor, coordinator_id, "studiu de caz intern", "debriefing"),
    ]
    for action in actions[start:upto]:
        action()


def test_a_burnout_report_walks_the_seven_steps_of_4_5():
    incident = report()
    assert (incident.next_step, incident.coordinator_id) == ("identified", COORDINATOR_ID)
    assert incident.deadline == "2026-05-15T09:00:00+00:00"  # the county's 14 days

    walk(incident, 5)
    assert incident.resolved and not incident.closed  # the solution is in place
    walk(incident, 7, start=5)

    assert incident.closed and incident.next_step is None
    assert [s["step"] for s in incident.steps] == list(STEPS)
    cause = incident.steps[2]
    assert cause["causes"] == ["emotional_impact_of_cases", "workload"]
    assert cause["by"] == COORDINATOR_ID and cause["analysis"] == "cazuri grele"
    assert incident.steps[6]["case_study"] == "studiu de caz intern"


def test_steps_go_strictly_in_order_and_each_only_once():
    incident = report()
    walk(incident, 2)
    incident.collect_events()
    with pytest.raises(IncidentStepOutOfOrder) as skipped:
        incident.choose_solution(COORDINATOR, COORDINATOR_ID, ["other"], "prea devreme")
    assert skipped.value.details == {"expected": "cause_analysed", "given": "solution_chosen"}
    assert "step 3 (cause_analysed), not 4 (solution_chosen)" in str(skipped.value)
    with pytest.raises(IncidentStepAlreadyRecorded, match=r"step 2 of 4.5 \(informed\)"):
        incident.inform(COORDINATOR, COORDINATOR_ID, "team", "din nou")
    assert incident.collect_events() == []  # refused: nothing changed
    assert incident.done == ["identified", "informed"]


def test_who_reports_a_difficulty():
    assert report(TECH).reporter_role == "technician"
    assert report(COORDINATOR).reporter_id == COORDINATOR_ID
    # without a contract the SPAS head — the employer — reports, and leads
    without_contract = report(HEAD, coordination=None)
    assert without_contract.coordinator_id is None
    walk(without_contract, 1, actor=HEAD, coordinator_id=None)

    with pytest.raises(IncidentRequiresCoordination) as r1:
        report(TECH, coordination=None)
    assert r1.value.rule == "R1" and "head of their SPAS" in str(r1.value)
    for outsider in (OTHER_HEAD, STRANGER, ADMIN, Actor(COLLEAGUE["staff_id"], "technician")):
        with pytest.raises(IncidentAccessDenied):
            report(outsider)
    with pytest.raises(InvalidIncident, match="not an active technician"):
        report(HEAD, technician=TECHNICIAN | {"role": "social_worker"})


def test_the_coordinator_leads_the_steps_not_the_technician_nor_another_coordinator():
    incident = report()
    for intruder in (TECH, STRANGER, OTHER_HEAD, ADMIN):
        with pytest.raises(Forbidden, match="led by the coordinator"):
            incident.identify(intruder, COORDINATOR_ID, "emotional_strain", "x")
    incident.identify(HEAD, COORDINATOR_ID, "emotional_strain", "the superior may")
    # a replaced coordinator no longer leads: the coordinator today does
    with pytest.raises(IncidentAccessDenied):
        incident.inform(COORDINATOR, STRANGER.id, "coordinator", "x")
    incident.inform(STRANGER, STRANGER.id, "coordinator", "preluat la predare")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"difficulty_type": "gossip"}, "difficulty_type"),
        ({"description": "   "}, "description"),
        ({"resolution_hours": 0}, "resolution_hours"),
        ({"resolution_hours": 14 * 24 + 1}, "resolution_hours"),  # longer than the county's
    ],
)
def test_a_bad_report_form_is_refused_naming_the_field(overrides, field):
    with pytest.raises(InvalidCommand) as bad:
        report(**overrides)
    assert bad.value.details["field"] == field


def test_bad_step_content_is_refused_and_records_nothing():
    incident = report()
    walk(incident, 2)
    incident.collect_events()
    for causes in ([], ["weather"], ["workload", "workload"]):
        with pytest.raises(InvalidIncident, match="causes"):
            incident.analyse_cause(COORDINATOR, COORDINATOR_ID, causes, "x")
    with pytest.raises(InvalidIncident, match="analysis"):
        incident.analyse_cause(COORDINATOR, COORDINATOR_ID, ["workload"], " ")
    assert incident.collect_events() == [] and incident.next_step == "cause_analysed"


def test_unresolved_past_the_deadline_goes_to_the_spas_head_then_the_county_once_each():
    incident = report()
    assert not incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=14))  # on time
    assert incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=15))
    assert incident.escalation_level == "spas_head"
    assert incident.deadline == "2026-05-30T09:00:00+00:00"  # a further 14 days
    assert not incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=20))
    assert incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=30))
    assert (incident.escalation_level, incident.deadline) == ("county_admin", None)
    assert not incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=300))
    assert [(e["level"], e["trigger"]) for e in incident.escalations] == [
        ("spas_head", "deadline_missed"),
        ("county_admin", "deadline_missed"),
    ]
    assert incident.escalations[0]["missed_deadline"] == "2026-05-15T09:00:00+00:00"
    # once at the county level, the county admin may lead the steps too
    incident.identify(ADMIN, COORDINATOR_ID, "emotional_strain", "preluat de județ")


def test_an_implemented_solution_stops_escalation():
    incident = report()
    walk(incident, 5)
    assert not incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=100))


def test_manual_escalation_goes_one_level_up_and_never_twice_to_the_same_level():
    incident = report()
    incident.escalate(COORDINATOR, COORDINATOR_ID, "conflict cu șeful", MAY_1)
    assert incident.escalation_level == "spas_head"
    incident.escalate(HEAD, COORDINATOR_ID, "depășește SPAS", MAY_1)
    assert incident.escalation_level == "county_admin"
    with pytest.raises(IncidentAlreadyEscalated, match="highest level"):
        incident.escalate(COORDINATOR, COORDINATOR_ID, "din nou", MAY_1)
    with pytest.raises(IncidentAccessDenied):
        report().escalate(TECH, COORDINATOR_ID, "nu e rolul tehnicianului", MAY_1)

    by_the_head = report()
    by_the_head.escalate(HEAD, COORDINATOR_ID, "the head escalates beyond themselves", MAY_1)
    assert by_the_head.escalation_level == "county_admin"

    closed = report()
    walk(closed, 7)
    with pytest.raises(IncidentClosed):
        closed.escalate(COORDINATOR, COORDINATOR_ID, "prea târziu", MAY_1)


def redistribute(incident, actor=COORDINATOR, **overrides):
    terms = dict(
        coordination=COORDINATION,
        receiver=COLLEAGUE,
        receiver_coordination=COLLEAGUE_COORDINATION,
        until="2026-05-29",
        reason="epuizare după cazuri de violență domestică",
        today=TODAY,
    )
    incident.redistribute_tasks(actor, **(terms | overrides))


def test_burnout_redistributes_the_open_tasks_for_a_short_time():
    incident = report()
    with pytest.raises(RedistributionNotApplicable, match="not identified"):
        redistribute(incident)
    walk(incident, 1)
    redistribute(incident)
    (done,) = incident.redistributions
    assert (done["to_technician_id"], done["until"]) == (COLLEAGUE["staff_id"], "2026-05-29")
    assert done["coordinator_id"] == COORDINATOR_ID

    with pytest.raises(TasksAlreadyRedistributed, match="until 2026-05-29"):
        redistribute(incident, until="2026-06-10")
    # after it ran out, the coordinator may redistribute again (an extension)
    redistribute(incident, today=date(2026, 5, 30), until="2026-06-10")
    assert [r["until"] for r in incident.redistributions] == ["2026-05-29", "2026-06-10"]


@pytest.mark.parametrize(
    ("overrides", "error", "says"),
    [
        ({"actor": TECH}, IncidentAccessDenied, "led by the coordinator"),
        ({"actor": STRANGER}, IncidentAccessDenied, "led by the coordinator"),
        ({"receiver_coordination": None}, NotCoordinatedBySameCoordinator, "R1"),
        (
            {"receiver_coordination": COLLEAGUE_COORDINATION | {"coordinator_id": STRANGER.id}},
            NotCoordinatedBySameCoordinator,
            "not under active coordination",
        ),
        ({"coordination": None}, NotCoordinatedBySameCoordinator, "no active coordination"),
        ({"receiver": COLLEAGUE | {"municipality": "55259"}}, RedistributionOutsideSpas, "SPAS"),
        ({"receiver": TECHNICIAN}, InvalidIncident, "another technician"),
        ({"receiver": COLLEAGUE | {"active": False}}, InvalidIncident, "not an active"),
        ({"until": "2026-05-01"}, InvalidIncident, "temporary"),
        ({"until": "2026-09-01"}, InvalidIncident, "within 90 days"),
        ({"until": "soon"}, InvalidIncident, "YYYY-MM-DD"),
        ({"reason": ""}, InvalidIncident, "reason"),
    ],
)
def test_a_redistribution_is_validated(overrides, error, says):
    incident = report()
    walk(incident, 1)
    incident.collect_events()
    actor = overrides.pop("actor", COORDINATOR)
    if overrides.get("coordination", COORDINATION) is None:
        actor = HEAD  # without a coordinator the head leads; still no tasks to move
    with pytest.raises(error, match=says):
        redistribute(incident, actor, **overrides)
    assert incident.collect_events() == [] and incident.redistributions == []


def test_time_comes_with_its_offset():
    assert parse_moment("2026-05-01T09:00:00Z") == MAY_1
    with pytest.raises(InvalidIncident, match="with offset"):
        parse_moment("2026-05-01T09:00:00")
    with pytest.raises(InvalidIncident):
        parse_moment("tomorrow")


def test_refusals_are_of_the_right_kind():
    """Role and rule refusals are recorded by the application (DESIGN §3);
    state and input errors are answered only."""
    assert issubclass(IncidentAccessDenied, Forbidden)
    assert issubclass(IncidentRequiresCoordination, RuleViolation)
    assert issubclass(NotCoordinatedBySameCoordinator, RuleViolation)
    assert issubclass(IncidentStepOutOfOrder, Conflict)
    assert issubclass(IncidentStepAlreadyRecorded, Conflict)


# -- the published contract ------------------------------------------------
def incident_story():
    """Every stored incident event class, at least once."""
    incident = report()
    walk(incident, 1)
    redistribute(incident)
    walk(incident, 7, start=1)
    escalated = report()
    escalated.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=15))
    escalated.escalate(HEAD, COORDINATOR_ID, "la județ", MAY_1 + timedelta(days=16))
    return [*incident.collect_events(), *escalated.collect_events()]


def test_every_incident_event_is_published_and_matches_its_schema():
    events = incident_story()
    names = []
    for position, event in enumerate(events, start=1):
        body = as_published(event, position)
        assert body["municipality"] == CLUJ
        names.append(body["type"].split(".")[-2])
    assert set(names) == {
        "IncidentReported",
        "IncidentIdentified",
        "IncidentInformed",
        "IncidentCauseAnalysed",
        "IncidentSolutionChosen",
        "IncidentSolutionImplemented",
        "IncidentMonitored",
        "IncidentDocumented",
        "IncidentEscalated",
        "TasksRedistributed",
    }
    assert {type(e) for e in events} == {
        Incident.Reported,
        Incident.Identified,
        Incident.Informed,
        Incident.CauseAnalysed,
        Incident.SolutionChosen,
        Incident.SolutionImplemented,
        Incident.Monitored,
        Incident.Documented,
        Incident.Escalated,
        Incident.TasksRedistributed,
    }


def test_the_bus_carries_ids_and_codes_not_what_people_wrote():
    for event in incident_story():
        text = json.dumps(incident_publication(event).data)
        for written in ("violență", "epuizare", "studiu", "cazuri", "discuție", "județ"):
            assert written not in text


def test_the_tasks_capability_learns_whose_tasks_go_where_and_until_when():
    events = incident_story()
    (moved,) = [e for e in events if isinstance(e, Incident.TasksRedistributed)]
    assert incident_publication(moved).data == {
        "incident_id": str(moved.originator_id),
        "from_technician_id": TECHNICIAN["staff_id"],
        "to_technician_id": COLLEAGUE["staff_id"],
        "coordinator_id": COORDINATOR_ID,
        "until": "2026-05-29",
    }


def test_events_of_other_capabilities_are_not_ours():
    assert incident_publication(object()) is NotImplemented
    assert incident_publication(uuid4()) is NotImplemented
