"""Reminders and compliance (R6, R7, R8): durable timers kept as events of
this service's own store, each with its audience and a text in Romanian
(English second). A mixin of ``NotificationsApplication``.

A ``Reminder`` is one thing to remind, once: scheduled from an upstream
event with a due time and the people it is for, possibly rescheduled
(a contract amended, a task reassigned, the month's journal minutes
changed), then either cancelled (what it was about happened, or stopped
mattering) or sent. Its id is derived from its kind, its subject and its
period, so the same upstream fact never schedules it twice. The pending
ones and their due times are a view of the store (``PendingReminders``):
a restarted replica finds every timer where it was.

What the reminders need to know of the cases (stage, team, which documents
were submitted) is kept as facts of this service (``FollowedCase``,
``FollowedDocument``): the published events carry ids only, and a
``DocumentSubmitted`` names its document but not its case, kind or author.

The rules, as implemented (times are the county's, ``Europe/Bucharest``,
like the months of the journal and of the progress reports):

1. ``observation_sheet_due`` (R7): a visit report drafted by a technician
   needs its observation sheet within 24 hours of the visit (or the
   coordination plan's tighter term). The author is reminded at five
   sixths of the term (20 h after a visit, for 24 h), unless by then the
   same author submitted an observation sheet of the same case recording
   an observation within 12 hours of the visit (``SAME_VISIT``; submitted
   before the visit report was drafted counts too). Closing the case
   cancels it: nothing can be submitted on a closed case.
2. ``progress_report_missing`` (R7): a case in intervention or monitoring
   owes a progress report for every month it was active in, starting with
   the month it became active. On the 5th of the next month, at 09:00, if
   the case is still active and no progress report of that month was
   submitted, its technicians and social worker are reminded. Each monthly
   check schedules the next one while the case stays active.
3. ``coordination_hours_low`` (R6): from the month a contract is activated
   in (or the first month the journal has an entry for), each month is
   checked at its end (00:00 of the next month): under 40 hours
   (2,400 minutes, from the journal's ``month_minutes``), the coordinator
   and the SPAS head of the technician's municipality are reminded. A month
   with no journal entry at all is caught too (0 hours). Each monthly check
   schedules the next while the contract lasts; a suspended contract's month
   is not reminded, a terminated contract's checks are cancelled. An entry
   recorded for a month already checked changes nothing (the reminder went
   out, or was not needed); one for a month not yet scheduled schedules it.
   The threshold is R6's 40 hours, not a contract's higher hours_per_month.
4. ``follow_up_due`` (R8): a case closed with a follow-up window reminds its
   social worker and technicians on ``follow_up_from`` at 09:00, unless its
   follow-up began (or it was archived) first.
5. ``contract_ending``: the coordinator, the technician and the SPAS head,
   30 days before ``ends_on`` (09:00), at once when less remains; an
   amended end date schedules anew, a terminated contract cancels it.
6. ``task_overdue``: at a delegated task's ``due_at``, the technician who
   holds it (after any reassignment) and the coordinator, unless it was
   completed or cancelled first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from events.actor import Actor
from events.clock import LOCAL_TIME
from events.following import TeamView
from events.store import ApplicationPart
from services.notifications.domain import Notification
from services.notifications.reminder_rules import (
    ACTIVE_STAGES,
    CONTRACT_ENDING,
    FOLLOW_UP,
    HOURS,
    OBSERVATION,
    OBSERVATION_SHEET_HOURS,
    PROGRESS,
    TASK,
    author_key,
    case_key,
    case_record_id,
    contract_ending_at,
    contract_ending_verdict,
    contract_key,
    covers,
    document_record_id,
    first_day,
    follow_up_verdict,
    hours_text,
    hours_verdict,
    moment,
    month_end,
    month_of,
    next_month,
    observation_times,
    on_day,
    progress_check_at,
    progress_verdict,
    reminder_id,
    shown,
    task_key,
)
from services.notifications.reminder_state import (
    FollowedCase,
    FollowedDocument,
    PendingReminders,
    Reminder,
    _unique,
)

CASES_EVENTS = [
    "CaseReferred",
    "CaseTechnicianAssigned",
    "CaseTechnicianReleased",
    "CaseInterventionStarted",
    "CaseMonitoringStarted",
    "CaseClosed",
    "CaseFollowUpBegun",
    "CaseArchived",
    "DocumentDrafted",
    "DocumentSubmitted",
]
COORDINATION_EVENTS = [
    "ContractActivated",
    "ContractAmended",
    "ContractTerminated",
    "JournalEntryRecorded",
    "JournalEntryWithdrawn",
    "TaskDelegated",
    "TaskReassigned",
    "TaskCompleted",
    "TaskCancelled",
]


# -- the application part -----------------------------------------------------------------
class _Batch:
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


class Reminders(ApplicationPart):
    actor: Actor
    notify: Callable[..., list[Notification]]
    notify_webhooks: Callable[..., list[Notification]]
    people_with_role: Callable[[str, str | None], list[str]]

    # -- in: what each upstream event schedules, changes or cancels -------------------
    def plan_reminders(self, source: str, name: str, event: Any, now: datetime) -> list[Any]:
        """The reminders (and followed facts) an upstream event creates or
        changes, unsaved, to be stored with the event's position."""
        planner = _PLANNERS.get((source, name))
        if planner is None:
            return []
        batch = _Batch(self.find)
        planner(self, batch, event.get_data(), event.get_extension("municipality"), now)
        return batch.changed()

    def _schedule(
        self,
        batch: _Batch,
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
        batch: _Batch,
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

    def _case(self, batch: _Batch, case_id: str, municipality: str | None) -> FollowedCase:
        found = batch.get(case_record_id(case_id), FollowedCase)
        if found is None:  # a case referred before this service followed the cases
            found = batch.add(FollowedCase.note(self.actor, case_id, municipality))
        return found

    # cases ------------------------------------------------------------------------------
    def _on_case_referred(self, batch, data, municipality, now) -> None:
        if batch.get(case_record_id(data["case_id"]), FollowedCase) is None:
            batch.add(
                FollowedCase.note(
                    self.actor,
                    data["case_id"],
                    municipality,
                    data["technicians"],
                    data["social_worker_id"],
                    "referred",
                )
            )

    def _on_technician_assigned(self, batch, data, municipality, now) -> None:
        case = self._case(batch, data["case_id"], municipality)
        case.change(self.actor, technicians=_unique([*case.technicians, data["technician_id"]]))

    def _on_technician_released(self, batch, data, municipality, now) -> None:
        case = self._case(batch, data["case_id"], municipality)
        released = [t for t in case.technicians if t != data["technician_id"]]
        case.change(self.actor, technicians=released)

    def _on_case_active(self, batch, data, municipality, now) -> None:
        """Intervention or monitoring: this month's progress report is owed."""
        case = self._case(batch, data["case_id"], municipality)
        case.change(self.actor, stage=data["stage"])
        self._schedule_progress(batch, case, month_of(now))

    def _schedule_progress(self, batch: _Batch, case: FollowedCase, period: str) -> Reminder:
        return self._schedule(
            batch,
            PROGRESS,
            case_key(case.case_id),
            period,
            progress_check_at(period),
            case.team,
            {"case_id": case.case_id, "period": period},
            {"case_id": case.case_id, "municipality": case.municipality, "period": period},
        )

    def _on_case_closed(self, batch, data, municipality, now) -> None:
        case = self._case(batch, data["case_id"], municipality)
        case.change(self.actor, stage="closed")
        # no progress report is owed any more, and no document can be submitted
        key = case_key(case.case_id)
        self._cancel_pending(batch, key, PROGRESS, "case_closed", now)
        self._cancel_pending(batch, key, OBSERVATION, "case_closed", now, nested=True)
        start, until = data.get("follow_up_from"), data.get("follow_up_until")
        if start is None or data.get("outcome") == "not_opened":
            return
        self._schedule(
            batch,
            FOLLOW_UP,
            case_key(case.case_id),
            start,
            on_day(date.fromisoformat(start)),
            case.team,
            {"case_id": case.case_id, "from_date": start, "until_date": until or "—"},
            {
                "case_id": case.case_id,
                "municipality": case.municipality,
                "follow_up_from": start,
                "follow_up_until": until,
                "outcome": data.get("outcome"),
            },
        )

    def _on_follow_up_begun(self, batch, data, municipality, now) -> None:
        case = self._case(batch, data["case_id"], municipality)
        case.change(self.actor, stage="follow_up")
        self._cancel_pending(batch, case_key(case.case_id), FOLLOW_UP, "follow_up_begun", now)

    def _on_case_archived(self, batch, data, municipality, now) -> None:
        case = self._case(batch, data["case_id"], municipality)
        case.change(self.actor, stage="archived")
        self._cancel_pending(batch, case_key(case.case_id), None, "case_archived", now, True)

    def _on_document_drafted(self, batch, data, municipality, now) -> None:
        kind = data["kind"]
        if kind == "visit_report" and data.get("occurred_at"):
            self._schedule_observation_sheet(batch, data, municipality)
        elif kind in ("observation_sheet", "progress_report"):
            record_id = document_record_id(data["document_id"])
            if batch.get(record_id, FollowedDocument) is not None:
                return
            batch.add(
                FollowedDocument._create(
                    FollowedDocument.Noted,
                    id=record_id,
                    document_id=data["document_id"],
                    case_id=data["case_id"],
                    kind=kind,
                    author_id=data["author_id"],
                    occurred_at=data.get("occurred_at"),
                    period=data.get("period"),
                    **self.actor.event_fields(),
                )
            )

    def _schedule_observation_sheet(self, batch, data, municipality) -> None:
        case_id, author, visit = data["case_id"], data["author_id"], data["occurred_at"]
        case = batch.get(case_record_id(case_id), FollowedCase)
        if case is not None and case.has_sheet(author, visit):
            return  # its sheet was submitted before the visit report was drafted
        occurred = datetime.fromisoformat(visit)
        remind_at, due = observation_times(occurred, self._observation_hours(author, occurred))
        if data.get("due_at"):
            due = datetime.fromisoformat(data["due_at"])
            remind_at = due - (due - occurred) / 6
        self._schedule(
            batch,
            OBSERVATION,
            author_key(case_id, author),
            data["document_id"],
            remind_at,
            [author],
            {"case_id": case_id, "occurred_at": shown(occurred), "due_at": shown(due)},
            {
                "case_id": case_id,
                "municipality": municipality,
                "visit_report_id": data["document_id"],
                "technician_id": author,
                "occurred_at": visit,
                "due_at": moment(due),
            },
        )

    def _observation_hours(self, technician_id: str, occurred: datetime) -> int:
        day = occurred.astimezone(LOCAL_TIME).date()
        coordination = self.view(TeamView).coordination_of(technician_id, day)
        if coordination is None:
            return OBSERVATION_SHEET_HOURS
        return min(OBSERVATION_SHEET_HOURS, coordination.terms.observation_sheet_hours)

    def _on_document_submitted(self, batch, data, municipality, now) -> None:
        document = batch.get(document_record_id(data["document_id"]), FollowedDocument)
        if document is None or document.submitted:
            return  # not a kind reminders follow, or a later version
        document.trigger_event(
            FollowedDocument.Submitted, version=data["version"], **self.actor.event_fields()
        )
        case = self._case(batch, document.case_id, municipality)
        if document.kind == "progress_report" and document.period:
            case.change(self.actor, reported=sorted({*case.reported, document.period}))
        elif document.kind == "observation_sheet":
            case.sheet_submitted(self.actor, document.author_id, document.occurred_at)
            subject = author_key(document.case_id, document.author_id)
            for rid in self.view(PendingReminders).pending(subject, OBSERVATION):
                reminder = batch.get(UUID(rid), Reminder)
                if reminder is not None and covers(
                    document.occurred_at, reminder.payload["occurred_at"]
                ):
                    reminder.cancel(self.actor, "observation_sheet_submitted", now)

    # coordination ---------------------------------------------------------------------
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
        self, batch: _Batch, parties: dict[str, Any], month: str, minutes: int
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

    # -- out: the timer ------------------------------------------------------------------
    def upcoming_reminders(self, person: str) -> list[dict[str, Any]]:
        return self.view(PendingReminders).for_recipient(person)

    def fire_reminders(self, now: datetime) -> int:
        """Each reminder whose time has come: sent to its audience if still
        wanted (cancelled otherwise), the next month's check scheduled for the
        monthly ones, all in one save; what a concurrent replica stored
        first is left to it."""
        sent = 0
        for rid in self.view(PendingReminders).due(now):
            batch = _Batch(self.find)
            reminder = batch.get(UUID(rid), Reminder)
            if reminder is None or not reminder.is_due(now):
                continue
            told = self._fire(batch, reminder, now)
            try:
                self.save(*batch.changed(), *told)
            except IntegrityError:
                continue  # another replica fired it
            sent += reminder.status == "sent"
        return sent

    def _fire(self, batch: _Batch, reminder: Reminder, now: datetime) -> list[Notification]:
        verdict, audience = self._decide(batch, reminder)
        if verdict is None and not audience:
            verdict = "no_recipients"
        if verdict is not None:
            reminder.cancel(self.actor, verdict, now)
            return []
        kind, source = reminder.kind, str(reminder.id)
        told = [
            n
            for person in audience
            for n in self.tell(
                person,
                kind,
                source,
                "reminder",
                reminder.fields,
                reminder.payload,
                now,
                with_webhooks=False,
            )
        ]
        municipality = reminder.payload.get("municipality")
        webhooks = self.notify_webhooks(
            kind, municipality, source, "reminder", reminder.fields, reminder.payload, now
        )
        told += [n for n in webhooks if self.find(n.id, Notification) is None]
        reminder.mark_sent(self.actor, audience, now)
        return told

    def _decide(self, batch: _Batch, reminder: Reminder) -> tuple[str | None, list[str]]:
        """Whether it is still wanted (None) or why not, and who is told:
        each kind's audience as it is now (the case's team, the SPAS head
        in post), never someone who left. A monthly check also schedules the
        next month's (in ``batch``), whatever this one's verdict."""
        kind, payload = reminder.kind, reminder.payload
        team = self.view(TeamView)
        verdict: str | None = None
        audience = list(reminder.recipients)
        if kind in (PROGRESS, FOLLOW_UP):
            case = batch.get(case_record_id(payload["case_id"]), FollowedCase)
            stage = case.stage if case is not None else None
            audience = case.team if case is not None and case.team else audience
            if kind == PROGRESS:
                reported = case.reported if case is not None else []
                verdict = progress_verdict(stage, reported, reminder.period)
                if stage in ACTIVE_STAGES and case is not None:
                    self._schedule_progress(batch, case, next_month(reminder.period))
            else:
                verdict = follow_up_verdict(stage)
        elif kind in (HOURS, CONTRACT_ENDING):
            contract = team.contracts.get(payload["contract_id"])
            status = contract["status"] if contract else None
            technician = contract["technician_id"] if contract else payload["technician_id"]
            coordinator = contract["coordinator_id"] if contract else payload["coordinator_id"]
            where = (
                team.staff.get(technician, {}).get("municipality")
                or (contract or {}).get("municipality")
                or payload.get("municipality")
            )
            heads = self.people_with_role("spas_head", where)
            if kind == HOURS:
                verdict = hours_verdict(payload.get("month_minutes", 0), status)
                audience = [coordinator, *heads]
                self._chain_hours(batch, reminder, contract)
            else:
                ends_on = contract["ends_on"] if contract else None
                verdict = contract_ending_verdict(status, ends_on, reminder.period)
                audience = [coordinator, technician, *heads]
        gone = {s for s, entry in team.staff.items() if not entry.get("active", True)}
        return verdict, [p for p in _unique(audience) if p not in gone]

    def _chain_hours(self, batch: _Batch, reminder: Reminder, contract: dict | None) -> None:
        """The next month's check, while the contract lasts."""
        if contract is None or contract["status"] == "terminated":
            return
        month = next_month(reminder.period)
        ends_on = contract.get("ends_on")
        if ends_on is not None and date.fromisoformat(ends_on) < first_day(month):
            return
        parties = {
            k: reminder.payload.get(k)
            for k in ("contract_id", "technician_id", "coordinator_id", "municipality")
        }
        parties |= {k: contract[k] for k in ("technician_id", "coordinator_id")}
        self._schedule_hours(batch, parties, month, 0)


_PLANNERS: dict[tuple[str, str], Callable[..., None]] = {
    ("cases", "CaseReferred"): Reminders._on_case_referred,
    ("cases", "CaseTechnicianAssigned"): Reminders._on_technician_assigned,
    ("cases", "CaseTechnicianReleased"): Reminders._on_technician_released,
    ("cases", "CaseInterventionStarted"): Reminders._on_case_active,
    ("cases", "CaseMonitoringStarted"): Reminders._on_case_active,
    ("cases", "CaseClosed"): Reminders._on_case_closed,
    ("cases", "CaseFollowUpBegun"): Reminders._on_follow_up_begun,
    ("cases", "CaseArchived"): Reminders._on_case_archived,
    ("cases", "DocumentDrafted"): Reminders._on_document_drafted,
    ("cases", "DocumentSubmitted"): Reminders._on_document_submitted,
    ("coordination", "ContractActivated"): Reminders._on_contract_activated,
    ("coordination", "ContractAmended"): Reminders._on_contract_amended,
    ("coordination", "ContractTerminated"): Reminders._on_contract_terminated,
    ("coordination", "JournalEntryRecorded"): Reminders._on_journal_changed,
    ("coordination", "JournalEntryWithdrawn"): Reminders._on_journal_changed,
    ("coordination", "TaskDelegated"): Reminders._on_task_delegated,
    ("coordination", "TaskReassigned"): Reminders._on_task_reassigned,
    ("coordination", "TaskCompleted"): Reminders._on_task_closed,
    ("coordination", "TaskCancelled"): Reminders._on_task_closed,
}
assert {n for s, n in _PLANNERS if s == "cases"} == set(CASES_EVENTS)
assert {n for s, n in _PLANNERS if s == "coordination"} == set(COORDINATION_EVENTS)
