"""Follow-up after closure (guide 2.4, R8): "Verificarea sustenabilității
rezultatelor prin cel puțin o perioadă de monitorizare post-închidere (ex.
3–6 luni)". Closing a case opens a follow-up *period* that starts on the
day of closure and lasts 3 to 6 months (the coordination plan's length
unless the coordinator names one). Within it the coordinator plans follow-up
actions — periodic visits, further evaluations; the guide's example, three
monthly follow-up visits — and the technician (or the coordinator) records
each one done. Archiving waits for the period's end, or for the
coordinator's recorded decision to end it early.

A window stored before (3–6 months *after* closure) keeps its days: the
period of such a case is the window it was given. Pure domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import event

from events.clock import add_months
from events.errors import RuleViolation
from events.team import Team, Terms
from events.vocabulary import cases as names
from services.cases.case_record import CaseRecord
from services.cases.competence import (
    CaseLike,
    InvalidCaseCommand,
    StageConflict,
    check_choice,
    check_field_work,
    check_social_worker_act,
)
from services.cases.consent import day_of


class FollowUpOutsideWindow(RuleViolation):
    """R8: a follow-up period of 3–6 months, and what is planned or done
    in it lies within it."""

    code = "follow_up_outside_window"


def check_follow_up_months(months: int, terms: Terms) -> int:
    """R8 with R7: a period within what the coordination plan sets (its
    range lies within 3–6 months, ``FOLLOW_UP_MONTHS``: the plan checks it);
    closing with a shorter one is closing the case prematurely."""
    low, high = terms.follow_up_from_months, terms.follow_up_until_months
    if not low <= months <= high:
        raise FollowUpOutsideWindow(
            "R8",
            f"the follow-up period lasts {low}–{high} months from closure under this "
            f"coordination plan (got {months})",
            field="follow_up_months",
        )
    return months


def follow_up_period(
    team: Team, technicians: list[str], today: date, months: int | None
) -> tuple[str, str]:
    """R8: the period's first day (closure) and last, by the months given
    or else the length the coordination plan sets (its last month)."""
    terms = team.terms_for(technicians)
    length = months or terms.follow_up_until_months
    check_follow_up_months(length, terms)
    return today.isoformat(), add_months(today, length).isoformat()


def check_archivable(period: tuple[str, str] | None, today: date, decision: str | None) -> None:
    """R8: archiving waits for the follow-up period's end, or for the
    coordinator's recorded decision to end it early."""
    if period is None or decision is not None or today > date.fromisoformat(period[1]):
        return
    raise FollowUpOutsideWindow(
        "R8",
        f"the follow-up period ({period[0]} – {period[1]}) has not ended: archive after it, or "
        "record the decision to end it early",
        field="follow_up_decision",
    )


def check_within(period: tuple[str, str] | None, day: date, field: str) -> None:
    if period is None:
        raise StageConflict("a case closed without being opened has no follow-up")
    if not period[0] <= day.isoformat() <= period[1]:
        raise FollowUpOutsideWindow(
            "R8",
            f"{day} is outside the follow-up period ({period[0]} – {period[1]})",
            field=field,
        )


class FollowUp(CaseRecord):
    """The follow-up of one closed case: the actions planned, and those done."""

    KIND = "follow-up"

    class Started(CaseRecord.Started):
        """Declared here, so that the record's __init__ defines no event."""

    Planned: ClassVar[type[Any]]  # by ``_planned``; its fields are the parameters
    Recorded: ClassVar[type[Any]]  # by ``_recorded``

    def __init__(self, case_id: str, municipality: str, **_: Any) -> None:
        super().__init__(case_id, municipality)
        self.planned: list[dict[str, str]] = []
        self.done: list[dict[str, str | None]] = []

    @event("Planned")
    def _planned(
        self,
        case_id: str,
        actions: list[dict[str, str]],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.planned.extend(actions)

    @event("Recorded")
    def _recorded(
        self,
        case_id: str,
        action: str,
        done_on: str,
        note: str | None,  # sealed: what the visit or evaluation found
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.done.append({"action": action, "done_on": done_on, "note": note, "by": actor_id})

    def plan(
        self, team: Team, case: CaseLike, stage: str, period: Any, actions: list[dict[str, str]]
    ) -> None:
        """2.4: the coordinator plans the follow-up actions, each on a day
        within the period."""
        check_social_worker_act(team, case, "plan_follow_up")
        check_follow_up_stage(stage)
        if not actions:
            raise InvalidCaseCommand("plan at least one follow-up action", field="actions")
        planned = []
        for item in actions:
            check_choice(item["action"], names.FOLLOW_UP_ACTIONS, "actions.action")
            day = day_of(item["due_on"], "actions.due_on")
            check_within(period, day, "actions.due_on")
            planned.append({"action": item["action"], "due_on": day.isoformat()})
        planned.sort(key=lambda a: a["due_on"])
        self._planned(self.case_id, planned, **team.actor.event_fields())

    def record(
        self,
        team: Team,
        case: CaseLike,
        stage: str,
        period: Any,
        *,
        action: str,
        done_on: date,
        today: date,
        note: str | None,
    ) -> None:
        """2.4: the technician takes part in the follow-up as planned; the
        coordinator may record an evaluation too."""
        check_field_work(team, case, "record a follow-up action", coordinator_too=True)
        check_follow_up_stage(stage)
        check_choice(action, names.FOLLOW_UP_ACTIONS, "action")
        if done_on > today:
            raise InvalidCaseCommand(f"{done_on} has not come yet", field="done_on")
        check_within(period, done_on, "done_on")
        self._recorded(self.case_id, action, done_on.isoformat(), note, **team.actor.event_fields())


def check_follow_up_stage(stage: str) -> None:
    if stage not in ("closed", "follow_up"):
        raise StageConflict(
            f"follow-up actions belong to a closed case in follow-up; the case is {stage}",
            stage=stage,
        )
