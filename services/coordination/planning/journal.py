"""The coordination journal (instrument D.3): every coordination activity of
the coordinator with or for the technician (meetings, joint field work,
report reviews, feedback and evaluation sessions), the rules on each entry,
and ``CoordinationJournal``.

The journal is one aggregate per contract and calendar month: R6 is a
monthly figure, so one month is one small aggregate to load (not the whole
history of a contract), and two months never contend for the same version.

Pure domain: no nameko, no database.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.topics import moved
from events.vocabulary import MEETING_CHANNELS
from events.vocabulary.coordination import (
    ENTRY_KINDS,
    EXTERNAL_ROLES,
    FEEDBACK_SESSION,
    WITHDRAWAL_REASONS,
)
from services.coordination.planning.domain import (
    IDS,
    ContractTerms,
    EntryAlreadyCommented,
    EntryAlreadyWithdrawn,
    InvalidJournalEntry,
    UnknownJournalEntry,
    month_of,
    one_of,
    parse_month,
    unique,
)
from services.coordination.planning.entry_checks import (
    check_case_ids,
    check_entry_day,
    check_feedback,
    check_follow_ups,
    check_minutes,
    check_participants,
    check_texts,
    parse_day,
)
from services.coordination.planning.journal_guards import (
    check_comments_feedback,
    check_keeps_journal,
)


def journal_month(actor: Actor, terms: ContractTerms, occurred_on: Any) -> str:
    """Which month's journal an entry goes to, once the actor may keep it."""
    check_keeps_journal(actor, terms)
    return month_of(parse_day(occurred_on, "occurred_on"))


def journal_id(contract_id: UUID | str, month: str) -> UUID:
    return uuid5(IDS, f"journal:{contract_id}:{month}")


