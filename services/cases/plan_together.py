"""The intervention plan drawn up together (guide 3.2 C: "elaborat de
asistentul social împreună cu tehnicianul; stabilește obiective, activități
și termene"; 2.3: the technician "propune ajustări simple ale activităților";
3.3 §3a).

The plan (PII) is the social worker's to write and change (R2); each version
has its objectives and a dated calendar of activities — what is done, on
which day, by whom — not only how often people meet. The technician who
works on the case acknowledges each version they are to carry out, and may
propose adjustments to it; the social worker decides on them by revising
the plan. What an activity or a proposal says is sealed.

Versions stored before the calendar have none (``activities`` 0): they load
and read as they were. Pure domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from eventsourcing.domain import event

from events.errors import Conflict
from events.team import Team
from events.vocabulary import cases as names
from services.cases.case_record import CaseRecord
from services.cases.competence import (
    CaseAccessDenied,
    CaseLike,
    CaseNotVisible,
    InvalidCaseCommand,
    StageConflict,
    check_choice,
    check_under_coordination,
    relation,
)

# The stages in which a plan is carried out, and so acknowledged or adjusted.
CARRIED_OUT = ("intervention_plan", "intervention", "monitoring")


class PlanResponseConflict(Conflict):
    code = "plan_response_conflict"


def check_plan(
    objectives: list[dict[str, Any]], activities: list[dict[str, Any]]
) -> dict[str, Any]:
    """A version of the PII: at least one objective (each with whose it is),
    and its calendar: at least one activity, each with its day (YYYY-MM-DD)
    and who carries it out. What is published of it: counts, the nearest
    deadline and activity, who is responsible."""
    if not objectives:
        raise InvalidCaseCommand("a plan has at least one objective", field="objectives")
    for o in objectives:
        check_choice(o["responsible"], names.RESPONSIBLE, "objectives.responsible")
    if not activities:
        raise InvalidCaseCommand(
            "a plan has a dated calendar of activities (3.2 C): at least one activity, its "
            "day and who carries it out",
            field="activities",
        )
    days = []
    for a in activities:
        if not isinstance(a.get("activity"), str) or not a["activity"].strip():
            raise InvalidCaseCommand("say what the activity is", field="activities.activity")
        try:
            days.append(date.fromisoformat(str(a.get("date"))).isoformat())
        except ValueError:
            raise InvalidCaseCommand(
                f"an activity's date is a day, YYYY-MM-DD, not {a.get('date')!r}",
                field="activities.date",
            ) from None
        check_choice(a.get("responsible", ""), names.RESPONSIBLE, "activities.responsible")
    return {
        "objectives": len(objectives),
        "next_deadline": min(o["deadline"] for o in objectives),
        "responsible": sorted({o["responsible"] for o in objectives}),
        "activities": len(activities),
        "next_activity_on": min(days),
    }


def calendar(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The activities in the order of their days (stable for one day)."""
    return sorted(
        ({"activity": a["activity"].strip(), "date": a["date"], "responsible": a["responsible"]}
         for a in activities),
        key=lambda a: a["date"],
    )  # fmt: skip


class PlanResponses(CaseRecord):
    """The technicians' answers to the case's plan: who acknowledged which
    version, and the adjustments they proposed."""

    KIND = "plan-responses"

    class Started(CaseRecord.Started):
        """Declared here, so that the record's __init__ defines no event."""

    Acknowledged: ClassVar[type[Any]]  # by ``_acknowledged``; its fields are the parameters
    AdjustmentProposed: ClassVar[type[Any]]  # by ``_proposed``

    def __init__(self, case_id: str, municipality: str, **_: Any) -> None:
        super().__init__(case_id, municipality)
        self.acknowledged: list[dict[str, Any]] = []
        self.proposals: list[dict[str, Any]] = []

    @event("Acknowledged")
    def _acknowledged(
        self,
        case_id: str,
        version: int,
        technician_id: str,
        on: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.acknowledged.append({"version": version, "technician_id": technician_id, "on": on})

    @event("AdjustmentProposed")
    def _proposed(
        self,
        case_id: str,
        version: int,
        technician_id: str,
        proposal: str,  # sealed
        on: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.proposals.append(
            {"version": version, "technician_id": technician_id, "proposal": proposal, "on": on}
        )

    # -- the technician --------------------------------------------------------
    def acknowledge(
        self, team: Team, case: CaseLike, stage: str, current: int, version: int, on: str
    ) -> None:
        """The technician acknowledges the version they carry out, once."""
        self.check_may_respond(team, case, stage, current, version)
        if any(
            a["version"] == version and a["technician_id"] == team.id for a in self.acknowledged
        ):
            raise PlanResponseConflict(
                f"you acknowledged version {version} of the plan already", version=version
            )
        self._acknowledged(self.case_id, version, team.id, on, **team.actor.event_fields())

    def propose(
        self,
        team: Team,
        case: CaseLike,
        stage: str,
        current: int,
        version: int,
        proposal: str,
        on: str,
    ) -> None:
        """An adjustment proposed to the current version; the social worker
        decides on it by revising the plan (R2)."""
        self.check_may_respond(team, case, stage, current, version)
        self._proposed(self.case_id, version, team.id, proposal, on, **team.actor.event_fields())

    def check_may_respond(
        self, team: Team, case: CaseLike, stage: str, current: int, version: int
    ) -> None:
        check_under_coordination(team)
        if relation(team, case) != "technician":
            if team.role == "technician":
                raise CaseNotVisible(f"case {case.id} is outside your scope")
            raise CaseAccessDenied(
                "the plan is acknowledged, and adjustments proposed, by a technician who works "
                "on the case; the social worker revises the plan instead",
                case_id=str(case.id),
            )
        if stage not in CARRIED_OUT or current == 0:
            raise StageConflict(
                f"a case that is {stage} has no plan being carried out",
                stage=stage,
                case_id=str(case.id),
            )
        if version != current:
            raise PlanResponseConflict(
                f"version {version} is not the plan's current version ({current}); read it again",
                version=version,
                current=current,
            )
