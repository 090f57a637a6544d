"""Coordination plan (instrument C) and journal (instrument D.3) through RPC
on the real broker and database: the coordinator plans and keeps the
journal, the technician reads, R6 is computed from the journal — and every
way of getting it wrong is refused with a specific error, storing nothing."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from tests.support.calendar import QUIET, local_day
from tests.support.county import activate, draft
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN

TODAY = local_day(QUIET)  # the stories' clock (the county fixture runs at QUIET)


def month_start(months_back: int) -> date:
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months_back, 12)
    return date(year, month + 1, 1)


# The contract began three months ago, so the two months before this one are
# whole and over, whatever day the tests run.
STARTS_ON = month_start(3)
ENDS_ON = TODAY + timedelta(days=365)
TWO_MONTHS_AGO, LAST_MONTH = month_start(2), month_start(1)


def refused(call, *args, **kwargs):
    with pytest.raises(RemoteError) as error:
        call(*args, **kwargs)
    return error.value


def term(**overrides):
    return {"starts_on": STARTS_ON.isoformat(), "ends_on": ENDS_ON.isoformat()} | overrides


@pytest.fixture
def contract(county):
    return activate(county, contract=draft(county, county["expert"], **term()))


def entry(contract, day: date, minutes: int, **details):
    return {
        "contract_id": contract["contract_id"],
        "occurred_on": day.isoformat(),
        "minutes": minutes,
        "channel": "in_person",
        "kind": "meeting",
    } | details


def month(day: date) -> str:
    return day.isoformat()[:7]


def test_every_plan_version_stays_readable_and_is_published_whole(county, contract):
    rpc, coordinator, cid = county["rpc"], county["expert_actor"], contract["contract_id"]
    outside = OutsideSubscriber(
        county["amqp_uri"], "ro.coordonare.coordination.CoordinationPlanVersioned.v1"
    )
    try:
        first = rpc.draw_up_plan(coordinator, {"contract_id": cid})
        assert (first["version"], first["delegable_tasks"]["home_visit"]) == (1, "supervised")
        weekly = {"purpose": "status_review", "frequency": "weekly", "minutes": 15}
        second = rpc.revise_plan(
            coordinator,
            {
                "contract_id": cid,
                "based_on_version": 1,
                "changes": {
                    "meetings": [weekly | {"channel": "video", "weekday": "monday"}],
                    "delegable_tasks": {"home_visit": "guided", "mediation": "supervised"},
                },
            },
        )
        assert second["version"] == 2

        technician = county["tech_actor"]
        as_it_was = rpc.get_plan(technician, cid, 1)
        assert (as_it_was["version"], as_it_was["latest_version"]) == (1, 2)
        assert as_it_was["delegable_tasks"]["home_visit"] == "supervised"
        assert as_it_was["meetings"][0]["minutes"] == 20
        as_it_is = rpc.get_plan(technician, cid)
        assert as_it_is["delegable_tasks"] == {"home_visit": "guided", "mediation": "supervised"}
        versions = rpc.plan_versions(county["head"], cid)
        assert [(v["version"], v["changed"]) for v in versions][1] == (
            2,
            ["meetings", "delegable_tasks"],
        )
        assert refused(rpc.get_plan, technician, cid, 3).exc_type == "PlanNotFound"

        events = outside.receive(2)
        for event in events:
            check_published(event)
        assert [e["data"]["version"] for e in events] == [1, 2]
        assert events[1]["data"]["delegable_tasks"] == as_it_is["delegable_tasks"]
        assert events[1]["municipality"] == "54975"
    finally:
        outside.close()


def test_r2_an_exclusive_act_in_the_delegable_list_is_refused_and_on_record(county, contract):
    rpc, coordinator, cid = county["rpc"], county["expert_actor"], contract["contract_id"]
    outside = OutsideSubscriber(county["amqp_uri"], "ro.coordonare.coordination.CommandRefused.v1")
    try:
        exclusive = {"home_visit": "guided", "social_diagnosis": "supervised"}
        error = refused(
            rpc.draw_up_plan, coordinator, {"contract_id": cid} | {"delegable_tasks": exclusive}
        )
        assert error.exc_type == "ExclusiveActNotDelegable" and "R2" in str(error)
        assert refused(rpc.get_plan, coordinator, cid).exc_type == "PlanNotFound"

        rpc.draw_up_plan(coordinator, {"contract_id": cid})
        changes = {"delegable_tasks": {"open_case": "autonomous"}}
        error = refused(rpc.revise_plan, coordinator, {"contract_id": cid, "changes": changes})
        assert error.exc_type == "ExclusiveActNotDelegable"
        assert rpc.get_plan(coordinator, cid)["version"] == 1

        refusals = outside.receive(2)
        assert [r["data"]["command"] for r in refusals] == ["draw_up_plan", "revise_plan"]
        assert {r["data"]["rule"] for r in refusals} == {"R2"}
        assert refusals[0]["data"]["refused_subject"] == cid
    finally:
        outside.close()


def test_r6_a_month_with_38_journal_hours_is_flagged_and_one_with_40_is_not(county, contract):
    rpc, coordinator, cid = county["rpc"], county["expert_actor"], contract["contract_id"]
    for first, last_minutes in ((TWO_MONTHS_AGO, 120), (LAST_MONTH, 240)):
        for day, minutes in ((1, 720), (8, 720), (15, 720), (22, last_minutes)):
            rpc.record_journal_entry(coordinator, entry(contract, first.replace(day=day), minutes))

    short = rpc.coordination_hours(county["head"], cid, month(TWO_MONTHS_AGO))
    assert (short["minutes"], short["hours"], short["required"]) == (2280, 38.0, 40)
    assert (short["compliant"], short["entries"], short["complete"]) == (False, 4, True)
    enough = rpc.coordination_hours(ADMIN, cid, month(LAST_MONTH))
    assert (enough["hours"], enough["compliant"]) == (40.0, True)

    months = rpc.coordination_months(county["tech_actor"], cid)
    assert [m["month"] for m in months] == [month(month_start(n)) for n in (3, 2, 1, 0)]
    assert [m["compliant"] for m in months] == [False, False, True, False]
    assert (months[0]["entries"], months[-1]["complete"]) == (0, False)


def test_only_the_coordinator_writes_and_the_technician_reads(county, contract):
    rpc, cid = county["rpc"], contract["contract_id"]
    technician, head = county["tech_actor"], county["head"]
    key = {"contract_id": cid}
    assert refused(rpc.draw_up_plan, technician, key).exc_type == "PlanAccessDenied"
    assert refused(rpc.draw_up_plan, head, key).exc_type == "PlanAccessDenied"
    stranger = refused(rpc.draw_up_plan, county["child_only_actor"], key)
    assert stranger.exc_type == "ContractReadDenied"
    assert refused(rpc.get_plan, technician, cid).exc_type == "PlanNotFound"

    meeting = entry(contract, LAST_MONTH, 30, decisions=["Vizită săptămânală la familie"])
    assert refused(rpc.record_journal_entry, technician, meeting).exc_type == (
        "JournalAccessDenied"
    )
    recorded = rpc.record_journal_entry(county["expert_actor"], meeting)
    entries = rpc.journal_entries(technician, cid, month(LAST_MONTH))
    assert [(e["entry_id"], e["decisions"]) for e in entries] == [
        (recorded["entry_id"], ["Vizită săptămânală la familie"])
    ]
    # the SPAS head sees the hours, not what was said about the cases (R9)
    assert refused(rpc.journal_entries, head, cid, month(LAST_MONTH)).exc_type == (
        "JournalReadDenied"
    )
    assert rpc.coordination_hours(head, cid, month(LAST_MONTH))["minutes"] == 30


def test_r1_no_plan_and_no_journal_without_an_active_contract(county):
    rpc, coordinator = county["rpc"], county["expert_actor"]
    unsigned = draft(county, county["expert"], **term())
    key = {"contract_id": unsigned["contract_id"]}
    for call, command in (
        (rpc.draw_up_plan, key),
        (rpc.record_journal_entry, entry(unsigned, LAST_MONTH, 60)),
    ):
        error = refused(call, coordinator, command)
        assert error.exc_type == "NoActiveCoordination" and "R1" in str(error)

    activate(county, contract=unsigned)
    rpc.suspend_contract(county["head"], key | {"reason": "concediu medical"})
    error = refused(rpc.record_journal_entry, coordinator, entry(unsigned, LAST_MONTH, 60))
    assert "R1: contract" in str(error) and "is suspended" in str(error)
    assert rpc.coordination_hours(ADMIN, unsigned["contract_id"], month(LAST_MONTH))["entries"] == 0


@pytest.mark.parametrize(
    ("overrides", "code", "says"),
    [
        ({"minutes": 0}, "InvalidCommand", "minutes: 0 is less than the minimum of 1"),
        (
            {"occurred_on": (STARTS_ON - timedelta(days=1)).isoformat()},
            "EntryOutsideContract",
            "is outside contract",
        ),
        (
            {"occurred_on": (TODAY + timedelta(days=1)).isoformat()},
            "FutureJournalEntry",
            "is after today",
        ),
        ({"contract_id": str(uuid4())}, "UnknownContract", "no coordination contract"),
        ({"participant_ids": [str(uuid4())]}, "InvalidJournalEntry", "name others by role"),
        ({"channel": "fax"}, "InvalidCommand", "'fax' is not one of"),
    ],
)
def test_bad_entries_get_a_specific_error_and_nothing_is_recorded(
    county, contract, overrides, code, says
):
    rpc = county["rpc"]
    error = refused(
        rpc.record_journal_entry,
        county["expert_actor"],
        entry(contract, LAST_MONTH, 60) | overrides,
    )
    assert error.exc_type == code and says in str(error)
    months = rpc.coordination_months(ADMIN, contract["contract_id"])
    assert sum(m["entries"] for m in months) == 0


def test_journal_facts_go_on_the_bus_without_what_was_said(county, contract):
    rpc, coordinator, cid = county["rpc"], county["expert_actor"], contract["contract_id"]
    outside = OutsideSubscriber(
        county["amqp_uri"],
        "ro.coordonare.coordination.JournalEntryRecorded.v1",
        "ro.coordonare.coordination.JournalEntryWithdrawn.v1",
    )
    try:
        case_id = str(uuid4())
        details = {
            "case_ids": [case_id],
            "external_roles": ["school_staff"],
            # 3.3 §3a: the journal records the situations discussed
            "situations": ["Copilul lipsește de la școală de două săptămâni"],
            "decisions": ["Se solicită ancheta socială"],
            "recommendations": ["Discuție cu dirigintele"],
            "follow_ups": [{"action": "Fișa de observație", "owner": "technician"}],
        }
        kept = rpc.record_journal_entry(coordinator, entry(contract, LAST_MONTH, 90, **details))
        assert kept["situations"] == details["situations"]
        blank = refused(
            rpc.record_journal_entry, coordinator, entry(contract, LAST_MONTH, 30, situations=[" "])
        )
        assert blank.exc_type == "InvalidJournalEntry" and "situations" in str(blank)
        twice = rpc.record_journal_entry(coordinator, entry(contract, LAST_MONTH, 90))
        withdrawal = {"contract_id": cid, "month": month(LAST_MONTH), "reason": "duplicate"}
        rpc.withdraw_journal_entry(coordinator, withdrawal | {"entry_id": twice["entry_id"]})
        again = refused(
            rpc.withdraw_journal_entry, coordinator, withdrawal | {"entry_id": twice["entry_id"]}
        )
        assert again.exc_type == "EntryAlreadyWithdrawn"
        assert rpc.coordination_hours(ADMIN, cid, month(LAST_MONTH))["minutes"] == 90

        events = outside.receive(3)
        for event in events:
            check_published(event)
            assert "ancheta" not in str(event) and case_id not in str(event)
            assert "lipsește" not in str(event)
        recorded = events[0]["data"]
        assert recorded["entry_id"] == kept["entry_id"]
        assert (recorded["cases_discussed"], recorded["follow_ups"]) == (1, 1)
        assert [e["data"]["month_minutes"] for e in events] == [90, 180, 90]
    finally:
        outside.close()
