"""The coordination plan (instrument C): its sections, the rules on each
(R2, R3, R7) and ``CoordinationPlan``, one per contract, every change a new
whole version.

Pure domain: no nameko, no database.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.team import FOLLOW_UP_MONTHS
from events.topics import moved
from events.vocabulary import AUTONOMY_LEVELS, DELEGABLE_TASKS, MEETING_CHANNELS
from events.vocabulary.coordination import (
    FREQUENCIES,
    MEETING_PURPOSES,
    OBJECTIVE_INDICATORS,
    OBJECTIVE_PERIODS,
    PLAN_CHANNELS,
    PLAN_SECTIONS,
    PRIORITY_SITUATIONS,
    WEEKDAYS,
)
from services.coordination.competence import (
    EXCLUSIVE_ACTS,
    ExclusiveActNotDelegable,
    check_not_administrative,
)
from services.coordination.planning.domain import (
    IDS,
    ContractTerms,
    InvalidPlan,
    PlanAccessDenied,
    PlanChangedMeanwhile,
    PlanNotFound,
    ReportingRuleViolated,
    check_contract_active,
    check_is_coordinator,
    check_not_expired,
    one_of,
    unique,
    whole_number,
)
from services.coordination.planning.limits import (
    EDITABLE_REPORTING,
    EVALUATION_EVERY_MONTHS,
    EVALUATION_PERIOD,
    FIXED_PROCEDURES,
    MEETING_MINUTES,
    OBJECTIVE_TARGET_MAX,
    R7_MAX_HOURS,
    default_plan,
)


def _keys(item: Any, required: set[str], optional: set[str], field: str) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise InvalidPlan(f"each item of {field} is an object", field=field)
    missing, unknown = required - item.keys(), item.keys() - required - optional
    if missing or unknown:
        raise InvalidPlan(
            f"{field}: missing {sorted(missing)}, unknown {sorted(unknown)}", field=field
        )
    return dict(item)


# -- plan sections -------------------------------------------------------------
def check_meetings(meetings: Any) -> list[dict[str, Any]]:
    if not isinstance(meetings, list) or not meetings:
        raise InvalidPlan(
            "the calendar has at least one meeting (the guide: a short weekly one, 15–20 minutes)",
            field="meetings",
        )
    return [_meeting(m) for m in meetings]


def _meeting(item: Any) -> dict[str, Any]:
    m = _keys(item, {"purpose", "frequency", "minutes", "channel"}, {"weekday"}, "meetings")
    weekday = m.get("weekday")
    return {
        "purpose": one_of(m["purpose"], MEETING_PURPOSES, "meetings.purpose", InvalidPlan),
        "frequency": one_of(m["frequency"], FREQUENCIES, "meetings.frequency", InvalidPlan),
        "minutes": whole_number(m["minutes"], *MEETING_MINUTES, "meetings.minutes", InvalidPlan),
        "channel": one_of(m["channel"], MEETING_CHANNELS, "meetings.channel", InvalidPlan),
        "weekday": None
        if weekday is None
        else one_of(weekday, WEEKDAYS, "meetings.weekday", InvalidPlan),
    }


def check_channels(channels: Any) -> list[str]:
    if not isinstance(channels, list) or not channels:
        raise InvalidPlan("the plan names at least one channel", field="channels")
    return [
        one_of(c, PLAN_CHANNELS, "channels", InvalidPlan)
        for c in unique(channels, "channels", InvalidPlan)
    ]


def check_reporting(changes: Any, current: Mapping[str, Any]) -> dict[str, Any]:
    """R7: deadlines may be tightened, never loosened; the immediate-danger
    procedure (112 first, then the coordinator) and the monthly progress
    report are not the plan's to change. The period of the technician's
    evaluations (3.2 B) is set here too. Keys not given keep their value."""
    if not isinstance(changes, Mapping):
        raise InvalidPlan("reporting is an object of deadlines", field="reporting")
    fixed = sorted(set(changes) & set(FIXED_PROCEDURES))
    if fixed:
        raise ReportingRuleViolated(
            "R7", f"{', '.join(fixed)} is set by the rule, not by the plan", field="reporting"
        )
    unknown = sorted(set(changes) - set(EDITABLE_REPORTING))
    if unknown:
        raise InvalidPlan(f"reporting has no {', '.join(unknown)}", field="reporting")
    reporting = {**current, **changes}
    for key, limit in R7_MAX_HOURS.items():
        _deadline_within(reporting[key], limit, key)
    _follow_up_within(reporting["follow_up_from_months"], reporting["follow_up_until_months"])
    one_of(reporting["reports_via"], PLAN_CHANNELS, "reporting.reports_via", InvalidPlan)
    check_evaluation_period(reporting["evaluation_every_months"])
    return reporting


def check_evaluation_period(months: Any) -> int:
    """3.2 B: the technician is evaluated periodically, every so many months
    as the plan sets (quarterly by default)."""
    return whole_number(
        months, *EVALUATION_PERIOD, "reporting.evaluation_every_months", InvalidPlan
    )


def _deadline_within(hours: Any, limit: int, key: str) -> None:
    whole_number(hours, 1, 744, f"reporting.{key}", InvalidPlan)
    if hours > limit:
        raise ReportingRuleViolated(
            "R7", f"{key} is at most {limit} hours, not {hours}", field=f"reporting.{key}"
        )


def _follow_up_within(first: Any, last: Any) -> None:
    """R8: the plan's shortest and longest follow-up period, each counted
    from closure, lie within the rule's 3–6 months."""
    low, high = FOLLOW_UP_MONTHS
    whole_number(first, 1, 24, "reporting.follow_up_from_months", InvalidPlan)
    whole_number(last, 1, 24, "reporting.follow_up_until_months", InvalidPlan)
    if not low <= first <= last <= high:
        raise ReportingRuleViolated(
            "R8",
            f"the follow-up period lasts {low}–{high} months from closure; the plan's "
            f"shortest and longest are within it, not {first}–{last}",
            field="reporting",
        )


