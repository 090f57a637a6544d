"""Coordination plan (instrument C) and coordination journal (instrument D.3);
guide 2.1 §2, 3.1 C–D, 3.2 C–D.

Pure domain, like ``domain.py``: no nameko, no database. The coordinator
draws up the plan per contract — meeting calendar, channels, reporting
procedures and deadlines (R7), priorities, measurable objectives and the
delegable task list (R2, R3) — and every change is a new version. The
coordinator keeps the journal of meetings and contacts with the technician;
the monthly coordination hours of R6 are summed from it.

The journal is one aggregate per contract and calendar month: R6 is a
monthly figure, so one month is one small aggregate to load (not the whole
history of a contract), and two months never contend for the same version.
"""

from __future__ import annotations

import copy
import uuid
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events import clock
from events.actor import Actor, AuditedAggregate
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation
from events.vocabulary import DELEGABLE_TASKS
from services.coordination.competence import (
    AUTONOMY_LEVELS,
    EXCLUSIVE_ACTS,
    ExclusiveActNotDelegable,
    NoActiveCoordination,
)

# -- vocabulary of the plan ----------------------------------------------------
SECTIONS = ("meetings", "channels", "reporting", "priorities", "objectives", "delegable_tasks")
MEETING_PURPOSES = ("status_review", "case_review", "feedback_session", "evaluation", "training")
FREQUENCIES = ("daily", "weekly", "biweekly", "monthly", "quarterly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Where coordination happens (journal) and how information flows (plan; 2.1 §2:
# "telefon, e-mail, platforme interne").
MEETING_CHANNELS = ("in_person", "phone", "video")
PLAN_CHANNELS = (*MEETING_CHANNELS, "email", "internal_platform")
MEETING_MINUTES = (5, 480)
# Prioritisation of situations (3.1 C); immediate danger always comes first.
PRIORITY_SITUATIONS = (
    "immediate_danger",
    "suspected_abuse",
    "urgent_risk",
    "new_referral",
    "active_case_monitoring",
    "follow_up",
    "administrative",
)
OBJECTIVE_INDICATORS = (
    "field_visits_per_active_case",
    "progress_reports_per_active_case",
    "coordination_meetings",
    "feedback_sessions",
    "information_campaigns",
    "training_hours",
)
OBJECTIVE_PERIODS = ("week", "month")
OBJECTIVE_TARGET_MAX = 1000

# R7: the deadlines a plan may tighten, never loosen (the upper bound is the
# rule), and the follow-up window after closure.
R7_MAX_HOURS = {"observation_sheet_hours": 24, "suspected_abuse_hours": 2}
FOLLOW_UP_WINDOW = (3, 6)  # months after closure
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

# -- vocabulary of the journal -------------------------------------------------
ENTRY_KINDS = ("meeting", "contact", "emergency", "feedback_session", "joint_field_work")
# Others present at a meeting are named by role only: no names on the bus, and
# none in the store either when a role says enough.
EXTERNAL_ROLES = (
    "spas_head",
    "other_technician",
    "other_social_worker",
    "beneficiary",
    "family_member",
    "school_staff",
    "medical_staff",
    "police",
    "ngo_staff",
    "dgaspc_staff",
    "other_institution",
)
FOLLOW_UP_OWNERS = ("technician", "coordinator")
WITHDRAWAL_REASONS = (
    "duplicate",
    "wrong_date",
    "wrong_duration",
    "wrong_contract",
    "did_not_take_place",
)
# Longer than a working day with overtime: a typing error, not a meeting.
MAX_ENTRY_MINUTES = 720
MAX_TEXT = 2000

_NS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination/planning")


# -- errors --------------------------------------------------------------------
class InvalidPlan(InvalidCommand):
    code = "invalid_plan"


class InvalidJournalEntry(InvalidCommand):
    code = "invalid_journal_entry"


class EntryOutsideContract(InvalidJournalEntry):
    code = "journal_entry_outside_contract"


class FutureJournalEntry(InvalidJournalEntry):
    code = "journal_entry_in_future"


class InvalidMonth(InvalidCommand):
    code = "invalid_month"


class PlanAccessDenied(Forbidden):
    code = "plan_access_denied"
    instrument = "coordination plan"


class JournalAccessDenied(Forbidden):
    code = "journal_access_denied"
    instrument = "coordination journal"


class JournalReadDenied(Forbidden):
    code = "journal_read_denied"


def inactive_contract(contract_id: str, why: str) -> NoActiveCoordination:
    return NoActiveCoordination(
        "R1",
        f"contract {contract_id} {why}; plan and journal are kept under an active contract",
        contract_id=contract_id,
    )


class ReportingRuleViolated(RuleViolation):
    code = "reporting_rule_violated"


class PlanAlreadyDrawnUp(Conflict):
    code = "plan_already_drawn_up"


class PlanChangedMeanwhile(Conflict):
    code = "plan_changed_meanwhile"


class JournalChangedMeanwhile(Conflict):
    code = "journal_changed_meanwhile"


class EntryAlreadyWithdrawn(Conflict):
    code = "journal_entry_already_withdrawn"


class PlanNotFound(NotFound):
    code = "plan_not_found"


class UnknownJournalEntry(NotFound):
    code = "journal_entry_not_found"


# -- the contract, as plan and journal see it ----------------------------------
@dataclass(frozen=True)
class ContractTerms:
    """What plan and journal need of a coordination contract (its view)."""

    contract_id: str
    municipality: str
    technician_id: str
    coordinator_id: str
    status: str
    hours_per_month: int
    starts_on: date
    ends_on: date | None

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> ContractTerms:
        ends_on = view.get("ends_on")
        return cls(
            contract_id=view["contract_id"],
            municipality=view["municipality"],
            technician_id=view["technician_id"],
            coordinator_id=view["coordinator_id"],
            status=view["status"],
            hours_per_month=view["hours_per_month"],
            starts_on=date.fromisoformat(view["starts_on"]),
            ends_on=date.fromisoformat(ends_on) if ends_on else None,
        )

    def parties(self) -> dict[str, str]:
        return {
            "contract_id": self.contract_id,
            "municipality": self.municipality,
            "technician_id": self.technician_id,
            "coordinator_id": self.coordinator_id,
        }

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


# -- guards shared by plan and journal -----------------------------------------
def check_is_coordinator(
    actor: Actor, terms: ContractTerms, error: type[PlanAccessDenied | JournalAccessDenied]
) -> None:
    """Plan and journal are the coordinator's instruments (3.2 C, D); the
    technician reads them."""
    if actor.role != "social_worker" or actor.id != terms.coordinator_id:
        raise error(
            f"only the coordinator of contract {terms.contract_id} keeps its {error.instrument}; "
            f"a {actor.role} reads it",
            role=actor.role,
        )


def check_contract_active(terms: ContractTerms) -> None:
    """R1: a draft, suspended or ended contract is no coordination."""
    if terms.status != "active":
        raise inactive_contract(terms.contract_id, f"is {terms.status}")


def check_not_expired(terms: ContractTerms, today: date) -> None:
    if terms.ends_on is not None and today > terms.ends_on:
        raise inactive_contract(terms.contract_id, f"ended on {terms.ends_on.isoformat()}")


def check_may_read_journal(actor: Actor, terms: ContractTerms) -> None:
    """Entries carry decisions and recommendations about cases (R9): the two
    parties and auditors read them; the SPAS head and the county see hours
    and compliance only."""
    if actor.role in ("auditor", "system"):
        return
    if actor.id not in (terms.technician_id, terms.coordinator_id):
        raise JournalReadDenied(
            f"the entries of contract {terms.contract_id}'s journal are read by its "
            "coordinator, its technician and auditors",
            role=actor.role,
        )


def _one_of(value: Any, allowed: Iterable[str], field: str, error: type[InvalidCommand]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise error(f"{field}: {value!r} is not one of {', '.join(allowed)}", field=field)
    return value


def _count(value: Any, low: int, high: int, field: str, error: type[InvalidCommand]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(
            f"{field} must be a whole number from {low} to {high}, not {value!r}", field=field
        )
    return value


def _unique(values: Any, field: str, error: type[InvalidCommand]) -> list[Any]:
    values = list(values)
    if len(set(map(str, values))) != len(values):
        raise error(f"{field} lists an item twice", field=field)
    return values


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
            "follow_up_from_months": FOLLOW_UP_WINDOW[0],
            "follow_up_until_months": FOLLOW_UP_WINDOW[1],
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
        "purpose": _one_of(m["purpose"], MEETING_PURPOSES, "meetings.purpose", InvalidPlan),
        "frequency": _one_of(m["frequency"], FREQUENCIES, "meetings.frequency", InvalidPlan),
        "minutes": _count(m["minutes"], *MEETING_MINUTES, "meetings.minutes", InvalidPlan),
        "channel": _one_of(m["channel"], MEETING_CHANNELS, "meetings.channel", InvalidPlan),
        "weekday": None
        if weekday is None
        else _one_of(weekday, WEEKDAYS, "meetings.weekday", InvalidPlan),
    }


def check_channels(channels: Any) -> list[str]:
    if not isinstance(channels, list) or not channels:
        raise InvalidPlan("the plan names at least one channel", field="channels")
    return [
        _one_of(c, PLAN_CHANNELS, "channels", InvalidPlan)
        for c in _unique(channels, "channels", InvalidPlan)
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
    _one_of(reporting["reports_via"], PLAN_CHANNELS, "reporting.reports_via", InvalidPlan)
    check_evaluation_period(reporting["evaluation_every_months"])
    return reporting


def check_evaluation_period(months: Any) -> int:
    """3.2 B: the technician is evaluated periodically, every so many months
    as the plan sets (quarterly by default)."""
    return _count(months, *EVALUATION_PERIOD, "reporting.evaluation_every_months", InvalidPlan)


def _deadline_within(hours: Any, limit: int, key: str) -> None:
    _count(hours, 1, 744, f"reporting.{key}", InvalidPlan)
    if hours > limit:
        raise ReportingRuleViolated(
            "R7", f"{key} is at most {limit} hours, not {hours}", field=f"reporting.{key}"
        )


def _follow_up_within(first: Any, last: Any) -> None:
    low, high = FOLLOW_UP_WINDOW
    _count(first, 1, 24, "reporting.follow_up_from_months", InvalidPlan)
    _count(last, 1, 24, "reporting.follow_up_until_months", InvalidPlan)
    if not low <= first <= last <= high:
        raise ReportingRuleViolated(
            "R7",
            f"follow-up falls {low}–{high} months after closure, not {first}–{last}",
            field="reporting",
        )


def check_priorities(priorities: Any) -> list[str]:
    if not isinstance(priorities, list) or not priorities:
        raise InvalidPlan("the plan orders at least one situation", field="priorities")
    ordered = [
        _one_of(p, PRIORITY_SITUATIONS, "priorities", InvalidPlan)
        for p in _unique(priorities, "priorities", InvalidPlan)
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
    _unique(((o["indicator"], o["period"]) for o in checked), "objectives", InvalidPlan)
    return checked


def _objective(item: Any) -> dict[str, Any]:
    o = _keys(item, {"indicator", "target", "period"}, set(), "objectives")
    return {
        "indicator": _one_of(
            o["indicator"], OBJECTIVE_INDICATORS, "objectives.indicator", InvalidPlan
        ),
        "target": _count(o["target"], 1, OBJECTIVE_TARGET_MAX, "objectives.target", InvalidPlan),
        "period": _one_of(o["period"], OBJECTIVE_PERIODS, "objectives.period", InvalidPlan),
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
    for task, level in tasks.items():
        _one_of(task, DELEGABLE_TASKS, "delegable_tasks", InvalidPlan)
        _one_of(level, AUTONOMY_LEVELS, f"delegable_tasks.{task}", InvalidPlan)
    # in the order of R3, so that equal lists compare equal
    return {task: tasks[task] for task in DELEGABLE_TASKS if task in tasks}


def plan_content(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A whole new version: ``current`` with each given section replaced
    (reporting merged key by key) and checked."""
    unknown = sorted(set(changes) - set(SECTIONS))
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
    return uuid5(_NS, f"plan:{contract_id}")


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

        def apply(self, plan: CoordinationPlan) -> None:
            plan.content = copy.deepcopy(self.content)
            plan.number = self.number
            plan.history.append(
                {
                    "version": self.number,
                    "changed": list(self.changed),
                    "at": self.timestamp.isoformat(),
                    "by": self.actor_id,
                    "aggregate_version": self.originator_version,
                }
            )

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
        plan._new_version(actor, content, list(SECTIONS))
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
        changed = [s for s in SECTIONS if content[s] != self.content[s]]
        if not changed:
            raise InvalidPlan("the revision changes nothing in the plan", field="changes")
        self._new_version(actor, content, changed)

    def _new_version(self, actor: Actor, content: dict[str, Any], changed: list[str]) -> None:
        self.trigger_event(
            self.Versioned,
            contract_id=self.contract_id,
            municipality=self.municipality,
            technician_id=self.technician_id,
            coordinator_id=self.coordinator_id,
            number=self.number + 1,
            changed=changed,
            content=content,
            **actor.event_fields(),
        )

    def aggregate_version_of(self, number: int) -> int:
        for version in self.history:
            if version["version"] == number:
                return version["aggregate_version"]
        raise PlanNotFound(
            f"the plan of contract {self.contract_id} has versions 1 to {self.number}, "
            f"not {number}",
            version=number,
        )


# -- journal entries -----------------------------------------------------------
def parse_day(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidJournalEntry(
            f"{field} must be a date (YYYY-MM-DD), got {value!r}", field=field
        ) from None


def check_entry_day(occurred_on: Any, terms: ContractTerms, today: date) -> date:
    day = parse_day(occurred_on, "occurred_on")
    if day > today:
        raise FutureJournalEntry(
            f"the journal records what happened: {day.isoformat()} is after today",
            field="occurred_on",
        )
    if not terms.covers(day):
        period = f"{terms.starts_on.isoformat()} – {terms.ends_on or 'open-ended'}"
        raise EntryOutsideContract(
            f"{day.isoformat()} is outside contract {terms.contract_id} ({period})",
            field="occurred_on",
        )
    return day


def check_minutes(minutes: Any) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise InvalidJournalEntry(
            f"a meeting or contact lasts a positive number of minutes, not {minutes!r}",
            field="minutes",
        )
    if minutes > MAX_ENTRY_MINUTES:
        raise InvalidJournalEntry(
            f"one entry lasts at most {MAX_ENTRY_MINUTES} minutes; record separate ones",
            field="minutes",
        )
    return minutes


def check_participants(ids: Iterable[str] | None, terms: ContractTerms) -> list[str]:
    """The contract's parties by id; the technician takes part in every
    coordination and the coordinator records it, so both are always there."""
    parties = [terms.coordinator_id, terms.technician_id]
    given = _unique(ids or parties, "participant_ids", InvalidJournalEntry)
    strangers = [i for i in given if i not in parties]
    if strangers:
        raise InvalidJournalEntry(
            "participants by id are the contract's coordinator and technician; name others "
            "by role in external_roles",
            field="participant_ids",
        )
    if terms.technician_id not in given:
        raise InvalidJournalEntry(
            "the technician takes part in every coordination entry", field="participant_ids"
        )
    return parties


def check_case_ids(ids: Iterable[str]) -> list[str]:
    checked = []
    for value in _unique(ids, "case_ids", InvalidJournalEntry):
        try:
            checked.append(str(UUID(str(value))))
        except ValueError:
            raise InvalidJournalEntry(f"{value!r} is not a case id", field="case_ids") from None
    return checked


def check_texts(texts: Iterable[str], field: str) -> list[str]:
    checked = [str(t).strip() for t in texts]
    if any(not t or len(t) > MAX_TEXT for t in checked):
        raise InvalidJournalEntry(
            f"each item of {field} is 1 to {MAX_TEXT} characters", field=field
        )
    return checked


def check_follow_ups(items: Iterable[Any], day: date) -> list[dict[str, Any]]:
    follow_ups = []
    for item in items:
        if not isinstance(item, Mapping) or "action" not in item or "owner" not in item:
            raise InvalidJournalEntry("a follow-up has an action and an owner", field="follow_ups")
        due = item.get("due_on")
        if due is not None and parse_day(due, "follow_ups.due_on") < day:
            raise InvalidJournalEntry(
                "a follow-up is due on or after the meeting", field="follow_ups.due_on"
            )
        follow_ups.append(
            {
                "action": check_texts([item["action"]], "follow_ups.action")[0],
                "owner": _one_of(
                    item["owner"], FOLLOW_UP_OWNERS, "follow_ups.owner", InvalidJournalEntry
                ),
                "due_on": due,
            }
        )
    return follow_ups


# -- months --------------------------------------------------------------------
def parse_month(value: Any) -> date:
    """``YYYY-MM`` -> its first day."""
    return clock.parse_month(value, error=InvalidMonth)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_day(month: str) -> date:
    first = parse_month(month)
    return first.replace(day=monthrange(first.year, first.month)[1])


def months_of(terms: ContractTerms, today: date) -> list[str]:
    """Every month of the contract begun by ``today``, oldest first."""
    end = min(today, terms.ends_on) if terms.ends_on else today
    months, day = [], terms.starts_on.replace(day=1)
    while day <= end:
        months.append(month_of(day))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def month_compliance(
    terms: ContractTerms, month: str, minutes: int, entries: int, today: date
) -> dict[str, Any]:
    """R6 for one month: exact in minutes (38 h = 2280 min < 2400 min = 40 h).
    ``complete``: the month is over; ``partial``: the contract covers only part
    of it (the rule still asks for the full hours; flagged for the reader)."""
    first, last = parse_month(month), last_day(month)
    return {
        "contract_id": terms.contract_id,
        "month": month,
        "minutes": minutes,
        "hours": round(minutes / 60, 2),
        "required": terms.hours_per_month,
        "compliant": minutes >= terms.hours_per_month * 60,
        "entries": entries,
        "complete": last < today,
        "partial": not (terms.covers(first) and terms.covers(last)),
    }


def check_month_in_contract(terms: ContractTerms, month: str) -> None:
    first, last = parse_month(month), last_day(month)
    if last < terms.starts_on or (terms.ends_on is not None and first > terms.ends_on):
        raise InvalidMonth(
            f"contract {terms.contract_id} does not cover {month}", field="month", month=month
        )


def check_keeps_journal(actor: Actor, terms: ContractTerms) -> None:
    """The coordinator writes the journal, and only under an active contract (R1)."""
    check_is_coordinator(actor, terms, JournalAccessDenied)
    check_contract_active(terms)


def journal_month(actor: Actor, terms: ContractTerms, occurred_on: Any) -> str:
    """Which month's journal an entry goes to, once the actor may keep it."""
    check_keeps_journal(actor, terms)
    return month_of(parse_day(occurred_on, "occurred_on"))


def journal_id(contract_id: UUID | str, month: str) -> UUID:
    return uuid5(_NS, f"journal:{contract_id}:{month}")


# -- the journal (one contract, one month) -------------------------------------
class CoordinationJournal(AuditedAggregate):
    class Opened(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str
        month: str

    class Parties(AuditedAggregate.Event):
        """On every entry event, so the published contract reads from the
        event alone."""

        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str
        month: str

    class EntryRecorded(Parties):
        entry_id: str
        occurred_on: str
        minutes: int
        channel: str
        kind: str
        participant_ids: list[str]
        external_roles: list[str]
        case_ids: list[str]
        decisions: list[str]
        recommendations: list[str]
        follow_ups: list[dict[str, Any]]
        month_minutes: int

        def apply(self, journal: CoordinationJournal) -> None:
            journal.entries[self.entry_id] = {
                "entry_id": self.entry_id,
                "occurred_on": self.occurred_on,
                "minutes": self.minutes,
                "channel": self.channel,
                "kind": self.kind,
                "participant_ids": list(self.participant_ids),
                "external_roles": list(self.external_roles),
                "case_ids": list(self.case_ids),
                "decisions": list(self.decisions),
                "recommendations": list(self.recommendations),
                "follow_ups": copy.deepcopy(self.follow_ups),
                "recorded_at": self.timestamp.isoformat(),
                "recorded_by": self.actor_id,
                "withdrawn": None,
            }

    class EntryWithdrawn(Parties):
        entry_id: str
        reason: str
        minutes: int
        month_minutes: int

        def apply(self, journal: CoordinationJournal) -> None:
            journal.entries[self.entry_id]["withdrawn"] = self.reason

    def __init__(
        self,
        contract_id: str,
        municipality: str,
        technician_id: str,
        coordinator_id: str,
        month: str,
        **_meta: str,
    ) -> None:
        self.contract_id, self.municipality, self.month = contract_id, municipality, month
        self.technician_id, self.coordinator_id = technician_id, coordinator_id
        self.entries: dict[str, dict[str, Any]] = {}

    @classmethod
    def open(cls, actor: Actor, terms: ContractTerms, month: str) -> CoordinationJournal:
        parse_month(month)
        return cls._create(
            cls.Opened,
            id=journal_id(terms.contract_id, month),
            month=month,
            **terms.parties(),
            **actor.event_fields(),
        )

    @property
    def minutes(self) -> int:
        """Coordination time of the month: withdrawn entries do not count."""
        return sum(e["minutes"] for e in self.entries.values() if e["withdrawn"] is None)

    @property
    def counted(self) -> int:
        return sum(1 for e in self.entries.values() if e["withdrawn"] is None)

    def record(
        self,
        actor: Actor,
        terms: ContractTerms,
        today: date,
        *,
        occurred_on: str,
        minutes: int,
        channel: str,
        kind: str,
        participant_ids: list[str] | None = None,
        external_roles: Iterable[str] = (),
        case_ids: Iterable[str] = (),
        decisions: Iterable[str] = (),
        recommendations: Iterable[str] = (),
        follow_ups: Iterable[Mapping[str, Any]] = (),
    ) -> str:
        """A meeting or contact of the coordinator with the technician; returns
        the entry id."""
        check_keeps_journal(actor, terms)
        day = check_entry_day(occurred_on, terms, today)
        if month_of(day) != self.month:
            raise InvalidJournalEntry(
                f"{day.isoformat()} belongs to {month_of(day)}, not {self.month}",
                field="occurred_on",
            )
        minutes = check_minutes(minutes)
        entry_id = str(uuid.uuid4())
        self.trigger_event(
            self.EntryRecorded,
            **self._parties(),
            entry_id=entry_id,
            occurred_on=day.isoformat(),
            minutes=minutes,
            channel=_one_of(channel, MEETING_CHANNELS, "channel", InvalidJournalEntry),
            kind=_one_of(kind, ENTRY_KINDS, "kind", InvalidJournalEntry),
            participant_ids=check_participants(participant_ids, terms),
            external_roles=[
                _one_of(r, EXTERNAL_ROLES, "external_roles", InvalidJournalEntry)
                for r in _unique(external_roles, "external_roles", InvalidJournalEntry)
            ],
            case_ids=check_case_ids(case_ids),
            decisions=check_texts(decisions, "decisions"),
            recommendations=check_texts(recommendations, "recommendations"),
            follow_ups=check_follow_ups(follow_ups, day),
            month_minutes=self.minutes + minutes,
            **actor.event_fields(),
        )
        return entry_id

    def withdraw(self, actor: Actor, terms: ContractTerms, entry_id: str, reason: str) -> None:
        """Nothing is deleted: a mistaken entry is withdrawn (it stays in the
        journal, marked) and no longer counts towards R6."""
        check_keeps_journal(actor, terms)
        entry = self.entries.get(entry_id)
        if entry is None:
            raise UnknownJournalEntry(
                f"no entry {entry_id} in the {self.month} journal of contract {self.contract_id}",
                entry_id=entry_id,
            )
        if entry["withdrawn"] is not None:
            raise EntryAlreadyWithdrawn(f"entry {entry_id} is already withdrawn")
        self.trigger_event(
            self.EntryWithdrawn,
            **self._parties(),
            entry_id=entry_id,
            reason=_one_of(reason, WITHDRAWAL_REASONS, "reason", InvalidJournalEntry),
            minutes=entry["minutes"],
            month_minutes=self.minutes - entry["minutes"],
            **actor.event_fields(),
        )

    def _parties(self) -> dict[str, str]:
        return {
            "contract_id": self.contract_id,
            "municipality": self.municipality,
            "technician_id": self.technician_id,
            "coordinator_id": self.coordinator_id,
            "month": self.month,
        }
