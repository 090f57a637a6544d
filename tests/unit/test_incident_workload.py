"""Where the workload is the cause (guide 4.2.5, 4.2.1, 4.5 step 4): the
tasks redistributed as a solution for any difficulty whose cause is the
workload, and a coordinator's excessive delegation detected from the tasks
and raised to the SPAS head."""

import pytest

from services.coordination.incidents.domain import Incident
from services.coordination.incidents.rules import RedistributionNotApplicable
from tests.unit.test_incident_domain import (
    COLLEAGUE,
    COORDINATOR,
    COORDINATOR_ID,
    redistribute,
    report,
)


def test_redistribuirea_sarcinilor_is_a_solution_where_the_workload_is_the_cause():
    """Guide 4.5 step 4 ("Stabilirea unei soluții … redistribuirea
    sarcinilor") and 4.2.5 ("Volum mare de muncă delegat tehnicianului"):
    whatever the difficulty's type, the tasks are redistributed once the
    cause analysis names the workload (or excessive delegation, 4.2.1); a
    burnout (case 4 of 4.6) once identified. Otherwise it is no solution:
    neither chosen in step 4 nor carried out."""
    incident = report(difficulty_type="communication")
    incident.identify(COORDINATOR, COORDINATOR_ID, "communication", "informații contradictorii")
    with pytest.raises(RedistributionNotApplicable, match="not analysed yet"):
        redistribute(incident)
    incident.inform(COORDINATOR, COORDINATOR_ID, "coordinator", "discuție")
    incident.analyse_cause(COORDINATOR, COORDINATOR_ID, ["lack_of_communication"], "lipsă")
    with pytest.raises(RedistributionNotApplicable, match="workload is the cause"):
        redistribute(incident)
    with pytest.raises(RedistributionNotApplicable):
        incident.choose_solution(COORDINATOR, COORDINATOR_ID, ["task_redistribution"], "x")
    assert incident.done == ["identified", "informed", "cause_analysed"]

    overloaded = report(difficulty_type="resources")
    overloaded.identify(COORDINATOR, COORDINATOR_ID, "resources", "volum mare de muncă")
    overloaded.inform(COORDINATOR, COORDINATOR_ID, "coordinator", "discuție")
    overloaded.analyse_cause(COORDINATOR, COORDINATOR_ID, ["workload"], "prea multe cazuri")
    overloaded.choose_solution(COORDINATOR, COORDINATOR_ID, ["task_redistribution"], "coleg")
    redistribute(overloaded)
    assert overloaded.difficulty_type == "resources"
    assert overloaded.redistributions[0]["to_technician_id"] == COLLEAGUE["staff_id"]

    # identification recognises the difficulty: it may correct the reported type
    reclassified = report(difficulty_type="communication")
    reclassified.identify(COORDINATOR, COORDINATOR_ID, "emotional_strain", "de fapt epuizare")
    redistribute(reclassified)
    assert reclassified.difficulty_type == "emotional_strain"


def test_a_report_stored_before_item_7_was_reported_by_a_person():
    """Events stored by the previous version keep their meaning: no
    ``detected`` is a difficulty a person reported."""
    [reported] = report().collect_events()
    state = {k: v for k, v in reported.__dict__.items() if k != "detected"}
    assert Incident.Reported(**state).detected is None
