"""The limits and defaults of the coordination plan (instrument C) and
journal (instrument D.3), for the rules (``plan``, ``journal``) and for the
tests that hold the command and event schemas to them. The names they choose
from are in ``events.vocabulary.coordination``."""

from __future__ import annotations

from typing import Any

from events.team import FOLLOW_UP_MONTHS
from events.vocabulary import DELEGABLE_TASKS
from events.vocabulary.coordination import PRIORITY_SITUATIONS

# -- the plan ----------------------------------------------------
MEETING_MINUTES = (5, 480)
OBJECTIVE_TARGET_MAX = 1000

# R7: the deadlines a plan may tighten, never loosen (the upper bound is the
# rule); R8: how long follow-up lasts from closure, within which the plan
# sets its shortest and longest.
R7_MAX_HOURS = {"observation_sheet_hours": 24, "suspected_abuse_hours": 2}
# Periodic evaluations of the technician (3.2 B): quarterly unless the plan
# says otherwise; at least once a year, at most monthly.
EVALUATION_EVERY_MONTHS = 3
EVALUATION_PERIOD = (1, 12)  # months
# R7 procedures no plan changes: they are written into every version so that
# each version reads complete on its own.
FIXED_PROCEDURES = {
    "immediate_danger": "call_112_then_coordinator",
    "progress_report": "monthly_per_active_case",
}
EDITABLE_REPORTING = (
    *R7_MAX_HOURS,
    "follow_up_from_months",
    "follow_up_until_months",
    "reports_via",
    "evaluation_every_months",
)

# -- the journal -------------------------------------------------
# Longer than a working day with overtime: a typing error, not a meeting.
MAX_ENTRY_MINUTES = 720
MAX_TEXT = 2000


def default_plan() -> dict[str, Any]:
    """Version 1 when the coordinator states nothing else: the guide's weekly
    15–20 minute meeting, R7 deadlines, quarterly evaluations, 4 field visits
    a month per active case, every R3 task delegable under supervision."""
    return {
        "meetings": [
            {
                "purpose": "status_review",
                "frequency": "weekly",
                "minutes": 20,
                "channel": "in_person",
                "weekday": None,
            },
            {
                "purpose": "feedback_session",
                "frequency": "monthly",
                "minutes": 60,
                "channel": "in_person",
                "weekday": None,
            },
        ],
        "channels": ["in_person", "phone", "internal_platform"],
        "reporting": {
            **R7_MAX_HOURS,
            "follow_up_from_months": FOLLOW_UP_MONTHS[0],
            "follow_up_until_months": FOLLOW_UP_MONTHS[1],
            "reports_via": "internal_platform",
            "evaluation_every_months": EVALUATION_EVERY_MONTHS,
            **FIXED_PROCEDURES,
        },
        "priorities": list(PRIORITY_SITUATIONS),
        "objectives": [
            {"indicator": "field_visits_per_active_case", "target": 4, "period": "month"}
        ],
        "delegable_tasks": dict.fromkeys(DELEGABLE_TASKS, "supervised"),
    }
