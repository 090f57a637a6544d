"""Task sheets (D.1, D.2), as the coordinator and the technician live them."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from events.actor import Actor
from events.errors import Forbidden, RuleViolation
from services.coordination.tasks.autonomy import (
    ConclusionNotApplicable,
    EvaluatedAutonomy,
    NotDelegableInPlan,
    autonomy_for,
    evaluated_autonomy_id,
)
from services.coordination.tasks.domain import OPEN, TaskSheet
from services.coordination.tasks.rules import (
    InvalidTask,
    TaskAccessDenied,
    TaskStateConflict,
    check_may_read_delegation,
)
from services.coordination.tasks.views import OpenDelegations
from tests.support.published import as_published

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DUE = (NOW + timedelta(days=2)).isoformat()
COORDINATOR = Actor("11111111-1111-1111-1111-111111111111", "social_worker")
TECH_ID = "22222222-2222-2222-2222-222222222222"
TECH = Actor(TECH_ID, "technician", "54975")
COORDINATION = {
    "technician_id": TECH_ID,
    "coordinator_id": COORDINATOR.id,
    "contract_id": "33333333-3333-3333-3333-333333333333",
    "municipality": "54975",
    "hours_per_month": 40,
}


def home_visit(**overrides):
    terms = dict(
        technician_id=TECH_ID,
        task_type="home_visit",
        instructions="Vizită la domiciliu; verificați condițiile de locuit.",
        due_at=DUE,
        now=NOW,
        case_id="case-17",
    )
    return TaskSheet.delegate(COORDINATOR, COORDINATION, **(terms | overrides))


def test_a_home_visit_is_delegated_accepted_carried_out_and_completed():
    task = home_visit()
    task.accept(TECH, COORDINATION)
    task.start(TECH, COORDINATION)
    task.complete(TECH, COORDINATION, "Vizită efectuată", report_ref="visit-report-3")
    assert (task.status, task.report_ref) == ("completed", "visit-report-3")
    assert not task.is_overdue(NOW + timedelta(days=30))


def test_r2_writing_the_intervention_plan_is_never_delegated():
    with pytest.raises(RuleViolation, match="R2: write_intervention_plan") as refused:
        home_visit(task_type="write_intervention_plan")
    assert refused.value.code == "exclusive_act_not_delegable"
    with pytest.raises(InvalidTask, match="unknown task type"):
        home_visit(task_type="paint_the_office")


def test_r1_no_contract_no_task_and_only_the_coordinator_delegates():
    with pytest.raises(RuleViolation, match=r"R1: technician .* has no active coordination"):
        TaskSheet.delegate(
            COORDINATOR,
            None,
            technician_id=TECH_ID,
            task_type="home_visit",
            instructions="x",
            due_at=DUE,
            now=NOW,
        )
    with pytest.raises(Forbidden, match="coordinated by another social worker"):
        TaskSheet.delegate(
            Actor("someone-else", "social_worker"),
            COORDINATION,
            technician_id=TECH_ID,
            task_type="home_visit",
            instructions="x",
            due_at=DUE,
            now=NOW,
        )
    task = home_visit()
    with pytest.raises(RuleViolation, match="R1: you have no active coordination"):
        task.accept(TECH, None)  # the contract ended meanwhile


def test_the_lifecycle_is_kept():
    task = home_visit()
    with pytest.raises(TaskStateConflict, match="cannot complete a task that is delegated"):
        task.complete(TECH, COORDINATION, "done")
    task.cancel(COORDINATOR, COORDINATION, "cazul a fost transferat")
    with pytest.raises(TaskStateConflict, match="cannot complete a task that is cancelled"):
        task.complete(TECH, COORDINATION, "done")
    with pytest.raises(Forbidden, match="delegated to another technician"):
        home_visit().accept(Actor("other-tech", "technician", "54975"), COORDINATION)


def test_an_obstacle_stops_the_task_and_overdue_is_derived():
    task = home_visit()
    assert task.is_overdue(NOW + timedelta(days=3))
    task.accept(TECH, COORDINATION)
    task.report_obstacle(TECH, COORDINATION, "lack_of_transport", "nu este autobuz")
    assert task.status == "obstacle_reported" and not task.is_overdue(NOW + timedelta(days=3))
    with pytest.raises(InvalidTask, match="due in the past"):
        home_visit(due_at=(NOW - timedelta(hours=1)).isoformat())
    with pytest.raises(InvalidTask, match="time zone"):
        home_visit(due_at="2026-12-01T10:00:00")


def test_every_task_event_is_published_by_its_contract_without_free_text():
    task = home_visit()
    task.accept(TECH, COORDINATION)
    task.start(TECH, COORDINATION)
    task.complete(TECH, COORDINATION, "Vizită efectuată", "r-1")
    other = home_visit()
    other.report_obstacle(TECH, COORDINATION, "beneficiary_absent", "nu era acasă")
    third = home_visit()
    second_tech = "44444444-4444-4444-4444-444444444444"
    other_coordination = COORDINATION | {
        "technician_id": second_tech,
        "contract_id": "55555555-5555-5555-5555-555555555555",
    }
    third.reassign(COORDINATOR, COORDINATION, second_tech, other_coordination, "burnout")
    third.cancel(COORDINATOR, other_coordination, "nu mai e necesar")
    events = [*task.collect_events(), *other.collect_events(), *third.collect_events()]
    assert {type(e).__name__ for e in events} == {
        "Delegated",
        "Accepted",
        "Started",
        "Completed",
        "ObstacleReported",
        "Reassigned",
        "Cancelled",
    }
    for position, event in enumerate(events, start=1):
        body = as_published(event, position)
        assert "Vizită" not in json.dumps(body) and "autobuz" not in json.dumps(body)


def test_the_plan_narrows_what_is_delegated_and_says_with_what_autonomy():
    assert home_visit().autonomy == "supervised"  # no plan yet
    assert home_visit(plan_delegable={"home_visit": "guided"}).autonomy == "guided"
    with pytest.raises(RuleViolation, match="R3: home_visit is not on the delegable task list"):
        home_visit(plan_delegable={"observation": "autonomous"})


# -- autonomy: the plan's, raised or capped by the evaluation (3.2 B) --------------
@pytest.mark.parametrize(
    ("plan", "evaluated", "expected"),
    [
        (None, None, ("supervised", "default")),
        (None, [], ("supervised", "default")),
        (None, ["home_visit"], ("autonomous", "evaluation")),
        ({"home_visit": "supervised"}, None, ("supervised", "plan")),
        ({"home_visit": "guided"}, ["observation"], ("guided", "plan")),
        ({"home_visit": "supervised"}, ["home_visit"], ("autonomous", "evaluation")),
        ({"home_visit": "autonomous"}, ["home_visit"], ("autonomous", "evaluation")),
        # autonomy needs an evaluation behind it
        ({"home_visit": "autonomous"}, None, ("guided", "plan")),
        ({"home_visit": "autonomous"}, [], ("guided", "plan")),
        ({"home_visit": "autonomous"}, ["observation"], ("guided", "plan")),
    ],
)
def test_the_evaluation_is_the_basis_of_a_delegated_tasks_autonomy(plan, evaluated, expected):
    autonomy = autonomy_for("home_visit", plan, evaluated)
    assert autonomy == expected
    assert (autonomy.level, autonomy.source) == expected


def test_an_evaluation_never_makes_delegable_what_the_plan_leaves_out():
    with pytest.raises(NotDelegableInPlan, match="R3: home_visit is not on the delegable"):
        autonomy_for("home_visit", {"observation": "guided"}, ["home_visit"])


def test_a_task_is_delegated_with_the_effective_autonomy():
    assert home_visit(evaluated_autonomous=["home_visit"]).autonomy == "autonomous"
    planned = {"home_visit": "autonomous"}
    assert home_visit(plan_delegable=planned).autonomy == "guided"
    assert home_visit(plan_delegable=planned, evaluated_autonomous=["home_visit"]).autonomy == (
        "autonomous"
    )


CONTRACT = COORDINATION | {"status": "active"}
EVALUATOR = Actor(COORDINATOR.id, "social_worker", None, "corr-1")


def conclusion(**overrides):
    return {
        "evaluation_id": "66666666-6666-6666-6666-666666666666",
        "kind": "initial",
        "technician_id": TECH_ID,
        "coordinator_id": COORDINATOR.id,
        "contract_id": COORDINATION["contract_id"],
        "autonomous_tasks": ["observation", "home_visit"],
        "support_domains": ["legislation"],
        "concluded_on": "2026-11-20",
    } | overrides


def test_each_newer_conclusion_replaces_the_list_one_per_contract():
    evaluated = EvaluatedAutonomy.open(EVALUATOR, CONTRACT)
    assert evaluated.id == evaluated_autonomy_id(COORDINATION["contract_id"])
    evaluated.conclude(EVALUATOR, CONTRACT, conclusion())
    assert evaluated.autonomous_tasks == ["home_visit", "observation"]  # in the order of R3
    later = conclusion(
        evaluation_id="77777777-7777-7777-7777-777777777777",
        kind="periodic",
        autonomous_tasks=[],
        concluded_on="2027-02-20",
    )
    evaluated.conclude(EVALUATOR, CONTRACT, later)
    assert (evaluated.evaluation_id, evaluated.kind, evaluated.autonomous_tasks) == (
        later["evaluation_id"],
        "periodic",
        [],
    )
    events = evaluated.collect_events()
    assert [type(e).__name__ for e in events] == ["Opened", "Concluded", "Concluded"]
    assert all(e.actor_id == COORDINATOR.id for e in events)
    assert [as_published(e, n) for n, e in enumerate(events, start=1)] == [None] * 3


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"technician_id": "88888888-8888-8888-8888-888888888888"}, "names technician_id"),
        ({"coordinator_id": "99999999-9999-9999-9999-999999999999"}, "names coordinator_id"),
        ({"autonomous_tasks": ["home_visit", "social_diagnosis"]}, "social_diagnosis: not"),
    ],
)
def test_a_conclusion_for_other_parties_or_acts_is_not_kept(overrides, says):
    evaluated = EvaluatedAutonomy.open(EVALUATOR, CONTRACT)
    with pytest.raises(ConclusionNotApplicable, match=says):
        evaluated.conclude(EVALUATOR, CONTRACT, conclusion(**overrides))
    assert evaluated.evaluation_id == ""
    assert [type(e) for e in evaluated.collect_events()] == [EvaluatedAutonomy.Opened]


def test_what_is_delegable_is_read_by_the_parties_the_spas_the_county_and_auditors():
    def read(actor, coordinator_id=COORDINATOR.id):
        check_may_read_delegation(actor, TECH_ID, "54975", coordinator_id)

    for actor in (
        TECH,
        COORDINATOR,
        Actor("head", "spas_head", "54975"),
        Actor("county", "county_admin"),
        Actor("audit", "auditor"),
    ):
        read(actor)
    for actor in (
        Actor("other-sw", "social_worker"),
        Actor("other-tech", "technician", "54975"),
        Actor("head", "spas_head", "55259"),
    ):
        with pytest.raises(TaskAccessDenied, match="read by the technician, their coordinator"):
            read(actor)
    with pytest.raises(TaskAccessDenied):
        read(COORDINATOR, coordinator_id=None)  # no longer (or not yet) their coordinator


def test_excessive_delegation_counts_the_open_tasks_as_the_task_sheets_say():
    """4.2.1: what the count of a coordinator's open tasks on a technician
    (the read model each delegation asks) follows every step of the sheets:
    done, cancelled and held-up tasks are not open; answered, a task is
    again; reassigned, it is the other technician's."""
    view = OpenDelegations(None)
    other = "44444444-4444-4444-4444-444444444444"
    elsewhere = COORDINATION | {"technician_id": other, "contract_id": str(uuid.uuid4())}
    tasks = [home_visit() for _ in range(5)]

    def counted() -> tuple[int, int]:
        for task in tasks:
            for stored in task.collect_events():
                view.apply(stored)
        by_sheets = [
            sum(1 for t in tasks if t.status in OPEN and t.technician_id == tech)
            for tech in (TECH_ID, other)
        ]
        by_view = [view.count(tech, COORDINATOR.id) for tech in (TECH_ID, other)]
        assert by_view == by_sheets
        return by_view[0], by_view[1]

    assert counted() == (5, 0)
    tasks[0].accept(TECH, COORDINATION)
    tasks[0].complete(TECH, COORDINATION, "Vizită efectuată")
    tasks[1].cancel(COORDINATOR, COORDINATION, "Nu mai este necesară.")
    tasks[2].report_obstacle(TECH, COORDINATION, "lack_of_transport")
    assert counted() == (2, 0)
    tasks[2].answer_obstacle(COORDINATOR, COORDINATION, "guidance", "Mergeți cu primăria.", NOW)
    tasks[3].reassign(COORDINATOR, COORDINATION, other, elsewhere, "burnout")
    assert counted() == (2, 1)
    assert view.count(TECH_ID, "someone else") == 0
