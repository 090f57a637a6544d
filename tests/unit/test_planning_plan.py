"""The coordination plan (instrument C), as the coordinator draws it up and
revises it; R2, R3, R7 and R1."""

from dataclasses import replace
from datetime import date

import pytest
from eventsourcing.application import Application

from events import contracts
from events.actor import Actor
from events.vocabulary import DELEGABLE_TASKS
from events.vocabulary.coordination import PLAN_SECTIONS
from services.coordination.competence import (
    EXCLUSIVE_ACTS,
    ExclusiveActNotDelegable,
    NoActiveCoordination,
)
from services.coordination.planning.domain import (
    InvalidPlan,
    PlanAccessDenied,
    PlanChangedMeanwhile,
    PlanNotFound,
    ReportingRuleViolated,
)
from services.coordination.planning.plan import CoordinationPlan
from tests.support.planning import (
    COORDINATOR,
    HEAD,
    TECHNICIAN,
    TERMS,
    TODAY,
)
from tests.support.published import as_published


# -- the plan ---------------------------------------------------------------------
def test_the_coordinator_draws_up_a_plan_from_the_guide_and_r7():
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    assert plan.number == 1
    weekly = plan.content["meetings"][0]
    assert (weekly["frequency"], weekly["minutes"]) == ("weekly", 20)  # 15–20 minutes
    assert plan.content["reporting"] == {
        "observation_sheet_hours": 24,
        "suspected_abuse_hours": 2,
        "follow_up_from_months": 3,
        "follow_up_until_months": 6,
        "reports_via": "internal_platform",
        "evaluation_every_months": 3,  # quarterly (3.2 B)
        "immediate_danger": "call_112_then_coordinator",
        "progress_report": "monthly_per_active_case",
    }
    assert plan.content["objectives"] == [
        {"indicator": "field_visits_per_active_case", "target": 4, "period": "month"}
    ]
    assert plan.content["delegable_tasks"] == dict.fromkeys(DELEGABLE_TASKS, "supervised")
    assert plan.content["priorities"][0] == "immediate_danger"


def test_every_revision_is_a_new_version_and_says_what_changed():
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    plan.revise(
        COORDINATOR,
        TERMS,
        TODAY,
        {"reporting": {"observation_sheet_hours": 12}, "delegable_tasks": {"home_visit": "guided"}},
        based_on=1,
    )
    assert plan.number == 2
    assert plan.content["reporting"]["observation_sheet_hours"] == 12
    assert plan.content["reporting"]["suspected_abuse_hours"] == 2  # kept, key by key
    assert plan.content["delegable_tasks"] == {"home_visit": "guided"}  # the list is replaced
    assert [h["changed"] for h in plan.history] == [
        list(PLAN_SECTIONS),
        ["reporting", "delegable_tasks"],
    ]
    assert plan.aggregate_version_of(1) < plan.aggregate_version_of(2)
    with pytest.raises(PlanNotFound, match="versions 1 to 2, not 3"):
        plan.aggregate_version_of(3)


def test_a_revision_based_on_an_old_version_or_changing_nothing_is_refused():
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    plan.revise(COORDINATOR, TERMS, TODAY, {"channels": ["phone"]})
    with pytest.raises(PlanChangedMeanwhile, match="at version 2, not 1"):
        plan.revise(COORDINATOR, TERMS, TODAY, {"channels": ["video"]}, based_on=1)
    with pytest.raises(InvalidPlan, match="changes nothing"):
        plan.revise(COORDINATOR, TERMS, TODAY, {"channels": ["phone"]})
    assert plan.number == 2


def test_r2_an_exclusive_act_is_never_in_the_delegable_list():
    for act in EXCLUSIVE_ACTS:
        with pytest.raises(
            ExclusiveActNotDelegable, match=f"R2: {act}: exclusive to the social worker"
        ):
            CoordinationPlan.draw_up(
                COORDINATOR, TERMS, TODAY, delegable_tasks={"home_visit": "guided", act: "guided"}
            )
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    with pytest.raises(ExclusiveActNotDelegable) as refused:
        plan.revise(COORDINATOR, TERMS, TODAY, {"delegable_tasks": {"close_case": "autonomous"}})
    assert refused.value.rule == "R2" and plan.number == 1


def test_unknown_tasks_and_autonomy_levels_are_invalid():
    with pytest.raises(InvalidPlan, match="'juggling' is not one of"):
        CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY, delegable_tasks={"juggling": "guided"})
    with pytest.raises(InvalidPlan, match="'alone' is not one of"):
        CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY, delegable_tasks={"mediation": "alone"})


@pytest.mark.parametrize(
    ("reporting", "says"),
    [
        ({"observation_sheet_hours": 48}, "observation_sheet_hours is at most 24 hours"),
        ({"suspected_abuse_hours": 3}, "suspected_abuse_hours is at most 2 hours"),
        ({"immediate_danger": "call_coordinator"}, "set by the rule, not by the plan"),
    ],
)
def test_r7_deadlines_are_tightened_never_loosened(reporting, says):
    with pytest.raises(ReportingRuleViolated, match=f"R7: .*{says}"):
        CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY, reporting=reporting)


