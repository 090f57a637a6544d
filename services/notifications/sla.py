"""The two deadlines of an urgent risk (2.3.1, 4.6 case 2), kept apart.

The technician's: from observing suspected abuse to telling the coordinator,
2 hours (or the coordination plan's tighter term). The cases service records
it on the report (``deadline_hours``, ``late``) and this service says so in
the alert: a late report is flagged to the coordinator.

The coordinator's: from the alert to its acknowledgement, a service level
per risk category that the county sets (``NOTIFICATIONS_SLA_MINUTES``, a
JSON object of minutes by category, with ``"default"`` for the rest and
``"immediate_danger"`` for any report where the person's life or integrity
is in danger, whatever its category). Immediate danger is always the
shortest; unacknowledged in time, the alert escalates (4.4.3). Pure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from events.errors import InvalidCommand
from events.vocabulary.cases import RISK_CATEGORIES

IMMEDIATE_DANGER = "immediate_danger"
DEFAULT = "default"
# The county's table unless it sets its own: minutes to acknowledge.
DEFAULT_SLA_MINUTES = {IMMEDIATE_DANGER: 30, DEFAULT: 120}


class InvalidServiceLevels(InvalidCommand):
    code = "invalid_service_levels"


def check_service_levels(configured: Mapping[str, Any]) -> dict[str, int]:
    """The county's acknowledgement SLAs, over the defaults: known keys,
    positive whole minutes, and immediate danger the shortest of all."""
    known = {IMMEDIATE_DANGER, DEFAULT, *RISK_CATEGORIES}
    unknown = sorted(set(configured) - known)
    if unknown:
        raise InvalidServiceLevels(
            f"acknowledgement SLAs are set for {', '.join(sorted(known))}", unknown=unknown
        )
    levels = dict(DEFAULT_SLA_MINUTES)
    for key, minutes in configured.items():
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise InvalidServiceLevels(
                f"the SLA of {key} is a positive number of minutes", field=key
            )
        levels[key] = minutes
    shorter = sorted(k for k, m in levels.items() if m < levels[IMMEDIATE_DANGER])
    if shorter:
        raise InvalidServiceLevels(
            "immediate danger to life or integrity has the shortest acknowledgement SLA",
            shorter=shorter,
        )
    return levels


def service_levels_from_env() -> dict[str, int]:
    return check_service_levels(json.loads(os.environ.get("NOTIFICATIONS_SLA_MINUTES", "{}")))


def immediate_danger_of(category: str | None, at_risk: bool | None) -> bool:
    """Whether a risk endangers life or integrity (4.6); a report (or an
    alert) from before it was said meant danger to life only."""
    return category == "danger_to_life" if at_risk is None else bool(at_risk)


def immediate_danger(risk: Mapping[str, Any]) -> bool:
    return immediate_danger_of(risk.get("category"), risk.get("life_or_integrity_at_risk"))


def acknowledgement_sla(levels: Mapping[str, int], risk: Mapping[str, Any]) -> int:
    """The coordinator's minutes to acknowledge this risk."""
    if immediate_danger(risk):
        return levels[IMMEDIATE_DANGER]
    return levels.get(risk["category"], levels[DEFAULT])