# -- the journal (one contract, one month) -------------------------------------
class CoordinationJournal(AuditedAggregate):
    class Opened(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str
        month: str

    class Parties(AuditedAggregate.Event):
        """On every entry event, so the published contract reads from the
        event alone."""

        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str
        month: str

    class EntryRecorded(Parties):
        entry_id: str
        occurred_on: str
        minutes: int
        channel: str
        kind: str
        participant_ids: list[str]
        external_roles: list[str]
        case_ids: list[str]
        situations: list[str]  # the situations discussed (3.3 §3a), in a sentence each
        decisions: list[str]
        recommendations: list[str]
        follow_ups: list[dict[str, Any]]
        # a feedback session's (E.3): what went well, what to improve
        strengths: str
        improvements: str
        month_minutes: int

        # v2: the situations discussed; an entry of before said none
        # v3: a feedback session's strengths and improvements; none before
        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["situations"] = []

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["strengths"] = state["improvements"] = ""

    class EntryWithdrawn(Parties):
        entry_id: str
        reason: str
        minutes: int
        month_minutes: int

    class EntryCommented(Parties):
        """The technician's own view of a feedback session (E.3)."""

        entry_id: str
        comment: str

        def apply(self, journal: CoordinationJournal) -> None:
            journal.entries[self.entry_id]["technician_comment"] = {
                "comment": self.comment,
                "at": self.timestamp.isoformat(),
            }

    def __init__(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        month: str,
        **_meta: str,
    ) -> None:
        self.contract_id, self.municipality, self.month = contract_id, municipality, month
        self.technician_id, self.coordinator_id = technician_id, coordinator_id
        self.entries: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, actor: Actor, terms: ContractTerms, month: str) -> CoordinationJournal:
        parse_month(month)
        return cls._create(
            cls.Opened,
            id=journal_id(terms.contract_id, month),
            month=month,
            **terms.parties(),
            **actor.event_fields(),
        )

    @property
    def minutes(self) -> int:
        """Coordination time of the month: withdrawn entries do not count."""
        return sum(e["minutes"] for e in self.entries.values() if e["withdrawn"] is None)

    @property
    def counted(self) -> int:
        return sum(1 for e in self.entries.values() if e["withdrawn"] is None)

    def record(
        self,
        actor: Actor,
        terms: ContractTerms,
        today: date,
        *,
        occurred_on: str,
        minutes: int,
        channel: str,
        kind: str,
        participant_ids: list[str] | None = None,
        external_roles: Iterable[str] = (),
        case_ids: Iterable[str] = (),
        situations: Iterable[str] = (),
        decisions: Iterable[str] = (),
        recommendations: Iterable[str] = (),
        follow_ups: Iterable[Mapping[str, Any]] = (),
        strengths: Any = "",
        improvements: Any = "",
    ) -> str:
        """A coordination activity of the month (``ENTRY_KINDS``: meetings,
        joint field work, report reviews, feedback and evaluation sessions);
        returns the entry id. Each counts towards R6 in full. A feedback
        session also says what went well and what to improve, and its
        agreed actions are its follow-ups."""
        check_keeps_journal(actor, terms)
        day = check_entry_day(occurred_on, terms, today)
        if month_of(day) != self.month:
            raise InvalidJournalEntry(
                f"{day.isoformat()} belongs to {month_of(day)}, not {self.month}",
                field="occurred_on",
            )
        minutes = check_minutes(minutes)
        kind = one_of(kind, ENTRY_KINDS, "kind", InvalidJournalEntry)
        feedback = check_feedback(kind == FEEDBACK_SESSION, strengths, improvements)
        entry_id = str(uuid.uuid4())
        self._entry_recorded(
            **self._parties(),
            entry_id=entry_id,
            occurred_on=day.isoformat(),
            minutes=minutes,
            channel=one_of(channel, MEETING_CHANNELS, "channel", InvalidJournalEntry),
            kind=kind,
            participant_ids=check_participants(participant_ids, terms),
            external_roles=[
                one_of(r, EXTERNAL_ROLES, "external_roles", InvalidJournalEntry)
                for r in unique(external_roles, "external_roles", InvalidJournalEntry)
            ],
            case_ids=check_case_ids(case_ids),
            situations=check_texts(situations, "situations"),
            decisions=check_texts(decisions, "decisions"),
            recommendations=check_texts(recommendations, "recommendations"),
            follow_ups=check_follow_ups(follow_ups, day),
            **feedback,
            month_minutes=self.minutes + minutes,
            timestamp=None,  # the library stamps the event
            **actor.event_fields(),
        )
        return entry_id

    def withdraw(self, actor: Actor, terms: ContractTerms, entry_id: str, reason: str) -> None:
        """Nothing is deleted: a mistaken entry is withdrawn (it stays in the
        journal, marked) and no longer counts towards R6."""
        check_keeps_journal(actor, terms)
        entry = self._entry(entry_id)
        if entry["withdrawn"] is not None:
            raise EntryAlreadyWithdrawn(f"entry {entry_id} is already withdrawn")
        self._entry_withdrawn(
            **self._parties(),
            entry_id=entry_id,
            reason=one_of(reason, WITHDRAWAL_REASONS, "reason", InvalidJournalEntry),
            minutes=entry["minutes"],
            month_minutes=self.minutes - entry["minutes"],
            **actor.event_fields(),
        )

    def comment(self, actor: Actor, terms: ContractTerms, entry_id: str, comment: Any) -> None:
        """The technician adds their own view to a feedback session (E.3),
        once; the coordinator's entry stays as it was written."""
        check_comments_feedback(actor, terms)
        entry = self._entry(entry_id)
        if entry["kind"] != FEEDBACK_SESSION:
            raise InvalidJournalEntry(
                f"entry {entry_id} is a {entry['kind']}; the technician comments on "
                "feedback sessions",
                field="entry_id",
            )
        if entry["withdrawn"] is not None:
            raise EntryAlreadyWithdrawn(f"entry {entry_id} was withdrawn")
        if entry["technician_comment"] is not None:
            raise EntryAlreadyCommented(
                f"you added your view to feedback session {entry_id} already"
            )
        self.trigger_event(
            self.EntryCommented,
            **self._parties(),
            entry_id=entry_id,
            comment=check_texts([comment or ""], "comment")[0],
            **actor.event_fields(),
        )

    def _entry(self, entry_id: str) -> dict[str, Any]:
        entry = self.entries.get(entry_id)
        if entry is None:
            raise UnknownJournalEntry(
                f"no entry {entry_id} in the {self.month} journal of contract {self.contract_id}",
                entry_id=entry_id,
            )
        return entry

    @event(EntryRecorded)
    def _entry_recorded(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        month: str,
        entry_id: str,
        occurred_on: str,
        minutes: int,
        channel: str,
        kind: str,
        participant_ids: list[str],
        external_roles: list[str],
        case_ids: list[str],
        situations: list[str],
        decisions: list[str],
        recommendations: list[str],
        follow_ups: list[dict[str, Any]],
        strengths: str,
        improvements: str,
        month_minutes: int,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
        timestamp: datetime | None = None,
    ) -> None:
        """Calling it records ``EntryRecorded``; its body applies the event (the
        parties and the running total are for the event's readers)."""
        self.entries[entry_id] = {
            "entry_id": entry_id,
            "occurred_on": occurred_on,
            "minutes": minutes,
            "channel": channel,
            "kind": kind,
            "participant_ids": list(participant_ids),
            "external_roles": list(external_roles),
            "case_ids": list(case_ids),
            "situations": list(situations),
            "decisions": list(decisions),
            "recommendations": list(recommendations),
            "follow_ups": copy.deepcopy(follow_ups),
            "strengths": strengths,
            "improvements": improvements,
            "technician_comment": None,
            "recorded_at": timestamp.isoformat() if timestamp else None,
            "recorded_by": actor_id,
            "withdrawn": None,
        }

    @event(EntryWithdrawn)
    def _entry_withdrawn(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        month: str,
        entry_id: str,
        reason: str,
        minutes: int,
        month_minutes: int,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.entries[entry_id]["withdrawn"] = reason

    def _parties(self) -> dict[str, str]:
        return {
            "contract_id": self.contract_id,
            "municipality": self.municipality,
            "technician_id": self.technician_id,
            "coordinator_id": self.coordinator_id,
            "month": self.month,
        }


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.coordination.planning:CoordinationJournal", CoordinationJournal)
