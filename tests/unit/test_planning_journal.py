"""The coordination journal (instrument D.3), as the coordinator keeps it and
the technician reads it; R6 summed from it, R1."""

from dataclasses import replace
from datetime import date

import pytest

from events.actor import Actor
from services.coordination.competence import (
    NoActiveCoordination,
)
from services.coordination.planning.domain import (
    EntryAlreadyWithdrawn,
    EntryOutsideContract,
    FutureJournalEntry,
    InvalidJournalEntry,
    InvalidMonth,
    JournalAccessDenied,
    JournalReadDenied,
    month_compliance,
    months_of,
)
from services.coordination.planning.journal_guards import check_may_read_journal
from tests.support.planning import (
    CASE_ID,
    COORDINATOR,
    COORDINATOR_ID,
    HEAD,
    TECHNICIAN,
    TECHNICIAN_ID,
    TERMS,
    TODAY,
    journal,
    record,
)


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


def test_r6_every_coordination_activity_counts_with_or_without_the_technician():
    """2.1 §2, 3.1: coordination hours are not only the meetings the technician
    attends: joint field visits, reviewing and validating reports (the
    coordinator alone), feedback sessions (E.3) and evaluation sessions are
    journal entries, and every minute of each counts."""
    november = journal()
    record(november, "2026-10-05", 600, kind="meeting")
    record(november, "2026-10-06", 600, kind="joint_field_work")
    review = record(
        november, "2026-10-07", 480, kind="report_review", participant_ids=[COORDINATOR_ID]
    )
    record(november, "2026-10-08", 360, kind="feedback_session")
    record(november, "2026-10-09", 360, kind="evaluation_session")
    assert november.entries[review]["participant_ids"] == [COORDINATOR_ID]
    assert (november.minutes, november.counted) == (2400, 5)
    hours = month_compliance(TERMS, "2026-10", november.minutes, november.counted, TODAY)
    assert (hours["hours"], hours["compliant"]) == (40.0, True)


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
        ({"participant_ids": [TECHNICIAN_ID]}, InvalidJournalEntry, "the coordinator takes part"),
        ({"kind": "supervision"}, InvalidJournalEntry, "'supervision' is not one of"),
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
