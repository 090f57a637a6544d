"""Delegation through RPC on the real broker and database, as the issue's
story goes: a home visit accepted and completed, "write the intervention
plan" refused (R2), no task without a contract (R1), none after licensing
(R10), nothing for someone else's technician."""

from datetime import timedelta

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from tests.support.calendar import QUIET
from tests.support.county import activate
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN

DUE = (QUIET + timedelta(days=3)).isoformat()  # the county fixture's clock


def task(county, **overrides):
    command = {
        "technician_id": county["tech"]["staff_id"],
        "task_type": "home_visit",
        "instructions": "Vizită la domiciliu, familia Popescu: condiții de locuit.",
        "due_at": DUE,
        "priority": "high",
        "case_id": "case-2026-17",
    }
    return command | overrides


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def test_a_home_visit_is_delegated_accepted_and_completed(county):
    rpc, tech = county["rpc"], county["tech_actor"]
    activate(county)
    outside = OutsideSubscriber(
        county["amqp_uri"],
        *(f"ro.coordonare.coordination.Task{e}.v1" for e in ("Delegated", "Accepted", "Completed")),
    )
    try:
        sheet = rpc.delegate_task(county["expert_actor"], task(county))
        key = {"task_id": sheet["task_id"]}
        assert (sheet["status"], sheet["overdue"]) == ("delegated", False)
        rpc.accept_task(tech, key)
        done = rpc.complete_task(tech, key | {"result": "Vizită efectuată", "report_ref": "r-9"})
        assert done["status"] == "completed"
        listed = rpc.tasks_of_technician(county["expert_actor"], county["tech"]["staff_id"])
        assert [t["task_id"] for t in listed] == [sheet["task_id"]]

        events = outside.receive(3)
        for event in events:
            check_published(event)
        assert events[0]["data"]["task_type"] == "home_visit"
        assert "Popescu" not in str(events)  # instructions stay in the store
    finally:
        outside.close()


def test_r2_the_intervention_plan_cannot_be_delegated_and_the_attempt_is_recorded(county):
    rpc = county["rpc"]
    activate(county)
    error = refused(
        rpc.delegate_task, county["expert_actor"], task(county, task_type="write_intervention_plan")
    )
    assert error.exc_type == "ExclusiveActNotDelegable" and "R2" in str(error)
    assert rpc.tasks_of_technician(ADMIN, county["tech"]["staff_id"]) == []


def test_r1_a_technician_without_a_contract_gets_no_task(county):
    error = refused(county["rpc"].delegate_task, county["expert_actor"], task(county))
    assert error.exc_type == "NoActiveCoordination" and "R1" in str(error)


def test_nothing_is_delegated_to_someone_elses_technician(county):
    activate(county)
    error = refused(county["rpc"].delegate_task, county["child_only_actor"], task(county))
    assert error.exc_type == "TaskAccessDenied"


def test_r10_once_licensed_no_new_task_and_no_action_on_old_ones(county):
    rpc, tech = county["rpc"], county["tech"]
    activate(county)
    sheet = rpc.delegate_task(county["expert_actor"], task(county))
    rpc.record_licensing(
        ADMIN,
        {
            "staff_id": tech["staff_id"],
            "rnasr_code": "AS300",
            "experience_domains": ["disability_chronic_illness"],
        },
    )
    again = refused(rpc.delegate_task, county["expert_actor"], task(county))
    assert again.exc_type == "NoActiveCoordination"
    acting = refused(rpc.accept_task, county["tech_actor"], {"task_id": sheet["task_id"]})
    assert acting.exc_type == "NoActiveCoordination"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"due_at": "2020-01-01T10:00:00+02:00"}, "InvalidTask"),
        ({"priority": "whenever"}, "InvalidCommand"),
        ({"technician_id": "not-an-id"}, "InvalidCommand"),
        ({"instructions": ""}, "InvalidCommand"),
    ],
)
def test_bad_delegations_are_refused_and_store_nothing(county, overrides, code):
    activate(county)
    error = refused(county["rpc"].delegate_task, county["expert_actor"], task(county, **overrides))
    assert error.exc_type == code
    assert county["rpc"].tasks_of_technician(ADMIN, county["tech"]["staff_id"]) == []


def test_a_cancelled_task_cannot_be_completed(county):
    rpc = county["rpc"]
    activate(county)
    key = {"task_id": rpc.delegate_task(county["expert_actor"], task(county))["task_id"]}
    rpc.cancel_task(county["expert_actor"], key | {"reason": "caz transferat"})
    error = refused(rpc.complete_task, county["tech_actor"], key | {"result": "gata"})
    assert error.exc_type == "TaskStateConflict" and "cancelled" in str(error)
    assert rpc.get_task(county["tech_actor"], key["task_id"])["status"] == "cancelled"


def test_the_coordination_plan_narrows_what_is_delegated_and_with_what_autonomy(county):
    rpc = county["rpc"]
    contract = activate(county)
    rpc.draw_up_plan(
        county["expert_actor"],
        {
            "contract_id": contract["contract_id"],
            "delegable_tasks": {"home_visit": "guided", "observation": "supervised"},
        },
    )
    sheet = rpc.delegate_task(county["expert_actor"], task(county))
    assert sheet["autonomy"] == "guided"
    error = refused(rpc.delegate_task, county["expert_actor"], task(county, task_type="mediation"))
    assert error.exc_type == "NotDelegableInPlan" and "R3" in str(error)
