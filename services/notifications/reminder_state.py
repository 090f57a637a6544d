"""What the reminders keep (``reminders.py`` tells the rules): the
``Reminder`` aggregate, the facts followed from the cases service, and the
view of pending reminders, which is the service's durable timers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from services.notifications.reminder_rules import (
    case_record_id,
    covers,
    moment,
    reminder_id,
)


# -- the aggregates -----------------------------------------------------------------------
class Reminder(AuditedAggregate):
    """``fields``: what the kind's template says; ``payload``: ids, codes and
    dates for the notification (never a name)."""

    class Scheduled(Aggregate.Created, AuditedAggregate.Event):
        kind: str
        subject_key: str
        period: str
        due_at: str
        recipients: list[str]
        fields: dict[str, Any]
        payload: dict[str, Any]

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    Rescheduled: ClassVar[type[Any]]

    def __init__(
        self,
        kind: str,
        subject_key: str,
        period: str,
        due_at: str,
        recipients: list[str],
        fields: dict[str, Any],
        payload: dict[str, Any],
    ) -> None:
        self.kind, self.subject_key, self.period = kind, subject_key, period
        self.due_at, self.recipients = due_at, list(recipients)
        self.fields, self.payload = dict(fields), dict(payload)
        self.status = "pending"
        self.cancelled_because: str | None = None
        self.sent_at: str | None = None
        self.sent_to: list[str] = []

    @classmethod
    def schedule(
        cls,
        actor: Actor,
        kind: str,
        subject_key: str,
        period: str,
        due_at: datetime,
        recipients: list[str],
        fields: dict[str, Any],
        payload: dict[str, Any],
    ) -> Reminder:
        return cls._create(
            cls.Scheduled,
            id=reminder_id(kind, subject_key, period),
            kind=kind,
            subject_key=subject_key,
            period=period,
            due_at=moment(due_at),
            recipients=_unique(recipients),
            fields=fields,
            payload={"kind": kind, **payload},
            **actor.event_fields(),
        )

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    def is_due(self, now: datetime) -> bool:
        return self.pending and datetime.fromisoformat(self.due_at) <= now

    def reschedule(
        self,
        actor: Actor,
        *,
        due_at: datetime | None = None,
        recipients: list[str] | None = None,
        fields: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> bool:
        """Changes what is not sent yet (a cancelled one is pending again);
        False when sent already or when nothing changes."""
        if self.status == "sent":
            return False
        new: dict[str, Any] = {
            "due_at": moment(due_at) if due_at is not None else self.due_at,
            "recipients": _unique(recipients) if recipients is not None else self.recipients,
            "fields": self.fields | (fields or {}),
            "payload": self.payload | (payload or {}),
        }
        old = {k: getattr(self, k) for k in new}
        if new == old and self.pending:
            return False
        self._rescheduled(
            new["due_at"], new["recipients"], new["fields"], new["payload"], **actor.event_fields()
        )
        return True

    @event("Rescheduled")
    def _rescheduled(
        self,
        due_at: str,
        recipients: list[str],
        fields: dict[str, Any],
        payload: dict[str, Any],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.due_at, self.recipients = due_at, list(recipients)
        self.fields, self.payload = dict(fields), dict(payload)
        self.status, self.cancelled_because = "pending", None

    def cancel(self, actor: Actor, reason: str, now: datetime) -> bool:
        if not self.pending:
            return False
        self._cancelled(reason, moment(now), **actor.event_fields())
        return True

    @event("Cancelled")
    def _cancelled(
        self, reason: str, at: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.status, self.cancelled_because = "cancelled", reason

    def mark_sent(self, actor: Actor, recipients: list[str], now: datetime) -> None:
        self._sent(moment(now), _unique(recipients), **actor.event_fields())

    @event("Sent")
    def _sent(
        self, at: str, recipients: list[str], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        """``recipients``: who was told, in the end."""
        self.status, self.sent_at = "sent", at
        self.sent_to = list(recipients)


class FollowedCase(AuditedAggregate):
    """A case as the reminders need it: stage, team, the months a progress
    report was submitted for, and the observation sheets each author
    submitted (their observation moments)."""

    class Noted(Aggregate.Created, AuditedAggregate.Event):
        case_id: str
        municipality: str | None
        technicians: list[str]
        social_worker_id: str | None
        stage: str

    def __init__(
        self,
        case_id: str,
        municipality: str | None,
        technicians: list[str],
        social_worker_id: str | None,
        stage: str,
    ) -> None:
        self.case_id, self.municipality = case_id, municipality
        self.technicians, self.social_worker_id = list(technicians), social_worker_id
        self.stage = stage
        self.reported: list[str] = []
        self.sheets: dict[str, list[str | None]] = {}

    @classmethod
    def note(
        cls,
        actor: Actor,
        case_id: str,
        municipality: str | None,
        technicians: list[str] | None = None,
        social_worker_id: str | None = None,
        stage: str = "unknown",
    ) -> FollowedCase:
        return cls._create(
            cls.Noted,
            id=case_record_id(case_id),
            case_id=case_id,
            municipality=municipality,
            technicians=list(technicians or []),
            social_worker_id=social_worker_id,
            stage=stage,
            **actor.event_fields(),
        )

    def change(self, actor: Actor, **changes: Any) -> None:
        changes = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if changes:
            self._changed(changes, **actor.event_fields())

    @event("Changed")
    def _changed(
        self, changes: dict[str, Any], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        for key, value in changes.items():
            setattr(self, key, value)

    @property
    def team(self) -> list[str]:
        return _unique([*self.technicians, self.social_worker_id])

    def sheet_submitted(self, actor: Actor, author_id: str, occurred_at: str | None) -> None:
        sheets = {k: list(v) for k, v in self.sheets.items()}
        sheets.setdefault(author_id, []).append(occurred_at)
        self.change(actor, sheets=sheets)

    def has_sheet(self, author_id: str, visit_occurred_at: str) -> bool:
        return any(covers(s, visit_occurred_at) for s in self.sheets.get(author_id, []))


class FollowedDocument(AuditedAggregate):
    """A case's document: what its later ``DocumentSubmitted``, or a refused
    revision of it, is about (both name only the document). Documents
    drafted before every kind was noted (only observation sheets and
    progress reports were) are simply not found."""

    class Noted(Aggregate.Created, AuditedAggregate.Event):
        document_id: str
        case_id: str
        kind: str
        author_id: str
        occurred_at: str | None
        period: str | None

    def __init__(
        self,
        document_id: str,
        case_id: str,
        kind: str,
        author_id: str,
        occurred_at: str | None,
        period: str | None,
    ) -> None:
        self.document_id, self.case_id, self.kind = document_id, case_id, kind
        self.author_id, self.occurred_at, self.period = author_id, occurred_at, period
        self.submitted = False

    @event("Submitted")
    def mark_submitted(
        self, version: int, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.submitted = True


# Stored, never published: ``published.py`` lists them as internal.
INTERNAL_EVENTS = (Reminder.Event, FollowedCase.Event, FollowedDocument.Event)


def _unique(ids: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(i for i in ids if i))
