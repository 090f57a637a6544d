"""How soon a difficulty must be solved (1.3 §2.5, instrument F, 4.2): each
difficulty type of 4.2 has its own default deadline, which the county sets
(``INCIDENT_DEADLINE_HOURS``, a JSON object of hours by difficulty type over
``DEFAULT_DEADLINE_HOURS``). Ethics breaches — among them a suspicion of
abuse left unreported (4.2.4) — are handled at once: hours, never days. A
reporter may set a shorter deadline than the county's, never a longer one.
Pure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from events.vocabulary.coordination import DIFFICULTY_TYPES
from services.coordination.incidents.rules import DAY, InvalidIncident
from services.coordination.incidents.steps import MAX_RESOLUTION_DAYS

# hours by difficulty type of 4.2, unless the county sets its own
DEFAULT_DEADLINE_HOURS = {
    "roles_and_competences": 3 * DAY,  # 4.2.1: a technician beyond their competence
    "communication": 14 * DAY,  # 4.2.2
    "sensitive_situations": 1 * DAY,  # 4.2.3: illegal requests, confidentiality breached
    "ethics_and_integrity": 4,  # 4.2.4: ethics breaches, abuse not reported — at once
    "resources": 14 * DAY,  # 4.2.5
    "emotional_strain": 7 * DAY,  # 4.2.6 (case 4: relief "pe termen scurt")
}
# handled at once (F: "intervenție rapidă ... încălcări etice"): within a day
AT_ONCE = ("ethics_and_integrity",)
MAX_HOURS = MAX_RESOLUTION_DAYS * DAY


def check_deadline_hours(configured: Mapping[str, Any]) -> dict[str, int]:
    """The county's deadlines over the defaults: known types, whole hours
    from 1 to 90 days, and the at-once types within a day."""
    unknown = sorted(set(configured) - set(DIFFICULTY_TYPES))
    if unknown:
        raise InvalidIncident(
            f"incident deadlines are set by difficulty type: {', '.join(DIFFICULTY_TYPES)}",
            unknown=unknown,
        )
    hours = dict(DEFAULT_DEADLINE_HOURS)
    for kind, value in configured.items():
        hours[kind] = check_resolution_hours(value, MAX_HOURS, kind)
    for kind in AT_ONCE:
        if hours[kind] > DAY:
            raise InvalidIncident(
                f"{kind} is handled at once: its deadline is hours, at most {DAY}", field=kind
            )
    return hours


def deadline_hours_from_env() -> dict[str, int]:
    return check_deadline_hours(json.loads(os.environ.get("INCIDENT_DEADLINE_HOURS", "{}")))


def check_resolution_hours(hours: Any, most: int, field: str = "resolution_hours") -> int:
    """A deadline in whole hours, from 1 to ``most`` (the county's for the
    type), which it is when none is given."""
    if hours is None:
        return most
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= most:
        raise InvalidIncident(
            f"the resolution deadline is 1 to {most} hours, not {hours!r}", field=field
        )
    return hours
