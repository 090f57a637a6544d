"""Feedback sessions (E.3) as the evaluations service knows them.

A feedback session is a coordination activity like the others: the
coordinator records it in the coordination journal (kind
``feedback_session``), where it counts towards R6 (2.1 §2, 3.1) and where
the technician adds their own view. The journal is its one record. This
service follows the journal's published facts — when, how long, by which
channel, withdrawn or not — for the technician's record and the report to
the employer (3.3); what was said stays in the journal, read there by the
two parties and auditors (R9).

Sessions this service recorded itself before (``FeedbackSession``) stay in
its store and in the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.vocabulary.coordination import FEEDBACK_SESSION

# The coordination service's journal facts this service follows.
JOURNAL_FOLLOWED = ["JournalEntryRecorded", "JournalEntryWithdrawn"]


def followed_session_id(entry_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/evaluations/feedback-session/{entry_id}")


class FollowedSession(AuditedAggregate):
    """A feedback session of the journal, as its published fact said."""

    class Noted(Aggregate.Created, AuditedAggregate.Event):
        entry_id: str
        contract_id: str
        technician_id: str
        coordinator_id: str
        municipality: str | None
        held_on: str
        minutes: int
        channel: str

    class Withdrawn(AuditedAggregate.Event):
        reason: str

        def apply(self, session: FollowedSession) -> None:
            session.withdrawn = self.reason

    def __init__(self, entry_id: str, technician_id: str, **_: Any) -> None:
        self.entry_id, self.technician_id = entry_id, technician_id
        self.withdrawn: str | None = None


def session_fact(
    name: str,
    data: dict[str, Any],
    municipality: str | None,
    find: Callable[[UUID], FollowedSession | None],
    actor: Actor,
) -> FollowedSession | None:
    """The followed session a journal fact creates or withdraws (unsaved), or
    None: another kind of entry (not looked up: most entries are meetings),
    or a fact already taken."""
    if name == "JournalEntryRecorded" and data["kind"] != FEEDBACK_SESSION:
        return None
    found = find(followed_session_id(data["entry_id"]))
    fields = actor.event_fields()
    if name == "JournalEntryRecorded":
        if found is not None:
            return None
        return FollowedSession._create(
            FollowedSession.Noted,
            id=followed_session_id(data["entry_id"]),
            entry_id=data["entry_id"],
            contract_id=data["contract_id"],
            technician_id=data["technician_id"],
            coordinator_id=data["coordinator_id"],
            municipality=municipality,
            held_on=data["occurred_on"],
            minutes=data["minutes"],
            channel=data["channel"],
            **fields,
        )
    if name == "JournalEntryWithdrawn" and found is not None and found.withdrawn is None:
        found.trigger_event(FollowedSession.Withdrawn, reason=data["reason"], **fields)
        return found
    return None
