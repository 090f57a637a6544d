"""Rules of incidents and difficulties that need no incident: the errors,
the guards on a report form's codes and texts, and who may report, read and
run the jobs (pure, like ``domain.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from events.actor import SYSTEM, Actor
from events.clock import days_after
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound, RuleViolation
from events.vocabulary import ESCALATION_LEVELS
from services.coordination.incidents.steps import (
    MAX_REDISTRIBUTION_DAYS,
    STEPS,
)

DAY = 24  # hours


# -- errors ----------------------------------------------------------------
class InvalidIncident(InvalidCommand):
    code = "invalid_incident"


class UnknownIncident(NotFound):
    code = "incident_not_found"


class IncidentAccessDenied(Forbidden):
    code = "incident_access_denied"


class IncidentNotHidden(Conflict):
    code = "incident_not_hidden"


class IncidentLedByTheHead(Forbidden):
    """4.5 step 2: a difficulty about the coordinator is the SPAS head's."""

    code = "incident_led_by_the_head"


class IncidentReadDenied(Forbidden):
    code = "incident_read_denied"


class IncidentStepOutOfOrder(Conflict):
    code = "incident_step_out_of_order"

    def __init__(self, incident_id: str, expected: str, given: str) -> None:
        super().__init__(
            f"the steps of 4.5 go in order: incident {incident_id} is at step "
            f"{STEPS.index(expected) + 1} ({expected}), not {STEPS.index(given) + 1} ({given})",
            expected=expected,
            given=given,
        )


class IncidentStepAlreadyRecorded(Conflict):
    code = "incident_step_already_recorded"


class IncidentClosed(Conflict):
    code = "incident_closed"


class IncidentAlreadyEscalated(Conflict):
    code = "incident_already_escalated"


class IncidentChangedConcurrently(Conflict):
    code = "incident_changed_concurrently"


class RedistributionNotApplicable(Conflict):
    code = "redistribution_not_applicable"


class TasksAlreadyRedistributed(Conflict):
    code = "tasks_already_redistributed"


class RedistributionOutsideSpas(Forbidden):
    code = "redistribution_outside_spas"


class IncidentRequiresCoordination(RuleViolation):
    code = "incident_requires_coordination"


class NotCoordinatedBySameCoordinator(RuleViolation):
    code = "not_coordinated_by_same_coordinator"


# -- guards ----------------------------------------------------------------
def check_code(value: str, vocabulary: tuple[str, ...], field: str) -> str:
    if value not in vocabulary:
        raise InvalidIncident(
            f"unknown {field} {value!r}; one of {', '.join(vocabulary)}", field=field
        )
    return value


def check_codes(values: Iterable[str], vocabulary: tuple[str, ...], field: str) -> list[str]:
    values = list(values)
    if not values:
        raise InvalidIncident(f"{field}: name at least one of {', '.join(vocabulary)}", field=field)
    if len(set(values)) != len(values):
        raise InvalidIncident(f"{field} lists a code twice", field=field)
    return [check_code(v, vocabulary, field) for v in values]


def check_text(value: str, field: str) -> str:
    if not value.strip():
        raise InvalidIncident(f"{field} must not be blank", field=field)
    return value.strip()


