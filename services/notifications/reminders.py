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
   A month already at 40 hours keeps its check pending (it schedules the
   next month's) but is not listed among a person's coming reminders.
4. ``follow_up_due`` (R8): a case closed with a follow-up window reminds its
   social worker and technicians on ``follow_up_from`` at 09:00, unless its
   follow-up began (or it was archived) first. ``follow_up_action_due``
   (2.4, R8): each visit or evaluation the social worker planned in the
   period reminds the case's team on its day at 09:00, unless one of its
   kind was recorded done first (the earliest still to come) or the case
   was archived.
5. ``contract_ending``: the coordinator, the technician and the SPAS head,
   30 days before ``ends_on`` (09:00), at once when less remains; an
   amended end date schedules anew, a terminated contract cancels it.
6. ``task_overdue``: at a delegated task's ``due_at``, the technician who
   holds it (after any reassignment) and the coordinator, unless it was
   completed or cancelled first; an obstacle answered with a new deadline
   moves it.
7. ``task_obstacle_unanswered`` (2.3.3): an obstacle reminds the coordinator
   when their answer is due (24 h after the report), then
   ``task_obstacle_escalated`` the SPAS head 24 h later, unless answered
   first (guidance, a new deadline, reassignment, cancellation, completion).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from events.following import TeamView
from services.notifications.domain import Notification
from services.notifications.pending import PendingReminders
from services.notifications.reminder_planning import Batch
from services.notifications.reminder_rules import (
    ACTIVE_STAGES,
    CONTRACT_ENDING,
    FOLLOW_UP,
    FOLLOW_UP_ACTION,
    HOURS,
    OBSTACLE_ESCALATED,
    PROGRESS,
    case_record_id,
    contract_ending_verdict,
    first_day,
    follow_up_action_verdict,
    follow_up_verdict,
    hours_verdict,
    next_month,
    progress_verdict,
)
from services.notifications.reminder_state import (
    FollowedCase,
    Reminder,
    _unique,
)
from services.notifications.reminders_cases import CaseReminders
from services.notifications.reminders_coordination import CoordinationReminders


class Reminders(CaseReminders, CoordinationReminders):
    # -- in: what each upstream event schedules, changes or cancels -------------------
    def plan_reminders(self, source: str, name: str, event: Any, now: datetime) -> list[Any]:
        """The reminders (and followed facts) an upstream event creates or
        changes, unsaved, to be stored with the event's position."""
        planner = _PLANNERS.get((source, name))
        if planner is None:
            return []
        batch = Batch(self.find)
        planner(self, batch, event.get_data(), event.get_extension("municipality"), now)
        return batch.changed()

    # -- out: the timer ------------------------------------------------------------------
    def upcoming_reminders(
        self, person: str, limit: int | None = None, cursor: str | None = None
    ) -> Any:
        """Coming due for ``person``, the soonest first: all, or one page."""
        return self.view(PendingReminders).for_recipient(person, limit, cursor)

    def fire_reminders(self, now: datetime) -> int:
        """Each reminder whose time has come: sent to its audience if still
        wanted (cancelled otherwise), the next month's check scheduled for the
        monthly ones, all in one save; what a concurrent replica stored
        first is left to it."""
        sent = 0
        for rid in self.view(PendingReminders).due(now):
            batch = Batch(self.find)
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

    def _fire(self, batch: Batch, reminder: Reminder, now: datetime) -> list[Notification]:
        verdict, audience = self._decide(batch, reminder)
        if verdict is None and not audience:
            verdict = "no_recipients"
        if verdict is not None:
            reminder.cancel(self.actor, verdict, now)
            return []
        kind, source = reminder.kind, str(reminder.id)
        told = self.tell(audience, kind, source, "reminder", reminder.fields, reminder.payload, now)
        reminder.mark_sent(self.actor, audience, now)
        return told

    def _decide(self, batch: Batch, reminder: Reminder) -> tuple[str | None, list[str]]:
        """Whether it is still wanted (None) or why not, and who is told:
        each kind's audience as it is now (the case's team, the SPAS head
        in post), never someone who left. A monthly check also schedules the
        next month's (in ``batch``), whatever this one's verdict."""
        kind, payload = reminder.kind, reminder.payload
        team = self.view(TeamView)
        verdict: str | None = None
        audience = list(reminder.recipients)
        if kind in (PROGRESS, FOLLOW_UP, FOLLOW_UP_ACTION):
            case = batch.get(case_record_id(payload["case_id"]), FollowedCase)
            stage = case.stage if case is not None else None
            audience = case.team if case is not None and case.team else audience
            if kind == PROGRESS:
                reported = case.reported if case is not None else []
                verdict = progress_verdict(stage, reported, reminder.period)
                if stage in ACTIVE_STAGES and case is not None:
                    self._schedule_progress(batch, case, next_month(reminder.period))
            elif kind == FOLLOW_UP:
                verdict = follow_up_verdict(stage)
            else:
                verdict = follow_up_action_verdict(stage)
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
        elif kind == OBSTACLE_ESCALATED:  # the SPAS head in post (4.4.3)
            audience = self.people_with_role("spas_head", payload.get("municipality"))
        gone = {s for s, entry in team.staff.items() if not entry.get("active", True)}
        return verdict, [p for p in _unique(audience) if p not in gone]

    def _chain_hours(self, batch: Batch, reminder: Reminder, contract: dict | None) -> None:
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
    ("cases", "FollowUpPlanned"): Reminders._on_follow_up_planned,
    ("cases", "FollowUpActionRecorded"): Reminders._on_follow_up_recorded,
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
    ("coordination", "TaskObstacleReported"): Reminders._on_obstacle_reported,
    ("coordination", "TaskObstacleAnswered"): Reminders._on_obstacle_answered,
}
# the events each upstream service's queue binds: those planned on
CASES_EVENTS = [n for s, n in _PLANNERS if s == "cases"]
COORDINATION_EVENTS = [n for s, n in _PLANNERS if s == "coordination"]
