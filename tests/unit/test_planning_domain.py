"""The coordination plan (instrument C) and journal (instrument D.3), as the
coordinator keeps them and the technician reads them; R2, R6, R7 and R1."""

import json
from dataclasses import replace
from datetime import date

import pytest
from eventsourcing.application import Application

from events import contracts
from events.actor import Actor
from events.vocabulary import DELEGABLE_TASKS
from services.coordination import planning
from services.coordination.competence import EXCLUSIVE_ACTS
from services.coordination.planning import (
    ContractTerms,
    CoordinationJournal,
    CoordinationPlan,
    EntryAlreadyWithdrawn,
    EntryOutsideContract,
    ExclusiveActNotDelegable,
    FutureJournalEntry,
    InvalidJournalEntry,
    InvalidMonth,
    InvalidPlan,
    JournalAccessDenied,
    JournalReadDenied,
    NoActiveCoordination,
    PlanAccessDenied,
    PlanChangedMeanwhile,
    PlanNotFound,
    ReportingRuleViolated,
    check_may_read_journal,
    month_compliance,
    months_of,
)
from tests.support.published import as_published

COORDINATOR_ID = "11111111-1111-1111-1111-111111111111"
TECHNICIAN_ID = "22222222-2222-2222-2222-222222222222"
COORDINATOR = Actor(COORDINATOR_ID, "social_worker")
TECHNICIAN = Actor(TECHNICIAN_ID, "technician", "54975")
HEAD = Actor("head-1", "spas_head", "54975")
TODAY = date(2026, 11, 23)
TERMS = ContractTerms.of(
    {
        "contract_id": "33333333-3333-3333-3333-333333333333",
        "municipality": "54975",
        "technician_id": TECHNICIAN_ID,
        "coordinator_id": COORDINATOR_ID,
        "status": "active",
        "hours_per_month": 40,
        "starts_on": "2026-01-15",
        "ends_on": "2027-12-31",
    }
)
CASE_ID = "44444444-4444-4444-4444-444444444444"


def journal(month="2026-10"):
    return CoordinationJournal.open(COORDINATOR, TERMS, month)


def record(book, occurred_on="2026-10-07", minutes=60, **details):
    return book.record(
        COORDINATOR,
        TERMS,
        TODAY,
        occurred_on=occurred_on,
        minutes=minutes,
        channel=details.pop("channel", "in_person"),
        kind=details.pop("kind", "meeting"),
        **details,
    )


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
        list(planning.SECTIONS),
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
        ({"follow_up_from_months": 1}, "3–6 months after closure, not 1–6"),
        ({"follow_up_from_months": 5, "follow_up_until_months": 4}, "not 5–4"),
        ({"immediate_danger": "call_coordinator"}, "set by the rule, not by the plan"),
    ],
)
def test_r7_deadlines_are_tightened_never_loosened(reporting, says):
    with pytest.raises(ReportingRuleViolated, match=f"R7: .*{says}"):
        CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY, reporting=reporting)


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


# -- the journal -------------------------------------------------------------------
def test_r6_a_month_with_38_journal_hours_is_not_compliant_and_40_is():
    october = journal()
    for day, minutes in (("2026-10-05", 720), ("2026-10-12", 720), ("2026-10-19", 720)):
        record(october, day, minutes)
    record(october, "2026-10-26", 120)  # 38 h = 2280 minutes
    below = month_compliance(TERMS, "2026-10", october.minutes, october.counted, TODAY)
    assert below == {
        "contract_id": TERMS.contract_id,
        "month": "2026-10",
        "minutes": 2280,
        "hours": 38.0,
        "required": 40,
        "compliant": False,
        "entries": 4,
        "complete": True,
        "partial": False,
    }
    record(october, "2026-10-30", 120)  # 40 h exactly
    assert month_compliance(TERMS, "2026-10", october.minutes, 5, TODAY)["compliant"] is True


def test_the_first_month_is_partial_and_the_current_one_is_not_complete():
    january = month_compliance(TERMS, "2026-01", 2400, 10, TODAY)
    assert (january["partial"], january["complete"], january["compliant"]) == (True, True, True)
    november = month_compliance(TERMS, "2026-11", 0, 0, TODAY)
    assert (november["complete"], november["compliant"]) == (False, False)
    months = months_of(TERMS, TODAY)
    assert (months[0], months[-1], len(months)) == ("2026-01", "2026-11", 11)
    assert months_of(TERMS, date(2025, 12, 1)) == []


