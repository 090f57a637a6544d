"""Plans and journals stored before the capability folders (ADR 0016), when
both aggregates lived in one ``services.coordination.planning`` module, still
load: every version of the plan, every entry of the journal, and the month's
hours the journal view sums."""

import json
import sqlite3
from pathlib import Path

from services.coordination.application import CoordinationApplication
from services.coordination.planning.journal import journal_id
from services.coordination.planning.plan import CoordinationPlan, plan_id
from services.coordination.planning.views import JournalMonths
from tests.support.planning import COORDINATOR, TECHNICIAN, TERMS, TODAY, journal, record
from tests.support.stored_topics import stored_as_before

OLD_MODULE = "services.coordination.planning"


def stored_before_the_folders(store: Path) -> None:
    """Rewrite the store as the previous version wrote it: the old module in
    each event's topic and in the aggregate topic of each created event."""
    stored_as_before(store, {f"{OLD_MODULE}.{m}:": f"{OLD_MODULE}:" for m in ("plan", "journal")})
    db = sqlite3.connect(store)
    assert {t for (t,) in db.execute("SELECT topic FROM coordination_events")} == {
        f"{OLD_MODULE}:CoordinationPlan.Opened",
        f"{OLD_MODULE}:CoordinationPlan.Versioned",
        f"{OLD_MODULE}:CoordinationJournal.Opened",
        f"{OLD_MODULE}:CoordinationJournal.EntryRecorded",
        f"{OLD_MODULE}:CoordinationJournal.EntryWithdrawn",
    }
    db.close()


def test_a_plan_and_a_journal_stored_under_the_old_topics_still_load(tmp_path):
    store = tmp_path / "coordination.db"
    before = CoordinationApplication(f"sqlite:///{store}")
    plan = CoordinationPlan.draw_up(COORDINATOR, TERMS, TODAY)
    plan.revise(COORDINATOR, TERMS, TODAY, {"channels": ["phone"]})
    october = journal()
    mistaken = record(october, minutes=60)
    record(october, "2026-10-08", minutes=30)
    october.withdraw(COORDINATOR, TERMS, mistaken, "duplicate")
    before.save(plan, october)
    stored_before_the_folders(store)

    after = CoordinationApplication(f"sqlite:///{store}")
    read = after.repository.get(plan_id(TERMS.contract_id))
    assert (read.number, read.history, read.content) == (2, plan.history, plan.content)
    month = after.repository.get(journal_id(TERMS.contract_id, "2026-10"))
    assert (month.minutes, month.counted, month.entries) == (30, 1, october.entries)
    assert after.view(JournalMonths).of(TERMS.contract_id, "2026-10") == (30, 1)


def entries_stored_as_version(store: Path, version: int, *dropped: str) -> None:
    """Rewrite each stored entry as an earlier event version wrote it: its
    class version, and without the fields that version did not have."""
    db = sqlite3.connect(store)
    for rowid, state in db.execute(
        "SELECT rowid, state FROM coordination_events WHERE topic LIKE '%EntryRecorded'"
    ).fetchall():
        stored = json.loads(state)
        assert stored.pop("class_version") == 3
        for field in dropped:
            del stored[field]
        if version > 1:
            stored["class_version"] = version
        db.execute(
            "UPDATE coordination_events SET state = ? WHERE rowid = ?",
            (json.dumps(stored).encode(), rowid),
        )
    db.commit()
    db.close()


def test_an_entry_stored_before_the_situations_discussed_loads_with_none(tmp_path):
    """3.3 §3a: entries now record the situations discussed; one stored
    before (no field, event version 1) reads as having named none."""
    store = tmp_path / "coordination.db"
    before = CoordinationApplication(f"sqlite:///{store}")
    october = journal()
    entry = record(october, situations=["Familia cere sprijin pentru chirie"])
    before.save(october)
    entries_stored_as_version(store, 1, "situations", "strengths", "improvements")

    after = CoordinationApplication(f"sqlite:///{store}")
    month = after.repository.get(journal_id(TERMS.contract_id, "2026-10"))
    assert month.entries[entry]["situations"] == []
    assert month.minutes == october.minutes


def test_a_feedback_session_stored_before_its_strengths_loads_with_none_said(tmp_path):
    """E.3: a feedback session now records what went well and what to
    improve; one stored before (event version 2) reads as having said
    neither, keeps its minutes, and still takes the technician's view."""
    store = tmp_path / "coordination.db"
    before = CoordinationApplication(f"sqlite:///{store}")
    october = journal()
    entry = record(october, kind="feedback_session", situations=["Termenele fișelor"])
    before.save(october)
    entries_stored_as_version(store, 2, "strengths", "improvements")

    after = CoordinationApplication(f"sqlite:///{store}")
    month = after.repository.get(journal_id(TERMS.contract_id, "2026-10"))
    said = month.entries[entry]
    assert (said["strengths"], said["improvements"], said["situations"]) == (
        "",
        "",
        ["Termenele fișelor"],
    )
    assert (said["technician_comment"], month.minutes) == (None, october.minutes)
    month.comment(TECHNICIAN, TERMS, entry, "Mi-a folosit.")
    assert month.entries[entry]["technician_comment"]["comment"] == "Mi-a folosit."
