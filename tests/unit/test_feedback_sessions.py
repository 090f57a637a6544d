"""Feedback sessions are journal entries, not a second record (issue 20
item 3; guide 2.1 §2, 3.1, instrument E.3): the coordinator records one in
the coordination journal, where it counts towards R6, with what went well
and what needs improving (3.1: "atât aspectele pozitive … cât și aspectele
ce necesită îmbunătățire"), the situations discussed and the actions agreed;
the technician adds their own view. The evaluations service follows the
journal's facts for the technician's record and the report to the
employer; sessions it recorded itself before stay there."""

import json
from dataclasses import replace
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking

from events import cloudevent
from services.coordination.competence import NoActiveCoordination
from services.coordination.planning.domain import (
    EntryAlreadyCommented,
    EntryAlreadyWithdrawn,
    InvalidJournalEntry,
    JournalAccessDenied,
    UnknownJournalEntry,
    month_compliance,
)
from services.coordination.published import publication_of as journal_published
from services.evaluations.application import EvaluationsApplication
from services.evaluations.projections import TechnicianRecords
from services.evaluations.report import technician_report
from tests.support.old_sessions import session_recorded_before
from tests.support.planning import (
    COORDINATOR,
    HEAD,
    TECHNICIAN,
    TECHNICIAN_ID,
    TERMS,
    TODAY,
    journal,
    record,
)
from tests.support.published import as_published
from tests.unit.test_evaluation_domain import COORDINATION, SW, TECH

AGREED = [{"action": "Fișele de observație în 24 de ore", "owner": "technician"}]


def feedback_session(book, occurred_on="2026-10-07", minutes=60, **details):
    return record(
        book,
        occurred_on,
        minutes,
        kind="feedback_session",
        situations=details.pop("situations", ["Vizitele la familia B."]),
        strengths=details.pop("strengths", "A câștigat încrederea familiei."),
        improvements=details.pop("improvements", "Fișele de observație mai detaliate."),
        follow_ups=details.pop("follow_ups", AGREED),
        **details,
    )


# -- in the journal -----------------------------------------------------------------
def test_a_feedback_session_is_a_journal_entry_that_counts_towards_the_40_hours():
    """2.1 §2, 3.1, E.3: the session is recorded once, in the journal, with
    its analysis; its minutes are coordination hours like a meeting's."""
    october = journal()
    for day in ("2026-10-05", "2026-10-12", "2026-10-19"):
        record(october, day, 720, kind="meeting")
    session = feedback_session(october, "2026-10-26", 120)
    entry = october.entries[session]
    assert (entry["kind"], entry["minutes"]) == ("feedback_session", 120)
    assert entry["strengths"] == "A câștigat încrederea familiei."
    assert entry["improvements"] == "Fișele de observație mai detaliate."
    assert entry["situations"] == ["Vizitele la familia B."]
    assert [f["action"] for f in entry["follow_ups"]] == [AGREED[0]["action"]]
    assert entry["technician_comment"] is None
    hours = month_compliance(TERMS, "2026-10", october.minutes, october.counted, TODAY)
    assert (hours["hours"], hours["compliant"]) == (38.0, False)
    feedback_session(october, "2026-10-27", 120)
    hours = month_compliance(TERMS, "2026-10", october.minutes, october.counted, TODAY)
    assert (hours["hours"], hours["compliant"]) == (40.0, True)


def test_what_went_well_and_what_to_improve_belong_to_a_feedback_session():
    october = journal()
    with pytest.raises(InvalidJournalEntry, match="recorded on a feedback session") as refused:
        record(october, kind="meeting", strengths="Punctual.")
    assert refused.value.details["field"] == "strengths"
    with pytest.raises(InvalidJournalEntry, match="at most 2000 characters"):
        feedback_session(october, improvements="x" * 2001)
    assert october.entries == {}
    quiet = feedback_session(october, strengths=None, improvements="  ")
    assert (october.entries[quiet]["strengths"], october.entries[quiet]["improvements"]) == (
        "",
        "",
    )