def parse_moment(value: str, field: str = "now") -> datetime:
    """An ISO 8601 date-time with its offset: a deadline must not depend on
    the server's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidIncident(
            f"{field} must be an ISO date-time with offset (e.g. 2026-05-01T09:00:00+00:00), "
            f"got {value!r}",
            field=field,
        )
    return moment.astimezone(UTC)


def moment_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def check_may_report(
    actor: Actor, technician: dict[str, Any], coordination: dict[str, Any] | None
) -> None:
    """The technician (under coordination, R1), their coordinator or the head
    of their SPAS fills in the report form."""
    municipality = technician["municipality"]
    if actor.role == SYSTEM:  # the platform's own detection (4.2.1, ``workload.py``)
        return
    if actor.role == "spas_head" and actor.municipality == municipality:
        return
    coordinator = coordination["coordinator_id"] if coordination else None
    if actor.role == "social_worker" and coordinator is not None and actor.id == coordinator:
        return
    if actor.role == "technician" and actor.id == technician["staff_id"]:
        if coordination is None:
            raise IncidentRequiresCoordination(
                "R1",
                "a technician without an active coordination contract has no coordinator "
                "to report to; the head of their SPAS reports the difficulty",
                technician_id=technician["staff_id"],
            )
        return
    raise IncidentAccessDenied(
        f"a difficulty of technician {technician['staff_id']} is reported by the technician, "
        f"their coordinator or the head of their SPAS ({municipality}), not by this {actor.role}",
        role=actor.role,
    )


def check_about_coordinator(
    actor: Actor, coordination: dict[str, Any] | None, about_coordinator: bool
) -> None:
    """4.5 step 2: a difficulty about the coordination relationship goes to
    the SPAS head; there must be a coordinator, and it is not theirs to report."""
    if not about_coordinator:
        return
    if coordination is None:
        raise InvalidIncident(
            "the technician has no coordinator today: a difficulty cannot concern them",
            field="about_coordinator",
        )
    if actor.id == coordination["coordinator_id"]:
        raise InvalidIncident(
            "a difficulty about the coordinator is reported by the technician or the head of "
            "their SPAS, not by the coordinator",
            field="about_coordinator",
        )


def check_may_lead(
    actor: Actor,
    incident_id: str,
    municipality: str,
    escalation_level: str | None,
    coordinator_id: str | None,
    about_coordinator: bool,
) -> None:
    """The technician's coordinator today leads the steps; so may the SPAS
    head (step 2's superior), and the county admin once escalated to. A
    difficulty about the coordinator is led by the SPAS head alone (4.5
    step 2), and by the county once escalated."""
    allowed = (
        (actor.role == "social_worker" and actor.id == coordinator_id and not about_coordinator)
        or (actor.role == "spas_head" and actor.municipality == municipality)
        or (actor.role == "county_admin" and escalation_level == "county_admin")
    )
    if allowed:
        return
    if about_coordinator and actor.role == "social_worker":
        raise IncidentLedByTheHead(
            f"incident {incident_id} concerns the coordination relationship: the head of the "
            f"SPAS ({municipality}) leads it (4.5 step 2)",
            role=actor.role,
        )
    raise IncidentAccessDenied(
        f"the steps of incident {incident_id} are led by the coordinator of the technician "
        f"or the head of their SPAS ({municipality}), not by this {actor.role}",
        role=actor.role,
    )


def check_may_run_escalation(actor: Actor) -> None:
    if actor.role not in (SYSTEM, "county_admin"):
        raise IncidentAccessDenied(
            f"overdue incidents are escalated by the system or a county admin, not a {actor.role}",
            role=actor.role,
        )


def check_may_read_about(
    actor: Actor, technician_id: str, municipality: str, coordinator_ids: Iterable[str | None]
) -> None:
    """The technician, their coordinator, their SPAS head, the county and
    auditors; nobody else (difficulties are discussed in a safe frame, 4.3)."""
    allowed = (
        actor.role in ("county_admin", "auditor", SYSTEM)
        or (actor.role == "spas_head" and actor.municipality == municipality)
        or (actor.role == "technician" and actor.id == technician_id)
        or (actor.role == "social_worker" and actor.id in set(coordinator_ids))
    )
    if not allowed:
        raise IncidentReadDenied(
            f"incidents of technician {technician_id} are read by the technician, their "
            "coordinator, their SPAS head, the county and auditors",
            technician_id=technician_id,
        )


def check_is_technician(staff: dict[str, Any], field: str) -> None:
    if staff["role"] != "technician" or not staff["active"]:
        raise InvalidIncident(f"{staff['staff_id']} is not an active technician", field=field)


# -- the steps of 4.5 and escalation (4.4.3) --------------------------------
def check_next_step(incident_id: str, done: list[str], step: str) -> None:
    """The steps go strictly in order, each once."""
    if step in done:
        raise IncidentStepAlreadyRecorded(
            f"step {STEPS.index(step) + 1} of 4.5 ({step}) is already recorded for "
            f"incident {incident_id}",
            step=step,
        )
    expected = STEPS[len(done)]  # every step done means this one too
    if step != expected:
        raise IncidentStepOutOfOrder(incident_id, expected, step)


def deadline_after(now: datetime, hours: int) -> datetime:
    """Whole days fall at the same hour of the county's clock (``days_after``);
    anything shorter is real hours (an ethics breach's 4)."""
    return days_after(now, hours // DAY) if hours % DAY == 0 else now + timedelta(hours=hours)


def escalation(
    incident_id: str, reached: Iterable[str | None], now: datetime, resolution_hours: int
) -> tuple[str, str | None]:
    """The next level, and its deadline (none at the highest level): as long
    again as the incident's own."""
    level = next_level(incident_id, reached)
    higher = ESCALATION_LEVELS.index(level) + 1 < len(ESCALATION_LEVELS)
    return level, (moment_text(deadline_after(now, resolution_hours)) if higher else None)


def next_level(incident_id: str, reached: Iterable[str | None]) -> str:
    """The level above the highest one reached (the incident's own, and the
    escalating person's); refused above the top of 4.4.3."""
    levels = [level for level in reached if level is not None]
    if not levels:
        return ESCALATION_LEVELS[0]
    position = max(ESCALATION_LEVELS.index(level) for level in levels) + 1
    if position == len(ESCALATION_LEVELS):
        raise IncidentAlreadyEscalated(
            f"incident {incident_id} is already escalated to the {ESCALATION_LEVELS[-1]}, "
            "the highest level of 4.4.3",
            level=ESCALATION_LEVELS[-1],
        )
    return ESCALATION_LEVELS[position]


# -- temporary redistribution (4.5 step 4; when: workload.py) -------------
def check_receiver(
    technician_id: str,
    municipality: str,
    receiver: dict[str, Any],
    coordinator_id: str | None,
    receiver_coordination: dict[str, Any] | None,
) -> str:
    """The coordinator who delegated the tasks, once the receiver (a
    registry view) is found fit to take them over: a technician of the same
    SPAS under the same coordinator (R1: tasks are delegated only within a
    coordination)."""
    check_is_technician(receiver, "to_technician_id")
    if receiver["staff_id"] == technician_id:
        raise InvalidIncident(
            "the tasks go to another technician, not back to the same one",
            field="to_technician_id",
        )
    if receiver["municipality"] != municipality:
        raise RedistributionOutsideSpas(
            f"the tasks belong to the SPAS of {municipality}; technician "
            f"{receiver['staff_id']} works for another SPAS",
            municipality=receiver["municipality"],
        )
    if coordinator_id is None:
        raise NotCoordinatedBySameCoordinator(
            "R1",
            f"technician {technician_id} has no active coordination, so no "
            "delegated tasks to redistribute",
        )
    receiving = receiver_coordination["coordinator_id"] if receiver_coordination else None
    if receiving != coordinator_id:
        raise NotCoordinatedBySameCoordinator(
            "R1",
            f"technician {receiver['staff_id']} is not under active coordination by "
            f"{coordinator_id}, who delegated the tasks",
            to_technician_id=receiver["staff_id"],
        )
    return coordinator_id


def check_until(until: str, today: date) -> date:
    try:
        end = date.fromisoformat(until)
    except ValueError:
        raise InvalidIncident(
            f"until must be a date (YYYY-MM-DD), got {until!r}", field="until"
        ) from None
    if not today < end <= today + timedelta(days=MAX_REDISTRIBUTION_DAYS):
        raise InvalidIncident(
            f"a redistribution is temporary: until must fall after {today} and within "
            f"{MAX_REDISTRIBUTION_DAYS} days, not {until}",
            field="until",
        )
    return end


def redistribution_due_back(
    redistributions: list[dict[str, Any]], today: date
) -> dict[str, Any] | None:
    """The redistribution whose time is over and whose tasks are still
    with the colleague, if any."""
    if not redistributions:
        return None
    last = redistributions[-1]
    if last.get("returned") or date.fromisoformat(last["until"]) >= today:
        return None
    return last


def check_none_in_force(
    technician_id: str, redistributions: Iterable[dict[str, Any]], today: date
) -> None:
    for earlier in redistributions:
        if date.fromisoformat(earlier["until"]) >= today:
            raise TasksAlreadyRedistributed(
                f"the tasks of technician {technician_id} are already redistributed "
                f"until {earlier['until']}",
                until=earlier["until"],
            )
