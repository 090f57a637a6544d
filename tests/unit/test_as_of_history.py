"""A record's history (issue 19, part 2, ``events.as_of.history``) on a
store of its own: each event with what it changed, and the versions its
reader was not among the record's readers, with when and who only — and
asking about them is no refusal on record."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, event

from events.actor import Actor
from events.as_of import history
from events.errors import CoordonareError, NotFound
from events.refusals import Refusal
from events.store import EventSourcedApplication

COORDINATOR = Actor("sw-1", "social_worker", None)


class Note(Aggregate):
    @event("Written")
    def __init__(self, text: str, readers: list[str]) -> None:
        self.text, self.readers = text, readers

    @event("Revised")
    def revise(self, text: str) -> None:
        self.text = text

    @event("Shared")
    def share(self, reader: str) -> None:
        self.readers = [*self.readers, reader]


class Notes(EventSourcedApplication):
    name = "notes"

    def read(self, reader: str, note_id: UUID) -> dict[str, Any]:
        note = self.find(note_id, Note)
        if note is None or reader not in note.readers:
            self.save(Refusal.record(COORDINATOR, "read", CoordonareError("not yours"), None))
            raise NotFound(f"no note {note_id} that you may see")
        return {"text": note.text, "readers": note.readers, "version": note.version}


@pytest.fixture
def notes(tmp_path) -> Any:
    app = Notes(f"sqlite:///{tmp_path / 'notes.db'}")
    yield app
    app.close()


def test_each_version_with_what_it_changed(notes: Notes) -> None:
    note = Note("prima", ["ana"])
    note.revise("a doua")
    notes.save(note)
    entries = history(notes, note.id, lambda: notes.read("ana", note.id))
    assert [e["version"] for e in entries] == [1, 2]
    assert entries[0]["event"] == "Note.Written"
    assert entries[1]["changed"] == {"text": {"before": "prima", "after": "a doua"}}
    assert entries[0]["position"] < entries[1]["position"]


def test_a_reader_added_later_sees_when_but_not_what_and_nothing_is_refused(notes: Notes) -> None:
    note = Note("prima", ["ana"])
    note.revise("a doua")
    note.share("ion")
    notes.save(note)
    stored = notes.chained_recorder.max_notification_id()

    entries = history(notes, note.id, lambda: notes.read("ion", note.id))

    assert [e["changed"] for e in entries[:2]] == [None, None]
    assert entries[2]["changed"]["readers"]["after"] == ["ana", "ion"]
    assert notes.chained_recorder.max_notification_id() == stored  # no refusal stored
    with pytest.raises(NotFound):  # today, someone who is not a reader is refused as ever
        history(notes, note.id, lambda: notes.read("maria", note.id))
    assert notes.chained_recorder.max_notification_id() == stored + 1
