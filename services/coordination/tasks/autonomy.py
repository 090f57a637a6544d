"""The autonomy a task is delegated with (3.2 B, 3.2 C): the plan's, raised
or capped by what the technician's latest evaluation concluded.

Pure domain, like ``domain.py``: the rule (``autonomy_for``) and the
evaluations service's conclusion kept as a fact of coordination's own
(``EvaluatedAutonomy``), so that delegation never asks another service.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, NamedTuple
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.errors import InvalidCommand, RuleViolation
from events.topics import moved
from events.vocabulary import DELEGABLE_TASKS


class NotDelegableInPlan(RuleViolation):
    code = "not_delegable_in_plan"


class ConclusionNotApplicable(InvalidCommand):
    """An evaluation's conclusion that does not fit a contract of ours: it is
    not kept (the subscription records only its position)."""

    code = "autonomy_conclusion_not_applicable"


def autonomy_in_plan(task_type: str, delegable: Mapping[str, str] | None) -> str:
    """R3 as the coordination plan narrows it (3.2 C): the task type must be
    on the plan's delegable list; the plan also says with how much autonomy.
    Without a plan yet, every R3 type is delegable under supervision."""
    if delegable is None:
        return "supervised"
    if task_type not in delegable:
        raise NotDelegableInPlan(
            "R3",
            f"{task_type} is not on the delegable task list of the coordination plan",
            task_type=task_type,
        )
    return delegable[task_type]


class Autonomy(NamedTuple):
    """The autonomy a task is delegated with, and where it comes from:
    ``plan``, ``evaluation`` or ``default`` (no plan yet)."""

    level: str
    source: str


def autonomy_for(
    task_type: str,
    plan_delegable: Mapping[str, str] | None,
    evaluated_autonomous: Collection[str] | None,
) -> Autonomy:
    """The effective autonomy of a delegated task (3.2 B: the evaluation is
    the basis of the delegated tasks and their limits).

    Whether the task is delegable at all is the plan's (R3, ``autonomy_in_plan``,
    refused otherwise). Then: a task the contract's latest evaluation concluded
    the technician does with autonomy is ``autonomous``; any other gets the
    plan's level (``supervised`` without a plan), except that the plan's
    ``autonomous`` without an evaluation that concluded it is lowered to
    ``guided``: autonomy needs an evaluation behind it.
    ``evaluated_autonomous`` is None when no evaluation has concluded yet; an
    empty list is an evaluation that withdrew all autonomy."""
    planned = autonomy_in_plan(task_type, plan_delegable)
    if evaluated_autonomous is not None and task_type in evaluated_autonomous:
        return Autonomy("autonomous", "evaluation")
    source = "default" if plan_delegable is None else "plan"
    if planned == "autonomous":
        return Autonomy("guided", source)
    return Autonomy(planned, source)


_NS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination/tasks")


def evaluated_autonomy_id(contract_id: UUID | str) -> UUID:
    """One per contract: each later conclusion replaces the earlier one, and a
    new contract (another coordinator) starts without any."""
    return uuid5(_NS, f"evaluated-autonomy:{contract_id}")


def check_conclusion_fits(contract: Mapping[str, Any], conclusion: Mapping[str, Any]) -> None:
    """An evaluation concludes about the contract's technician and is the
    contract's coordinator's; only R3 task types can be done with autonomy
    (never an exclusive act, R2)."""
    for party in ("technician_id", "coordinator_id"):
        if conclusion[party] != contract[party]:
            raise ConclusionNotApplicable(
                f"evaluation {conclusion['evaluation_id']} names {party} {conclusion[party]}; "
                f"contract {contract['contract_id']} has {contract[party]}",
                field=party,
            )
    foreign = [t for t in conclusion["autonomous_tasks"] if t not in DELEGABLE_TASKS]
    if foreign:
        raise ConclusionNotApplicable(
            f"{', '.join(foreign)}: not delegable task types (R2, R3)", field="autonomous_tasks"
        )


class EvaluatedAutonomy(AuditedAggregate):
    """What the latest evaluation under a contract concluded the technician
    does with autonomy: the evaluations service's conclusion, kept as a fact
    of coordination's own so that delegation never asks another service."""

    class Opened(Aggregate.Created, AuditedAggregate.Event):
        contract_id: str
        municipality: str
        technician_id: str
        coordinator_id: str

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
        self.evaluation_id = self.kind = self.concluded_on = ""
        self.autonomous_tasks: list[str] = []
        self.support_domains: list[str] = []

    @classmethod
    def open(cls, actor: Actor, contract: Mapping[str, Any]) -> EvaluatedAutonomy:
        return cls._create(
            cls.Opened,
            id=evaluated_autonomy_id(contract["contract_id"]),
            contract_id=contract["contract_id"],
            municipality=contract["municipality"],
            technician_id=contract["technician_id"],
            coordinator_id=contract["coordinator_id"],
            **actor.event_fields(),
        )

    def conclude(
        self, actor: Actor, contract: Mapping[str, Any], conclusion: Mapping[str, Any]
    ) -> None:
        """The newer conclusion replaces the list (in the order the
        evaluations service published them); an empty list withdraws all
        autonomy."""
        check_conclusion_fits(contract, conclusion)
        self._concluded(
            evaluation_id=conclusion["evaluation_id"],
            kind=conclusion["kind"],
            autonomous_tasks=[t for t in DELEGABLE_TASKS if t in conclusion["autonomous_tasks"]],
            support_domains=list(conclusion["support_domains"]),
            concluded_on=conclusion["concluded_on"],
            **actor.event_fields(),
        )

    @event("Concluded")
    def _concluded(
        self,
        evaluation_id: str,
        kind: str,
        autonomous_tasks: list[str],
        support_domains: list[str],
        concluded_on: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.evaluation_id, self.kind = evaluation_id, kind
        self.autonomous_tasks = list(autonomous_tasks)
        self.support_domains = list(support_domains)
        self.concluded_on = concluded_on


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.coordination.tasks:EvaluatedAutonomy", EvaluatedAutonomy)
