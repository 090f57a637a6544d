"""The view of pending reminders: the notifications service's durable
timers (``reminders.py`` fires them, ``reminder_planning.py`` finds them
by subject)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime
from sys import intern
from typing import Any
from uuid import UUID

from events.pages import page_after
from events.topics import topics
from events.views import FollowedView
from services.notifications.reminder_rules import listed
from services.notifications.reminder_state import Reminder


@dataclass(slots=True)
class Pending:
    """What the timers keep of a pending reminder (its fields and texts stay
    in the store: ``for_recipient`` reads them when asked)."""

    subject: str
    kind: str
    due: datetime
    recipients: tuple[str, ...]
    listed: bool = True  # shown among what is coming (``reminder_rules.listed``)


class PendingReminders(FollowedView):
    """The pending reminders only: a reminder sent or cancelled leaves every
    index, so the view follows what is still to come, not the history."""

    TOPICS = topics(Reminder, "Scheduled", "Rescheduled", "Cancelled", "Sent")

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.reminders: dict[str, Pending] = {}  # pending reminder id -> its timer
        self._timers: list[tuple[datetime, str]] = []  # a heap; stale entries skipped
        self.of_subject: dict[str, dict[str, str]] = {}  # subject -> pending id -> kind
        self.nested: dict[str, set[str]] = {}  # "case/<id>" -> its subjects below it
        self.of_recipient: dict[str, set[str]] = {}  # person -> pending ids

    def apply(self, event: Any) -> None:
        rid = str(event.originator_id)
        # By class: the events made by @event("...") have their fields only at run time, so
        # the event stays Any to the type checker (each is a leaf class: as isinstance was).
        match type(event):
            case Reminder.Scheduled:
                self._listed(rid, event.subject_key, event.kind, event)
            case Reminder.Rescheduled if rid in self.reminders:
                pending = self.reminders[rid]
                pending.due, pending.listed = (
                    _moment(event.due_at),
                    listed(pending.kind, event.payload),
                )
                self._timed(rid, event.recipients)
            case Reminder.Rescheduled:  # a cancelled one, pending again: its subject is stored
                first = self.stored_of([event.originator_id], topics(Reminder, "Scheduled"))[0]
                self._listed(rid, first.subject_key, first.kind, event)
            case _:  # Cancelled, Sent
                self._ended(rid)

    def _listed(self, rid: str, subject_key: str, kind_: str, event: Any) -> None:
        subject, kind = intern(subject_key), intern(kind_)
        if subject not in self.of_subject:
            for parent in _parents(subject):
                self.nested.setdefault(parent, set()).add(subject)
        self.of_subject.setdefault(subject, {})[rid] = kind
        shown = listed(kind, event.payload)
        self.reminders[rid] = Pending(subject, kind, _moment(event.due_at), (), shown)
        self._timed(rid, event.recipients)

    def _timed(self, rid: str, recipients: list[str]) -> None:
        pending = self.reminders[rid]
        heapq.heappush(self._timers, (pending.due, rid))
        self._unlist(rid, pending.recipients)
        pending.recipients = tuple(intern(r) for r in recipients)
        for person in pending.recipients:
            self.of_recipient.setdefault(person, set()).add(rid)

    def _unlist(self, rid: str, recipients: tuple[str, ...]) -> None:
        for person in recipients:
            mine = self.of_recipient.get(person, set())
            mine.discard(rid)
            if not mine:
                self.of_recipient.pop(person, None)

    def _ended(self, rid: str) -> None:
        pending = self.reminders.pop(rid, None)
        if pending is None:
            return
        self._unlist(rid, pending.recipients)
        of_subject = self.of_subject.get(pending.subject, {})
        of_subject.pop(rid, None)
        if not of_subject:
            self.of_subject.pop(pending.subject, None)
            for parent in _parents(pending.subject):
                below = self.nested.get(parent, set())
                below.discard(pending.subject)
                if not below:
                    self.nested.pop(parent, None)

    def for_recipient(
        self, person: str, limit: int | None = None, cursor: str | None = None
    ) -> Any:
        """What is coming due for someone, the soonest first (by the moment:
        the offsets differ); what each says, read from the store. With
        ``limit``, one page after ``cursor`` (``events.pages``), and only that
        page's reminders are read: a technician may have hundreds coming."""
        mine = self.of_recipient.get(person, ())
        ids = [{"reminder_id": r} for r in mine if r in self.reminders and self.reminders[r].listed]

        def soonest(row: dict[str, Any]) -> tuple[str, str]:
            due = self.reminders[row["reminder_id"]].due
            return f"{due.timestamp():018.6f}", row["reminder_id"]  # fixed width: sorts as time

        if limit is None:
            return self._said(sorted(ids, key=soonest))
        page = page_after(ids, limit, cursor, soonest)
        return page | {"items": self._said(page["items"])}

    def _said(self, chosen: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The chosen reminders, in their order, as their stored events say."""
        rows = {
            r["reminder_id"]: {"reminder_id": r["reminder_id"], "kind": None, "period": None}
            for r in chosen
        }
        said = topics(Reminder, "Scheduled", "Rescheduled")
        for event in self.stored_of([UUID(rid) for rid in rows], said):
            row = rows[str(event.originator_id)]
            for name in ("kind", "period", "due_at", "recipients", "fields"):
                if hasattr(event, name):
                    row[name] = getattr(event, name)
        return list(rows.values())

    def due(self, now: datetime) -> list[str]:
        """Pending reminders whose time has come, the earliest first, from a
        heap: a timer's tick costs what is due, not all that is pending. They
        stay on the heap until sent or cancelled (a tick may leave one)."""
        found: list[tuple[datetime, str]] = []
        while self._timers and self._timers[0][0] <= now:
            at, rid = heapq.heappop(self._timers)
            pending = self.reminders.get(rid)
            if pending is not None and pending.due == at:  # else rescheduled or ended
                found.append((at, rid))
        for entry in found:
            heapq.heappush(self._timers, entry)
        return [rid for _, rid in sorted(set(found))]

    def pending(self, subject_key: str, kind: str | None = None, nested: bool = False) -> list[str]:
        """Pending reminders of a subject (``nested``: and of the subjects
        under it, e.g. a case's authors), of one kind or all."""
        subjects = [subject_key, *self.nested.get(subject_key, ())] if nested else [subject_key]
        return sorted(
            rid
            for subject in subjects
            for rid, k in self.of_subject.get(subject, {}).items()
            if kind is None or k == kind
        )


def _moment(due_at: str) -> datetime:
    return datetime.fromisoformat(due_at)


def _parents(subject: str) -> list[str]:
    """The subjects above one, by its kind/id pairs: "case/1/author/2" is
    under "case/1"."""
    parts = subject.split("/")
    return ["/".join(parts[:n]) for n in range(2, len(parts), 2)]
