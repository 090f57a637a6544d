"""The intervention plan drawn up together (issue 20 item 13; guide 3.2 C:
"elaborat de asistentul social împreună cu tehnicianul; stabilește
obiective, activități și termene"; 2.3: the technician "propune ajustări
simple ale activităților"; 3.3 §3a), on the domain and the embedded cases
service."""

import uuid

import pytest

from events.actor import Actor
from services.cases.competence import CaseAccessDenied, InvalidCaseCommand
from services.cases.domain import Case
from services.cases.plan_together import PlanResponseConflict
from services.cases.published import publication_of
from tests.support.published import as_published
from tests.unit.test_case_domain import SW, opened
from tests.unit.test_cases_published import SW as SW_ID
from tests.unit.test_cases_published import TECH
from tests.unit.test_cases_published import app as app  # the embedded service (fixture)

TECH_ACTOR, SW_ACTOR = Actor(TECH, "technician", "54975"), Actor(SW_ID, "social_worker")
OBJECTIVE = {
    "objective": "Reintegrare școlară",
    "indicator": "prezență ≥ 90%",
    "responsible": "technician",
    "deadline": "2027-03-31",
}
CALENDAR = [
    {"activity": "Întâlnire cu dirigintele", "date": "2027-01-12", "responsible": "technician"},
    {"activity": "Vizită la domiciliu", "date": "2027-01-05", "responsible": "technician"},
    {"activity": "Dosar de ajutor social", "date": "2027-01-20", "responsible": "social_worker"},
]


def planned(app) -> uuid.UUID:
    case = app.refer_case(
        TECH_ACTOR, "54975", {"kind": "person", "full_name": "Ana"}, ["old_age"], "self", "C.", []
    )
    cid = uuid.UUID(case["case_id"])
    app.record_initial_evaluation(TECH_ACTOR, cid, "Singură.")
    app.open_case(SW_ACTOR, cid, "Risc.")
    app.record_social_diagnosis(SW_ACTOR, cid, "Izolare.", ["social_support"], "medium")
    app.write_intervention_plan(SW_ACTOR, cid, [OBJECTIVE], "", CALENDAR)
    return cid


def test_the_plan_has_a_dated_calendar_of_activities_not_only_objectives():
    """3.2 C: the plan sets objectives, activities and deadlines — each
    version has its calendar: what is done, on which day, by whom. A plan
    without one, or an activity without its day, is refused and changes
    nothing."""
    case = opened()
    case.diagnose(SW, "pd1:diagnosis", ["school_support"], "medium")
    with pytest.raises(InvalidCaseCommand, match="dated calendar of activities") as refused:
        case.version_plan(SW, "pd1:plan", [OBJECTIVE], [])
    assert refused.value.details["field"] == "activities"
    undated = [{"activity": "Vizită", "date": "marți", "responsible": "technician"}]
    with pytest.raises(InvalidCaseCommand, match="YYYY-MM-DD"):
        case.version_plan(SW, "pd1:plan", [OBJECTIVE], undated)
    assert case.plan_version == 0 and case.stage == "assessment"
    case.version_plan(SW, "pd1:plan", [OBJECTIVE], CALENDAR)
    [versioned] = [e for e in case.collect_events() if isinstance(e, Case.PlanVersioned)]
    body = as_published(versioned, 1, "cases", publication_of)
    assert body is not None
    assert (body["data"]["activities"], body["data"]["next_activity_on"]) == (3, "2027-01-05")


def test_the_technician_acknowledges_the_plan_and_proposes_adjustments(app):
    """3.2 C, 2.3: the plan is drawn up together — the technician who
    carries it out acknowledges each version and proposes adjustments; the
    social worker reads them and decides by revising the plan (R2)."""
    cid = planned(app)
    plan = app.intervention_plan_of_case(TECH_ACTOR, cid)
    assert [a["date"] for a in plan["activities"]] == ["2027-01-05", "2027-01-12", "2027-01-20"]
    app.acknowledge_intervention_plan(TECH_ACTOR, cid, 1)
    with pytest.raises(PlanResponseConflict, match="already"):
        app.acknowledge_intervention_plan(TECH_ACTOR, cid, 1)
    proposal = "Vizitele marțea: luni mama lucrează în tura de zi."
    answered = app.propose_plan_adjustment(TECH_ACTOR, cid, 1, proposal)
    [acknowledged] = answered["acknowledged"]
    assert (acknowledged["version"], acknowledged["technician_id"]) == (1, TECH)
    seen = app.intervention_plan_of_case(SW_ACTOR, cid)
    assert [(p["version"], p["proposal"]) for p in seen["proposals"]] == [(1, proposal)]
    with pytest.raises(CaseAccessDenied, match="the social worker revises the plan instead"):
        app.acknowledge_intervention_plan(SW_ACTOR, cid, 1)
    # the social worker adjusts: a new version, which the technician acknowledges in turn
    tuesday = [CALENDAR[0] | {"date": "2027-01-13"}, *CALENDAR[1:]]
    app.write_intervention_plan(SW_ACTOR, cid, [OBJECTIVE], "Marțea.", tuesday)
    with pytest.raises(PlanResponseConflict, match="not the plan's current version"):
        app.acknowledge_intervention_plan(TECH_ACTOR, cid, 1)
    with pytest.raises(InvalidCaseCommand):
        app.propose_plan_adjustment(TECH_ACTOR, cid, 2, "   ")
    after = app.acknowledge_intervention_plan(TECH_ACTOR, cid, 2)
    assert [a["version"] for a in after["acknowledged"]] == [1, 2]


def test_a_plan_version_stored_before_the_calendar_still_loads():
    """Versions written before the calendar had none: they load as they
    were, and are published with no activities (0, null)."""
    case = opened()
    case.diagnose(SW, "pd1:diagnosis", ["school_support"], "medium")
    case.version_plan(SW, "pd1:plan", [OBJECTIVE], CALENDAR)
    events = case.collect_events()
    [versioned] = [e for e in events if isinstance(e, Case.PlanVersioned)]
    for field in ("activities", "next_activity_on"):  # the fields it did not have
        del versioned.__dict__[field]
    loaded = None
    for stored in events:
        loaded = stored.mutate(loaded)
    assert loaded is not None
    assert (loaded.plan_version, loaded.stage) == (1, "intervention_plan")
    body = as_published(versioned, 1, "cases", publication_of)
    assert body is not None
    assert (body["data"]["activities"], body["data"]["next_activity_on"]) == (0, None)