def check_priorities(priorities: Any) -> list[str]:
    if not isinstance(priorities, list) or not priorities:
        raise InvalidPlan("the plan orders at least one situation", field="priorities")
    ordered = [
        one_of(p, PRIORITY_SITUATIONS, "priorities", InvalidPlan)
        for p in unique(priorities, "priorities", InvalidPlan)
    ]
    if ordered[0] != "immediate_danger":
        raise ReportingRuleViolated(
            "R7",
            "immediate danger comes first in every plan: 112 first, then the coordinator",
            field="priorities",
        )
    return ordered


def check_objectives(objectives: Any) -> list[dict[str, Any]]:
    """Measurable objectives (R7), e.g. at least 4 field visits a month per
    active case: an indicator, a target and a period."""
    if not isinstance(objectives, list) or not objectives:
        raise InvalidPlan("the plan sets at least one measurable objective", field="objectives")
    checked = [_objective(o) for o in objectives]
    unique(((o["indicator"], o["period"]) for o in checked), "objectives", InvalidPlan)
    return checked


def _objective(item: Any) -> dict[str, Any]:
    o = _keys(item, {"indicator", "target", "period"}, set(), "objectives")
    return {
        "indicator": one_of(
            o["indicator"], OBJECTIVE_INDICATORS, "objectives.indicator", InvalidPlan
        ),
        "target": whole_number(
            o["target"], 1, OBJECTIVE_TARGET_MAX, "objectives.target", InvalidPlan
        ),
        "period": one_of(o["period"], OBJECTIVE_PERIODS, "objectives.period", InvalidPlan),
    }


def check_delegable_tasks(tasks: Any) -> dict[str, str]:
    """R2 before anything else: an exclusive act of the social worker is never
    delegable, whatever the autonomy. Then R3 task types and autonomy levels."""
    if not isinstance(tasks, Mapping):
        raise InvalidPlan("delegable_tasks maps task types to autonomy", field="delegable_tasks")
    exclusive = [t for t in tasks if t in EXCLUSIVE_ACTS]
    if exclusive:
        raise ExclusiveActNotDelegable(
            "R2",
            f"{', '.join(exclusive)}: exclusive to the social worker, never delegated to a "
            "technician",
            field="delegable_tasks",
            acts=exclusive,
        )
    check_not_administrative(list(tasks), "delegable_tasks")
    for task, level in tasks.items():
        one_of(task, DELEGABLE_TASKS, "delegable_tasks", InvalidPlan)
        one_of(level, AUTONOMY_LEVELS, f"delegable_tasks.{task}", InvalidPlan)
    # in the order of R3, so that equal lists compare equal
    return {task: tasks[task] for task in DELEGABLE_TASKS if task in tasks}


