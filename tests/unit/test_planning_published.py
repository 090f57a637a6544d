"""What the plan and journal publish, and the contracts speaking the
domain's vocabulary."""

import json

from events import contracts
from events.vocabulary import MEETING_CHANNELS, RECORDED_TASK_TYPES
from events.vocabulary.coordination import ENTRY_KINDS, EXTERNAL_ROLES, PRIORITY_SITUATIONS
from services.coordination.planning import limits as planning
from services.coordination.planning.plan import CoordinationPlan
from tests.support.planning import (
    CASE_ID,
    COORDINATOR,
    TERMS,
    TODAY,
    journal,
    record,
)
from tests.support.published import as_published


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
    assert entry["channel"]["enum"] == list(MEETING_CHANNELS)
    assert entry["kind"]["enum"] == list(ENTRY_KINDS)
    assert entry["external_roles"]["items"]["enum"] == list(EXTERNAL_ROLES)
    assert entry["minutes"]["maximum"] == planning.MAX_ENTRY_MINUTES
    plan = schema("events/coordination/CoordinationPlanVersioned.v1.schema.json")["properties"]
    # a plan stored before may name benefit_check (R4: no new one may)
    assert plan["delegable_tasks"]["propertyNames"]["enum"] == list(RECORDED_TASK_TYPES)
    assert plan["priorities"]["items"]["enum"] == list(PRIORITY_SITUATIONS)
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
