"""How reminders are planned: the aggregates one upstream event loads and
changes (``Batch``), and a reminder scheduled or cancelled. The planners of
each upstream service's events build on it (``reminders_cases``,
``reminders_coordination``); ``reminders`` holds the rules and the timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.store import ApplicationPart
from services.notifications.domain import Notification
from services.notifications.pending import PendingReminders
from services.notifications.reminder_rules import (
    case_record_id,
    reminder_id,
)
from services.notifications.reminder_state import (
    FollowedCase,
    Reminder,
)


# -- the application part -----------------------------------------------------------------
class Batch:
    """The aggregates one upstream event (or one firing) loads and changes:
    each loaded once, so two changes of one aggregate land on one copy."""

    def __init__(self, find: Callable[[UUID, type], Any]) -> None:
        self.find = find
        self.loaded: dict[UUID, Any] = {}

    def get(self, aggregate_id: UUID, kind: type) -> Any:
        if aggregate_id not in self.loaded:
            self.loaded[aggregate_id] = self.find(aggregate_id, kind)
        found = self.loaded[aggregate_id]
        return found if isinstance(found, kind) else None

    def add(self, aggregate: Any) -> Any:
        self.loaded[aggregate.id] = aggregate
        return aggregate

    def changed(self) -> list[Any]:
        return [a for a in self.loaded.values() if a is not None and a.pending_events]


class ReminderPlanning(ApplicationPart):
    actor: Actor
    tell: Callable[..., list[Notification]]  # people's notifications, and the webhooks' once
    notify_webhooks: Callable[..., list[Notification]]
    people_with_role: Callable[[str, str | None], list[str]]

    def _schedule(
        self,
        batch: Batch,
        kind: str,
        subject_key: str,
        period: str,
        due_at: datetime,
        recipients: list[str],
        fields: dict[str, Any],
        payload: dict[str, Any],
    ) -> Reminder:
        """The reminder, scheduled unless it exists already."""
        found = batch.get(reminder_id(kind, subject_key, period), Reminder)
        if found is not None:
            return found
        return batch.add(
            Reminder.schedule(
                self.actor, kind, subject_key, period, due_at, recipients, fields, payload
            )
        )

    def _cancel_pending(
        self,
        batch: Batch,
        subject_key: str,
        kind: str | None,
        reason: str,
        now: datetime,
        nested: bool = False,
    ) -> None:
        for rid in self.view(PendingReminders).pending(subject_key, kind, nested):
            found = batch.get(UUID(rid), Reminder)
            if found is not None:
                found.cancel(self.actor, reason, now)

    def _case(self, batch: Batch, case_id: str, municipality: str | None) -> FollowedCase:
        found = batch.get(case_record_id(case_id), FollowedCase)
        if found is None:  # a case referred before this service followed the cases
            found = batch.add(FollowedCase.note(self.actor, case_id, municipality))
        return found
