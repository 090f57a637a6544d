"""The follow-up after closure through the real broker and databases (guide
2.4, R8): the visits the social worker plans in the period are among what
is coming for the case's technician and social worker, each on its day;
one recorded done is no longer."""

from __future__ import annotations

from datetime import timedelta

from tests.support.calendar import local_day
from tests.support.casework import final_report, open_case, plan
from tests.support.waiting import eventually

KIND = "follow_up_action_due"


def coming(world: dict, actor: dict) -> list[dict]:
    items = world["notifications"].upcoming_reminders(actor)
    return sorted(
        (
            r["period"]
            for r in (items["items"] if isinstance(items, dict) else items)
            if r["kind"] == KIND
        ),
    )


def test_the_visits_planned_after_closure_are_reminded_until_done(notifying):
    world = notifying
    cases, sw, tech = world["cases"], world["expert_actor"], world["tech_actor"]
    case = open_case(world)
    plan(world, case)
    key = {"case_id": case["case_id"]}
    cases.close_case(
        sw,
        key
        | {
            "outcome": "plan_achieved",
            "rationale": "Obiective atinse.",
            "final_report_id": final_report(world, case),
        },
    )
    today = local_day()
    first, second = (today + timedelta(days=d) for d in (10, 40))
    visits = [{"action": "visit", "due_on": day.isoformat()} for day in (first, second)]
    cases.plan_follow_up(sw, key | {"actions": visits})
    expected = [first.isoformat(), second.isoformat()]
    assert eventually(lambda: coming(world, tech) == expected and coming(world, tech))
    assert coming(world, sw) == expected

    # done early: it answers the first visit still to come
    cases.record_follow_up(tech, key | {"action": "visit", "done_on": today.isoformat()})
    assert eventually(lambda: coming(world, tech) == [second.isoformat()])