def test_an_entry_records_the_meeting_and_its_participants():
    october = journal()
    entry_id = record(
        october,
        minutes=20,
        channel="video",
        kind="meeting",
        external_roles=["school_staff"],
        case_ids=[CASE_ID],
        decisions=["Vizită de monitorizare săptămânală"],
        recommendations=["Contact cu școala"],
        follow_ups=[
            {"action": "Fișa de observație", "owner": "technician", "due_on": "2026-10-08"}
        ],
    )
    entry = october.entries[entry_id]
    assert entry["participant_ids"] == [COORDINATOR_ID, TECHNICIAN_ID]
    assert (entry["minutes"], entry["channel"], entry["case_ids"]) == (20, "video", [CASE_ID])
    assert entry["follow_ups"][0]["owner"] == "technician"


@pytest.mark.parametrize(
    ("changes", "error", "says"),
    [
        ({"minutes": 0}, InvalidJournalEntry, "positive number of minutes, not 0"),
        ({"minutes": -30}, InvalidJournalEntry, "positive number of minutes"),
        ({"minutes": 721}, InvalidJournalEntry, "at most 720 minutes"),
        ({"occurred_on": "2026-11-24"}, FutureJournalEntry, "after today"),
        ({"occurred_on": "2026-10-32"}, InvalidJournalEntry, "must be a date"),
        ({"channel": "telepathy"}, InvalidJournalEntry, "'telepathy' is not one of"),
        (
            {"participant_ids": ["55555555-5555-5555-5555-555555555555"]},
            InvalidJournalEntry,
            "name others by role",
        ),
        ({"participant_ids": [COORDINATOR_ID]}, InvalidJournalEntry, "technician takes part"),
        ({"external_roles": ["neighbour Ion"]}, InvalidJournalEntry, "is not one of"),
        ({"case_ids": ["case seven"]}, InvalidJournalEntry, "not a case id"),
        ({"decisions": ["  "]}, InvalidJournalEntry, "1 to 2000 characters"),
        (
            {"follow_ups": [{"action": "x", "owner": "technician", "due_on": "2026-10-01"}]},
            InvalidJournalEntry,
            "due on or after",
        ),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_recorded(changes, error, says):
    october = journal()
    with pytest.raises(error, match=says):
        record(october, **changes)
    assert october.entries == {}


def test_entries_fall_within_the_contract_and_their_month():
    january = journal("2026-01")
    with pytest.raises(EntryOutsideContract, match="2026-01-14 is outside contract"):
        record(january, "2026-01-14")
    record(january, "2026-01-15")
    with pytest.raises(InvalidJournalEntry, match="belongs to 2026-02"):
        record(january, "2026-02-02")
    with pytest.raises(InvalidMonth):
        journal("October")


def test_only_the_coordinator_keeps_the_journal_under_an_active_contract():
    october = journal()
    with pytest.raises(JournalAccessDenied, match="keeps its coordination journal"):
        october.record(
            TECHNICIAN,
            TERMS,
            TODAY,
            occurred_on="2026-10-07",
            minutes=30,
            channel="phone",
            kind="contact",
        )
    suspended = replace(TERMS, status="suspended")
    with pytest.raises(NoActiveCoordination, match="R1"):
        october.record(
            COORDINATOR,
            suspended,
            TODAY,
            occurred_on="2026-10-07",
            minutes=30,
            channel="phone",
            kind="contact",
        )


def test_entries_are_read_by_the_parties_and_auditors_only():
    for reader in (COORDINATOR, TECHNICIAN, Actor("a", "auditor")):
        check_may_read_journal(reader, TERMS)
    for reader in (HEAD, Actor("admin", "county_admin")):
        with pytest.raises(JournalReadDenied):
            check_may_read_journal(reader, TERMS)


def test_a_mistaken_entry_is_withdrawn_not_deleted_and_stops_counting():
    october = journal()
    kept, mistaken = record(october, minutes=90), record(october, minutes=600)
    october.withdraw(COORDINATOR, TERMS, mistaken, "wrong_duration")
    assert (october.minutes, october.counted, len(october.entries)) == (90, 1, 2)
    assert october.entries[mistaken]["withdrawn"] == "wrong_duration"
    with pytest.raises(EntryAlreadyWithdrawn):
        october.withdraw(COORDINATOR, TERMS, mistaken, "duplicate")
    with pytest.raises(JournalAccessDenied):
        october.withdraw(TECHNICIAN, TERMS, kept, "duplicate")


# -- the published contract ----------------------------------------------------------
def story_events():
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    plan.revise(
        COORDINATOR,
        TERMS,
        TODAY,
        {
            "objectives": [
                {"indicator": "field_visits_per_active_case", "target": 6, "period": "month"}
            ]
        },
    )
    october = journal()
    record(
        october,
        minutes=45,
        case_ids=[CASE_ID],
        decisions=["Decizie confidențială"],
        recommendations=["Recomandare confidențială"],
        follow_ups=[{"action": "Acțiune confidențială", "owner": "coordinator"}],
    )
    mistaken = record(october, minutes=30, channel="phone", kind="contact")
    october.withdraw(COORDINATOR, TERMS, mistaken, "duplicate")
    return [*plan.collect_events(), *october.collect_events()]


def published(event, position):
    return as_published(event, position)


def test_every_plan_and_journal_event_maps_to_a_publication_matching_its_schema():
    messages = [published(e, n) for n, e in enumerate(story_events(), start=1)]
    messages = [m for m in messages if m is not None]
    for message in messages:
        contracts.check_published(message)
    assert [m["type"].split(".")[-2] for m in messages] == [
        "CoordinationPlanVersioned",
        "CoordinationPlanVersioned",
        "JournalEntryRecorded",
        "JournalEntryRecorded",
        "JournalEntryWithdrawn",
    ]
    assert messages[1]["data"]["version"] == 2 and messages[1]["data"]["changed"] == ["objectives"]
    recorded = messages[2]["data"]
    assert (recorded["minutes"], recorded["cases_discussed"], recorded["follow_ups"]) == (45, 1, 1)
    assert messages[-1]["data"]["month_minutes"] == 45
    assert all(m["municipality"] == "54975" for m in messages)


def test_no_free_text_or_case_id_goes_on_the_bus():
    for n, event in enumerate(story_events(), start=1):
        message = published(event, n)
        if message is not None:
            text = json.dumps(message["data"], ensure_ascii=False)
            assert "confidențial" not in text and CASE_ID not in text


def test_the_contracts_speak_the_domain_vocabulary():
    def schema(path):
        return contracts.resolved(path)

    entry = schema("commands/coordination/record_journal_entry.schema.json")["properties"]
    assert entry["channel"]["enum"] == list(planning.MEETING_CHANNELS)
    assert entry["kind"]["enum"] == list(planning.ENTRY_KINDS)
    assert entry["external_roles"]["items"]["enum"] == list(planning.EXTERNAL_ROLES)
    assert entry["minutes"]["maximum"] == planning.MAX_ENTRY_MINUTES
    plan = schema("events/coordination/CoordinationPlanVersioned.v1.schema.json")["properties"]
    assert plan["delegable_tasks"]["propertyNames"]["enum"] == list(DELEGABLE_TASKS)
    assert plan["priorities"]["items"]["enum"] == list(planning.PRIORITY_SITUATIONS)
    assert (
        plan["reporting"]["properties"]["immediate_danger"]["const"]
        == (planning.FIXED_PROCEDURES["immediate_danger"])
    )
    period = plan["reporting"]["properties"]["evaluation_every_months"]
    assert (period["minimum"], period["maximum"]) == planning.EVALUATION_PERIOD
    assert set(plan["reporting"]["required"]) == set(planning.default_plan()["reporting"])
    for command, path in (
        ("draw_up_plan", ("properties", "reporting")),
        ("revise_plan", ("properties", "changes", "properties", "reporting")),
    ):
        reporting = schema(f"commands/coordination/{command}.schema.json")
        for key in path:
            reporting = reporting[key]
        assert set(reporting["properties"]) == set(planning.EDITABLE_REPORTING)