@pytest.mark.parametrize(
    ("reporting", "says"),
    [
        ({"follow_up_from_months": 1}, "3–6 months from closure; .* not 1–6"),
        ({"follow_up_until_months": 7}, "not 3–7"),
        ({"follow_up_from_months": 5, "follow_up_until_months": 4}, "not 5–4"),
    ],
)
def test_the_follow_up_period_the_plan_sets_lies_within_three_to_six_months(reporting, says):
    """2.4, R8: post-closure monitoring is a period of 3–6 months from
    closure (not a window opening months after it); the plan sets its
    shortest and longest within that."""
    with pytest.raises(ReportingRuleViolated, match=f"R8: .*{says}"):
        CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY, reporting=reporting)
    plan = CoordinationPlan.draw_up(
        COORDINATOR,
        TERMS,
        TODAY,
        reporting={"follow_up_from_months": 3, "follow_up_until_months": 4},
    )
    assert plan.content["reporting"]["follow_up_until_months"] == 4


def test_the_plan_sets_how_often_the_technician_is_evaluated():
    plan = CoordinationPlan.draw_up(
        COORDINATOR, TERMS, TODAY, reporting={"evaluation_every_months": 6}
    )
    assert plan.content["reporting"]["evaluation_every_months"] == 6
    plan.revise(COORDINATOR, TERMS, TODAY, {"reporting": {"evaluation_every_months": 1}})
    assert plan.content["reporting"]["evaluation_every_months"] == 1
    assert plan.content["reporting"]["observation_sheet_hours"] == 24  # kept, key by key
    assert plan.history[-1]["changed"] == ["reporting"]


@pytest.mark.parametrize("months", [0, 13, -3, "3", 2.5, True, None])
def test_an_evaluation_period_outside_1_to_12_months_is_invalid(months):
    with pytest.raises(InvalidPlan, match="from 1 to 12") as refused:
        CoordinationPlan.draw_up(
            COORDINATOR, TERMS, TODAY, reporting={"evaluation_every_months": months}
        )
    assert refused.value.details["field"] == "reporting.evaluation_every_months"
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    with pytest.raises(InvalidPlan, match="evaluation_every_months"):
        plan.revise(COORDINATOR, TERMS, TODAY, {"reporting": {"evaluation_every_months": months}})
    assert plan.number == 1


def test_a_version_stored_before_the_evaluation_period_reads_quarterly():
    """Versions are complete: one stored before the key existed is read (and
    re-published) with the default it was kept under."""
    mapper = Application().mapper
    event = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY).collect_events()[-1]
    stored = mapper.to_stored_event(event)
    state = mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    del state["content"]["reporting"]["evaluation_every_months"]
    old = replace(stored, state=mapper.transcoder.encode(state))
    read = mapper.to_domain_event(old)
    assert read.content["reporting"]["evaluation_every_months"] == 3
    contracts.check_published(published(read, 1))


def test_immediate_danger_always_comes_first():
    with pytest.raises(ReportingRuleViolated, match="R7: immediate danger comes first"):
        CoordinationPlan.draw_up(
            COORDINATOR, TERMS, TODAY, priorities=["new_referral", "immediate_danger"]
        )


def test_sections_are_checked():
    cases = [
        ({"meetings": []}, "at least one meeting"),
        ({"meetings": [{"purpose": "status_review", "frequency": "weekly"}]}, "missing"),
        ({"channels": ["phone", "phone"]}, "twice"),
        ({"channels": ["pigeon"]}, "'pigeon' is not one of"),
        (
            {"objectives": [{"indicator": "coordination_meetings", "target": 0, "period": "week"}]},
            "target must be a whole number",
        ),
        ({"mood": "good"}, "no section mood"),
    ]
    for sections, says in cases:
        with pytest.raises(InvalidPlan, match=says):
            CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY, **sections)


def test_only_the_contracts_coordinator_keeps_the_plan_under_an_active_contract():
    for actor in (TECHNICIAN, HEAD, Actor("another", "social_worker")):
        with pytest.raises(PlanAccessDenied, match="only the coordinator"):
            CoordinationPlan.draw_up(actor, TERMS, TODAY)
    for status in ("draft", "suspended", "terminated"):
        terms = replace(TERMS, status=status)
        with pytest.raises(NoActiveCoordination, match=f"R1: .* is {status}"):
            CoordinationPlan.draw_up(COORDINATOR, terms, TODAY)
    with pytest.raises(NoActiveCoordination, match="ended on 2027-12-31"):
        CoordinationPlan.draw_up(COORDINATOR, TERMS, date(2028, 1, 1))


def published(event, position):
    return as_published(event, position)
