"""The reminders the coordination's events plan (R6): a contract's monthly
hours and its end, a delegated task's due time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from events.following import TeamView
from services.notifications.pending import PendingReminders
from services.notifications.reminder_planning import Batch, ReminderPlanning
from services.notifications.reminder_rules import (
    CONTRACT_ENDING,
    HOURS,
    OBSTACLE,
    OBSTACLE_ESCALATED,
    OBSTACLE_ESCALATION_AFTER,
    OBSTACLE_KINDS,
    TASK,
    contract_ending_at,
    contract_key,
    first_day,
    hours_text,
    month_end,
    month_of,
    reminder_id,
    shown,
    task_key,
)
from services.notifications.reminder_state import (
    Reminder,
)


class CoordinationReminders(ReminderPlanning):
    def _on_contract_activated(self, batch, data, municipality, now) -> None:
        contract_id = data["contract_id"]
        starts = date.fromisoformat(data["starts_on"])
        month = max(f"{starts.year:04d}-{starts.month:02d}", month_of(now))
        ends_on = data.get("ends_on")
        parties = {
            "contract_id": contract_id,
            "technician_id": data["technician_id"],
            "coordinator_id": data["coordinator_id"],
            "municipality": municipality,
        }
        if ends_on is None or first_day(month) <= date.fromisoformat(ends_on):
            self._schedule_hours(batch, parties, month, 0)
        if ends_on is not None:
            self._schedule_contract_ending(batch, parties, ends_on, now)

    def _schedule_hours(
        self, batch: Batch, parties: dict[str, Any], month: str, minutes: int
    ) -> Reminder:
        contract_id = parties["contract_id"]
        return self._schedule(
            batch,
            HOURS,
            contract_key(contract_id),
            month,
            month_end(month),
            [parties["coordinator_id"]],
            {"contract_id": contract_id, "month": month, "hours": hours_text(minutes)},
            {**parties, "month": month, "month_minutes": minutes},
        )

    def _schedule_contract_ending(self, batch, parties, ends_on: str, now: datetime) -> None:
        remind_at = contract_ending_at(date.fromisoformat(ends_on), now)
        if remind_at is None:
            return
        found = self._schedule(
            batch,
            CONTRACT_ENDING,
            contract_key(parties["contract_id"]),
            ends_on,
            remind_at,
            [parties["coordinator_id"], parties["technician_id"]],
            {"contract_id": parties["contract_id"], "ends_on": ends_on},
            {**parties, "ends_on": ends_on},
        )
        if found.status == "cancelled":  # amended away from this date, and back
            found.reschedule(self.actor, due_at=remind_at)

    def _on_contract_amended(self, batch, data, municipality, now) -> None:
        if "ends_on" not in data.get("changed", []):
            return
        contract_id, ends_on = data["contract_id"], data["ends_on"]
        for rid in self.view(PendingReminders).pending(contract_key(contract_id), CONTRACT_ENDING):
            reminder = batch.get(UUID(rid), Reminder)
            if reminder is not None and reminder.period != ends_on:
                reminder.cancel(self.actor, "ends_on_changed", now)
        contract = self.view(TeamView).contracts.get(contract_id)
        if ends_on is None or contract is None:
            return
        parties = {
            "contract_id": contract_id,
            "technician_id": contract["technician_id"],
            "coordinator_id": contract["coordinator_id"],
            "municipality": contract["municipality"] or municipality,
        }
        self._schedule_contract_ending(batch, parties, ends_on, now)

    def _on_contract_terminated(self, batch, data, municipality, now) -> None:
        key = contract_key(data["contract_id"])
        self._cancel_pending(batch, key, None, "contract_terminated", now)

    def _on_journal_changed(self, batch, data, municipality, now) -> None:
        """The month's journal total, as the coordination service counts it."""
        parties = {
            "contract_id": data["contract_id"],
            "technician_id": data["technician_id"],
            "coordinator_id": data["coordinator_id"],
            "municipality": municipality,
        }
        month, minutes = data["month"], data["month_minutes"]
        reminder = self._schedule_hours(batch, parties, month, minutes)
        if reminder.pending:
            reminder.reschedule(
                self.actor,
                fields={"hours": hours_text(minutes)},
                payload={"month_minutes": minutes},
            )

    def _on_task_delegated(self, batch, data, municipality, now) -> None:
        due = datetime.fromisoformat(data["due_at"])
        self._schedule(
            batch,
            TASK,
            task_key(data["task_id"]),
            "due",
            due,
            [data["technician_id"], data["coordinator_id"]],
            {"task_id": data["task_id"], "task_type": data["task_type"], "due_at": shown(due)},
            {
                "case_id": data.get("case_id"),
                "municipality": municipality,
                "task_id": data["task_id"],
                "task_type": data["task_type"],
                "contract_id": data["contract_id"],
                "technician_id": data["technician_id"],
                "coordinator_id": data["coordinator_id"],
                "due_at": data["due_at"],
            },
        )

    def _on_task_reassigned(self, batch, data, municipality, now) -> None:
        self._obstacle_answered(batch, data["task_id"], now)
        reminder = batch.get(reminder_id(TASK, task_key(data["task_id"]), "due"), Reminder)
        if reminder is None or not reminder.pending:
            return
        coordinator = reminder.payload.get("coordinator_id")
        reminder.reschedule(
            self.actor,
            recipients=[data["to_technician_id"], coordinator],
            payload={"technician_id": data["to_technician_id"], "contract_id": data["contract_id"]},
        )

    def _on_task_closed(self, batch, data, municipality, now) -> None:
        reminder = batch.get(reminder_id(TASK, task_key(data["task_id"]), "due"), Reminder)
        if reminder is not None:
            reminder.cancel(self.actor, "task_done", now)
        self._obstacle_answered(batch, data["task_id"], now)

    def _on_obstacle_reported(self, batch, data, municipality, now) -> None:
        """2.3.3: the coordinator is reminded when their answer is due, the
        SPAS head as long again after, unless it is answered first."""
        task = batch.get(reminder_id(TASK, task_key(data["task_id"]), "due"), Reminder)
        known = dict(task.payload) if task is not None else {}
        due = datetime.fromisoformat(data["answer_due_at"])
        fields = {
            "task_id": data["task_id"],
            "task_type": known.get("task_type", ""),
            "obstacle": data["obstacle"],
            "answer_due_at": shown(due),
        }
        payload = known | {"municipality": known.get("municipality") or municipality}
        payload |= {"task_id": data["task_id"], "obstacle": data["obstacle"]}
        coordinator = [known["coordinator_id"]] if "coordinator_id" in known else []
        key, after = task_key(data["task_id"]), due + OBSTACLE_ESCALATION_AFTER
        self._schedule(
            batch, OBSTACLE, key, data["answer_due_at"], due, coordinator, fields, payload
        )
        self._schedule(
            batch, OBSTACLE_ESCALATED, key, data["answer_due_at"], after, [], fields, payload
        )

    def _on_obstacle_answered(self, batch, data, municipality, now) -> None:
        self._obstacle_answered(batch, data["task_id"], now)
        if data.get("due_at"):  # a new deadline: the overdue reminder moves with it
            task = batch.get(reminder_id(TASK, task_key(data["task_id"]), "due"), Reminder)
            if task is not None and task.pending:
                due = datetime.fromisoformat(data["due_at"])
                task.reschedule(
                    self.actor,
                    due_at=due,
                    fields={"due_at": shown(due)},
                    payload={"due_at": data["due_at"]},
                )

    def _obstacle_answered(self, batch, task_id: str, now: datetime) -> None:
        for kind in OBSTACLE_KINDS:
            self._cancel_pending(batch, task_key(task_id), kind, "obstacle_answered", now)
