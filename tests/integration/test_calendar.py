"""The calendar sweep (issue 13): the date-sensitive stories, each run at
every moment of ``tests.support.calendar.MOMENTS`` — the last day of a
month at 23:30 in Cluj, New Year's Eve before and after midnight in Cluj
while UTC is still on 31 December, 29 February, and both clock changes of
Europe/Bucharest. A failure names its moment.

What must hold at each: a day or a month is the county's (Bucharest's),
whatever UTC says; a duration in hours is real elapsed hours, also across
a clock change; a deadline in days falls at the hour it was set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from nameko.exceptions import RemoteError

from events.clock import LOCAL_TIME, add_months
from services.notifications.reminder_rules import month_end
from tests.support.calendar import MOMENTS, contract_period, local_day, local_month
from tests.support.casework import final_report, open_case, plan
from tests.support.county import activate, draft
from tests.support.evaluating import evaluate, sign_contract
from tests.support.notifying import advance, alert_of, report_abuse
from tests.support.registry import ADMIN
from tests.support.waiting import eventually

pytestmark = pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))

JOURNAL_MINUTES = 456  # five entries of 7 h 36 min: 38 hours, under R6's 40


def local_ago(**delta: float) -> datetime:
    """So much real time ago, on the county's clock (subtracting from a
    Bucharest time directly would count wall-clock time across a change)."""
    return (datetime.now(UTC) - timedelta(**delta)).astimezone(LOCAL_TIME)


def refused(call, *args) -> RemoteError:
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def next_month(month: str) -> str:
    return local_month(month_end(month) + timedelta(hours=1))


def reminders_of(world, actor, kind: str) -> list[dict]:
    return [r for r in world["notifications"].upcoming_reminders(actor) if r["kind"] == kind]


# -- R6: the month of the journal is the county's -----------------------------------------
def test_r6_counts_the_countys_month_and_reminds_at_its_end(notifying):
    world, sw = notifying, notifying["expert_actor"]
    contract_id = world["contract"]["contract_id"]
    today, month = local_day(), local_month()
    for _ in range(5):  # recorded today, in Cluj: never "in the future"
        world["rpc"].coordination.record_journal_entry(
            sw,
            {
                "contract_id": contract_id,
                "occurred_on": today.isoformat(),
                "minutes": JOURNAL_MINUTES,
                "channel": "in_person",
                "kind": "meeting",
            },
        )
    hours = world["rpc"].coordination.coordination_hours(sw, contract_id, month)
    assert (hours["month"], hours["minutes"], hours["compliant"]) == (month, 5 * 456, False)

    def pending():
        return [
            r
            for r in reminders_of(world, sw, "coordination_hours_low")
            if r["period"] == month and r["fields"]["hours"] == "38"
        ]

    [reminder] = eventually(pending)
    assert datetime.fromisoformat(reminder["due_at"]) == month_end(month)  # 00:00 in Cluj

    advance(world, seconds=(month_end(month) - datetime.now(UTC)).total_seconds() + 60)
    sent = eventually(
        lambda: [
            n
            for n in world["notifications"].inbox(sw)
            if n["kind"] == "coordination_hours_low" and contract_id in n["text"]
        ]
    )
    assert f"sub 40 în {month}: 38 ore" in sent[0]["subject"]


# -- R7: hours are real hours -------------------------------------------------------------
def test_the_observation_sheet_is_due_24_real_hours_after_the_visit(notifying):
    world, tech = notifying, notifying["tech_actor"]
    case = open_case(world)
    visit = local_ago(minutes=30)
    sheet = world["cases"].draft_document(
        tech,
        {
            "case_id": case["case_id"],
            "kind": "observation_sheet",
            "content": {"text": "Copilul nu a fost la școală."},
            "occurred_at": visit.isoformat(),
        },
    )
    assert datetime.fromisoformat(sheet["due_at"]) - visit == timedelta(hours=24)
    report = world["cases"].draft_document(
        tech,
        {
            "case_id": case["case_id"],
            "kind": "visit_report",
            "content": {"text": "Vizită la domiciliu."},
            "occurred_at": visit.isoformat(),
            "beneficiary_signature": "self",
        },
    )
    world["cases"].submit_document(tech, {"document_id": report["document_id"]})
    [due] = eventually(lambda: reminders_of(world, tech, "observation_sheet_due"))
    assert datetime.fromisoformat(due["due_at"]) - visit == timedelta(hours=20)  # 5/6 of 24 h


def test_abuse_is_late_after_two_real_hours_and_escalates_after_the_sla(notifying):
    world, tech = notifying, notifying["tech_actor"]
    case = open_case(world)

    def report(minutes_ago: int) -> dict:
        return world["cases"].report_urgent_risk(
            tech,
            {
                "case_id": case["case_id"],
                "category": "abuse",
                "observations": "Urme de lovituri.",
                "called_112": False,
                "observed_at": local_ago(minutes=minutes_ago).isoformat(),
            },
        )

    assert report(115)["late"] is False  # 1 h 55 min, whatever the wall clock did
    assert report(125)["late"] is True

    risk = report_abuse(world)
    alert = eventually(lambda: alert_of(world, risk))
    raised, due = (datetime.fromisoformat(alert[k]) for k in ("raised_at", "due_at"))
    assert due - raised == timedelta(minutes=120)
    advance(world, seconds=(due - datetime.now(UTC)).total_seconds() - 300)
    world["notifications"].run_timers(world["county_admin"])
    assert alert_of(world, risk).get("escalations", []) == []
    advance(world, minutes=10)
    eventually(
        lambda: (
            [e["to_role"] for e in alert_of(world, risk).get("escalations", [])] == ["spas_head"]
        )
    )


# -- R7 monthly report, R8 follow-up, the county's report: months are the county's ------
def test_a_progress_report_is_owed_for_each_county_month(casework, clock):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    plan(casework, case)
    month = local_month()
    owed = [d for d in cases.overdue_documents(sw) if d["kind"] == "progress_report"]
    assert owed == []  # the month is not over
    report = cases.draft_document(
        tech,
        {
            "case_id": case["case_id"],
            "kind": "progress_report",
            "content": {
                "progress": "Prezență 80%.",
                "difficulties": "Transportul.",
                "recommendations": "Abonament de autobuz.",
            },
            "period": month,
        },
    )
    assert datetime.fromisoformat(report["due_at"]) == month_end(month)

    clock.move_to(month_end(month) + timedelta(minutes=1))
    [missing] = [d for d in cases.overdue_documents(sw) if d["reason"] == "missing"]
    assert (missing["kind"], missing["period"]) == ("progress_report", month)
    cases.submit_document(tech, {"document_id": report["document_id"]})
    assert [d for d in cases.overdue_documents(sw) if d["reason"] == "missing"] == []


def test_closure_counts_the_follow_up_in_county_months(casework):
    cases, sw = casework["cases"], casework["expert_actor"]
    case = open_case(casework)
    plan(casework, case)
    today = local_day()
    closed = cases.close_case(
        sw,
        {
            "case_id": case["case_id"],
            "outcome": "plan_achieved",
            "rationale": "Obiective atinse.",
            "final_report_id": final_report(casework, case),
        },
    )
    assert closed["follow_up"] == {  # from closure, for the plan's 6 months (R8, 2.4)
        "from": today.isoformat(),
        "until": add_months(today, 6).isoformat(),
    }


def test_the_county_report_takes_the_countys_month(casework):
    month = local_month()
    for service, invalid in (
        (casework["cases"], "InvalidCaseCommand"),
        (casework["rpc"].coordination, "InvalidMonth"),
    ):
        assert service.county_figures(ADMIN, month)["month"] == month
        error = refused(service.county_figures, ADMIN, next_month(month))
        assert error.exc_type == invalid and "has not begun" in str(error)


# -- contracts and incidents: days are the county's -------------------------------------
def test_a_contract_is_in_force_through_its_last_county_day(county, clock):
    today = local_day()
    period = {"starts_on": (today - timedelta(days=30)).isoformat(), "ends_on": today.isoformat()}
    contract = activate(county, contract=draft(county, county["expert"], **period))
    rpc, technician_id = county["rpc"], county["tech"]["staff_id"]
    assert contract["status"] == "active"
    assert rpc.coordination_of(ADMIN, technician_id)["contract_id"] == contract["contract_id"]
    assert rpc.expire_contracts(ADMIN, {}) == []

    next_day = datetime.combine(today + timedelta(days=1), datetime.min.time(), LOCAL_TIME)
    clock.move_to(next_day + timedelta(minutes=5))
    assert rpc.expire_contracts(ADMIN, {}) == [contract["contract_id"]]
    assert rpc.coordination_of(ADMIN, technician_id) is None


def test_an_incident_deadline_keeps_its_county_hour(county):
    activate(county)
    reported = datetime.now(LOCAL_TIME)
    incident = county["rpc"].report_incident(
        county["head"],
        {
            "technician_id": county["tech"]["staff_id"],
            "difficulty_type": "communication",
            "description": "Comunicare dificilă cu familia.",
        },
    )
    deadline = datetime.fromisoformat(incident["deadline"]).astimezone(LOCAL_TIME)
    assert deadline.date() == local_day(reported) + timedelta(days=14)
    assert (deadline.hour, deadline.minute) == (reported.hour, reported.minute)


# -- evaluations: the quarter is counted in county months --------------------------------
def test_the_next_evaluation_falls_due_three_county_months_on(evaluating):
    sign_contract(evaluating)
    evaluate(evaluating)
    [due] = evaluating["evaluations"].evaluations_due(evaluating["expert_actor"])
    assert (due["next"], due["due_on"]) == ("periodic", add_months(local_day(), 3).isoformat())
    assert due["overdue"] is False


def test_the_contract_period_of_the_stories_holds_today(clock):
    starts_on, ends_on = contract_period()
    assert starts_on <= local_day().isoformat() <= ends_on