def test_the_technician_adds_their_own_view_to_a_feedback_session_once():
    """E.3: the technician adds their view; the coordinator's entry stays as
    written, and nobody else speaks for the technician."""
    october = journal()
    session, meeting = feedback_session(october), record(october, "2026-10-08")
    withdrawn = feedback_session(october, "2026-10-09")
    october.withdraw(COORDINATOR, TERMS, withdrawn, "duplicate")
    written = dict(october.entries[session])

    for who in (COORDINATOR, HEAD):
        with pytest.raises(JournalAccessDenied, match="the technician of contract"):
            october.comment(who, TERMS, session, "Util.")
    with pytest.raises(InvalidJournalEntry, match="is a meeting; the technician comments"):
        october.comment(TECHNICIAN, TERMS, meeting, "Util.")
    with pytest.raises(EntryAlreadyWithdrawn):
        october.comment(TECHNICIAN, TERMS, withdrawn, "Util.")
    with pytest.raises(UnknownJournalEntry):
        october.comment(TECHNICIAN, TERMS, str(uuid4()), "Util.")
    with pytest.raises(InvalidJournalEntry, match="1 to 2000 characters"):
        october.comment(TECHNICIAN, TERMS, session, "   ")
    suspended = replace(TERMS, status="suspended")
    with pytest.raises(NoActiveCoordination):
        october.comment(TECHNICIAN, suspended, session, "Util.")
    assert october.entries[session] == written

    october.comment(TECHNICIAN, TERMS, session, "Mi-a fost util exemplul cu fișa.")
    said = october.entries[session]["technician_comment"]
    assert said["comment"] == "Mi-a fost util exemplul cu fișa." and said["at"]
    with pytest.raises(EntryAlreadyCommented):
        october.comment(TECHNICIAN, TERMS, session, "Încă ceva.")
    assert {k: v for k, v in october.entries[session].items() if k != "technician_comment"} == {
        k: v for k, v in written.items() if k != "technician_comment"
    }


def test_what_the_session_said_stays_in_the_journal_and_only_its_facts_are_published():
    october = journal()
    session = feedback_session(october)
    october.comment(TECHNICIAN, TERMS, session, "Mi-a fost util.")
    bodies = [
        as_published(e, n, "coordination", journal_published)
        for n, e in enumerate(october.collect_events(), start=1)
    ]
    published = json.dumps([b for b in bodies if b], ensure_ascii=False)
    assert '"kind": "feedback_session"' in published and "JournalEntryCommented" in published
    for said in ("încrederea", "mai detaliate", "Vizitele", "Fișele", "Mi-a fost util"):
        assert said not in published


# -- followed by the evaluations service ------------------------------------------------
def delivered(app: EvaluationsApplication, events, since: int = 0) -> int:
    """The journal's events as the bus delivers what it publishes of them,
    one tracked position each; returns the last position."""
    position = since
    for event in events:
        body = as_published(event, position + 1, "coordination", journal_published)
        if body is None:
            continue
        position += 1
        parsed = cloudevent.parse(json.dumps(body))
        name = cloudevent.name_of(parsed.get_type())
        app.follow_coordination(name, parsed, Tracking("evaluations.on_coordination", position))
    return position


def test_the_technicians_record_counts_the_journals_sessions_and_those_recorded_before(
    tmp_path,
):
    """3.3: the report to the employer counts feedback sessions; they come
    from the journal now, and a session recorded by the evaluations service
    before still counts. A withdrawn entry is no session; another kind of
    entry is none either; a fact delivered twice counts once."""
    app = EvaluationsApplication(f"sqlite:///{tmp_path / 'evaluations.db'}")
    app.save(session_recorded_before(SW, TECH, COORDINATION, "2026-09-20", 30))
    october = journal()
    kept = feedback_session(october, "2026-10-07", 45)
    record(october, "2026-10-08", 60, kind="meeting")
    mistaken = feedback_session(october, "2026-10-09", 45)
    october.withdraw(COORDINATOR, TERMS, mistaken, "duplicate")
    october.comment(TECHNICIAN, TERMS, kept, "Util.")
    events = list(october.collect_events())
    recorded = [e for e in events if type(e).__name__ == "EntryRecorded"]
    position = delivered(app, events)
    delivered(app, recorded[:1], since=position)  # redelivered at a later position

    sessions = app.view(TechnicianRecords).of(TECHNICIAN_ID)["feedback_sessions"]
    assert [(s["held_on"], s["minutes"]) for s in sessions] == [
        ("2026-09-20", 30),
        ("2026-10-07", 45),
    ]
    assert sessions[1]["entry_id"] == kept
    record_of = app.view(TechnicianRecords).of(TECHNICIAN_ID)
    report = technician_report(record_of, "2026-09-01", "2026-10-31")
    assert report["results"]["feedback_sessions"] == 2
    october_only = technician_report(record_of, "2026-10-01", "2026-10-31")
    assert october_only["results"]["feedback_sessions"] == 1

