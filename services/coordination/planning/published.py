"""Published contracts of plan and journal events (see the service's
``published.py``).

The plan is codes and numbers throughout, so each version is published whole:
a consumer (reminders of R7 deadlines, task sheets) needs no query. Journal
entries go out as facts with their figures only — date, minutes, channel,
how many cases — while decisions, recommendations, follow-up actions, a
feedback session's strengths and improvements, the technician's view of it
and the case ids stay in the store (DESIGN §5)."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from services.coordination.planning.journal import CoordinationJournal
from services.coordination.planning.plan import CoordinationPlan


def plan_journal_publication(event: Any) -> Publication | Any | None:
    match event:
        case CoordinationPlan.Opened() | CoordinationJournal.Opened():
            return None  # the first version / entry that follows says it all
        case CoordinationPlan.Versioned():
            return _plan_versioned(event)
        case CoordinationJournal.EntryRecorded():
            return _entry_recorded(event)
        case CoordinationJournal.EntryWithdrawn():
            return _entry_withdrawn(event)
        case CoordinationJournal.EntryCommented():
            return Publication(
                "JournalEntryCommented",
                {**_parties(event), "entry_id": event.entry_id, "month": event.month},
                municipality=event.municipality,
            )
    return NotImplemented


def _parties(event: Any) -> dict[str, Any]:
    return {
        "contract_id": event.contract_id,
        "technician_id": event.technician_id,
        "coordinator_id": event.coordinator_id,
    }


def _plan_versioned(event: CoordinationPlan.Versioned) -> Publication:
    content = event.content
    return Publication(
        "CoordinationPlanVersioned",
        {
            **_parties(event),
            "version": event.number,
            "changed": list(event.changed),
            "meetings": content["meetings"],
            "channels": content["channels"],
            "reporting": content["reporting"],
            "priorities": content["priorities"],
            "objectives": content["objectives"],
            "delegable_tasks": content["delegable_tasks"],
        },
        municipality=event.municipality,
    )


def _entry_recorded(event: CoordinationJournal.EntryRecorded) -> Publication:
    return Publication(
        "JournalEntryRecorded",
        {
            **_parties(event),
            "entry_id": event.entry_id,
            "month": event.month,
            "occurred_on": event.occurred_on,
            "minutes": event.minutes,
            "channel": event.channel,
            "kind": event.kind,
            "external_roles": list(event.external_roles),
            "cases_discussed": len(event.case_ids),
            "follow_ups": len(event.follow_ups),
            "month_minutes": event.month_minutes,
        },
        municipality=event.municipality,
    )


def _entry_withdrawn(event: CoordinationJournal.EntryWithdrawn) -> Publication:
    return Publication(
        "JournalEntryWithdrawn",
        {
            **_parties(event),
            "entry_id": event.entry_id,
            "month": event.month,
            "reason": event.reason,
            "minutes": event.minutes,
            "month_minutes": event.month_minutes,
        },
        municipality=event.municipality,
    )