def plan_content(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A whole new version: ``current`` with each given section replaced
    (reporting merged key by key) and checked."""
    unknown = sorted(set(changes) - set(PLAN_SECTIONS))
    if unknown:
        raise InvalidPlan(f"a plan has no section {', '.join(unknown)}", field="changes")
    content = copy.deepcopy(dict(current))
    for section, value in changes.items():
        content[section] = _check_section(section, value, current[section])
    return content


def _check_section(section: str, value: Any, current: Any) -> Any:
    match section:
        case "meetings":
            return check_meetings(value)
        case "channels":
            return check_channels(value)
        case "reporting":
            return check_reporting(value, current)
        case "priorities":
            return check_priorities(value)
        case "objectives":
            return check_objectives(value)
    return check_delegable_tasks(value)


def plan_id(contract_id: UUID | str) -> UUID:
    """One plan per contract, versioned by its events."""
    return uuid5(IDS, f"plan:{contract_id}")


# -- the plan ------------------------------------------------------------------
class CoordinationPlan(AuditedAggregate):
    class Opened(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str

    class Versioned(AuditedAggregate.Event):
        """A whole version, readable on its own: what an auditor reads and
        what is published."""

        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str
        number: int
        changed: list[str]
        content: dict[str, Any]

        # v2 added reporting.evaluation_every_months. Versions stored before
        # it read with the default they were kept under (quarterly), so every
        # version stays complete for readers, revisions and re-publication.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            reporting = state["content"]["reporting"]
            reporting.setdefault("evaluation_every_months", EVALUATION_EVERY_MONTHS)

    def __init__(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        **_meta: str,
    ) -> None:
        self.contract_id, self.municipality = contract_id, municipality
        self.technician_id, self.coordinator_id = technician_id, coordinator_id
        self.content: dict[str, Any] = {}
        self.number = 0
        self.history: list[dict[str, Any]] = []

    @classmethod
    def draw_up(
        cls, actor: Actor, terms: ContractTerms, today: date, **sections: Any
    ) -> CoordinationPlan:
        """Version 1: the defaults, with whatever sections the coordinator gives."""
        check_is_coordinator(actor, terms, PlanAccessDenied)
        check_contract_active(terms)
        check_not_expired(terms, today)
        content = plan_content(default_plan(), sections)
        plan = cls._create(
            cls.Opened, id=plan_id(terms.contract_id), **terms.parties(), **actor.event_fields()
        )
        plan._new_version(actor, content, list(PLAN_SECTIONS))
        return plan

    def revise(
        self,
        actor: Actor,
        terms: ContractTerms,
        today: date,
        changes: Mapping[str, Any],
        based_on: int | None = None,
    ) -> None:
        """A new version; ``based_on`` guards against overwriting a version the
        coordinator has not seen."""
        check_is_coordinator(actor, terms, PlanAccessDenied)
        check_contract_active(terms)
        check_not_expired(terms, today)
        if based_on is not None and based_on != self.number:
            raise PlanChangedMeanwhile(
                f"the plan is at version {self.number}, not {based_on}; read it again",
                version=self.number,
            )
        content = plan_content(self.content, changes)
        changed = [s for s in PLAN_SECTIONS if content[s] != self.content[s]]
        if not changed:
            raise InvalidPlan("the revision changes nothing in the plan", field="changes")
        self._new_version(actor, content, changed)

    def _new_version(self, actor: Actor, content: dict[str, Any], changed: list[str]) -> None:
        self._versioned(
            contract_id=self.contract_id,
            municipality=self.municipality,
            technician_id=self.technician_id,
            coordinator_id=self.coordinator_id,
            number=self.number + 1,
            changed=changed,
            content=content,
            timestamp=None,  # the library stamps the event
            **actor.event_fields(),
        )

    @event(Versioned)
    def _versioned(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        number: int,
        changed: list[str],
        content: dict[str, Any],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
        timestamp: datetime | None = None,
    ) -> None:
        """Calling it records ``Versioned``; its body applies the event, when
        recorded and when read back. ``timestamp`` is the event's own (the
        library stamps it when recording)."""
        self.content = copy.deepcopy(content)
        self.number = number
        self.history.append(
            {
                "version": number,
                "changed": list(changed),
                "at": timestamp.isoformat() if timestamp else None,
                "by": actor_id,
                # the event is applied before the aggregate counts it
                "aggregate_version": self.version + 1,
            }
        )

    def aggregate_version_of(self, number: int) -> int:
        for version in self.history:
            if version["version"] == number:
                return int(version["aggregate_version"])
        raise PlanNotFound(
            f"the plan of contract {self.contract_id} has versions 1 to {self.number}, "
            f"not {number}",
            version=number,
        )


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.coordination.planning:CoordinationPlan", CoordinationPlan)
