"""The reminders the cases' events plan (R7, R8): a case's progress
reports, a visit's observation sheet, a closed case's follow-up and the
visits and evaluations planned in it."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from events.clock import LOCAL_TIME
from events.following import TeamView
from services.notifications.pending import PendingReminders
from services.notifications.reminder_planning import Batch, ReminderPlanning
from services.notifications.reminder_rules import (
    FOLLOW_UP,
    FOLLOW_UP_ACTION,
    OBSERVATION,
    OBSERVATION_SHEET_HOURS,
    PROGRESS,
    author_key,
    case_key,
    case_record_id,
    covers,
    document_record_id,
    follow_up_key,
    moment,
    month_of,
    observation_times,
    on_day,
    progress_check_at,
    shown,
)
from services.notifications.reminder_state import (
    FollowedCase,
    FollowedDocument,
    Reminder,
    _unique,
)


class CaseReminders(ReminderPlanning):
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

    def _schedule_progress(self, batch: Batch, case: FollowedCase, period: str) -> Reminder:
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

    def _on_follow_up_planned(self, batch, data, municipality, now) -> None:
        """2.4, R8: each visit or evaluation planned is reminded to the
        case's team on its day, unless recorded done before."""
        case = self._case(batch, data["case_id"], municipality)
        for planned in data["actions"]:
            action, due_on = planned["action"], planned["due_on"]
            self._schedule(
                batch,
                FOLLOW_UP_ACTION,
                follow_up_key(case.case_id, action),
                due_on,
                on_day(date.fromisoformat(due_on)),
                case.team,
                {"case_id": case.case_id, "action": action, "due_on": due_on},
                {
                    "case_id": case.case_id,
                    "municipality": case.municipality,
                    "action": action,
                    "due_on": due_on,
                },
            )

    def _on_follow_up_recorded(self, batch, data, municipality, now) -> None:
        """One done answers the earliest of its kind still to come."""
        key = follow_up_key(data["case_id"], data["action"])
        pending = [
            found
            for rid in self.view(PendingReminders).pending(key, FOLLOW_UP_ACTION)
            if (found := batch.get(UUID(rid), Reminder)) is not None and found.pending
        ]
        if pending:
            earliest = min(pending, key=lambda r: r.due_at)
            earliest.cancel(self.actor, "done", now)

    def _on_case_archived(self, batch, data, municipality, now) -> None:
        case = self._case(batch, data["case_id"], municipality)
        case.change(self.actor, stage="archived")
        self._cancel_pending(batch, case_key(case.case_id), None, "case_archived", now, True)

    def _on_document_drafted(self, batch, data, municipality, now) -> None:
        kind = data["kind"]
        if kind == "visit_report" and data.get("occurred_at"):
            self._schedule_observation_sheet(batch, data, municipality)
        # Every document is noted: its DocumentSubmitted names the document
        # alone, and so does a refused revision (signatures.py).
        record_id = document_record_id(data["document_id"])
        if batch.get(record_id, FollowedDocument) is None:
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
        document.mark_submitted(data["version"], **self.actor.event_fields())
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
