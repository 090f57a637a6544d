"""What each capability of the coordination service offers the others: the
registry a staff member's entry, the contracts R1 (who coordinates whom),
the plan the plan in force, the task sheets the moves of a redistribution.
Each is a ``Protocol``: the composed ``CoordinationApplication`` satisfies
them all, and a capability declares an attribute named after the port it
uses (``staff_directory: StaffDirectory``), which the application sets to
itself, so no capability reaches into another except through its port."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from events.actor import Actor


class StaffDirectory(Protocol):
    """The registry, as the contracts read it: a staff member's entry
    (``registry.commands.staff_view``), or ``UnknownStaff`` raised."""

    def get_staff(self, staff_id: UUID) -> dict[str, Any]: ...


class Coordinations(Protocol):
    """R1 for every capability: the technician's coordination today, and a
    contract as its reader may see it."""

    def coordination_of(self, technician_id: UUID) -> dict[str, Any] | None:
        """``technician_id``, ``coordinator_id``, ``contract_id``,
        ``municipality``, ``hours_per_month``; None when none is active."""
        ...

    def get_contract(self, actor: Actor, contract_id: UUID) -> dict[str, Any]:
        """``contract_view``, or refused as a read (``check_may_read``)."""
        ...


class CoordinationEnds(Protocol):
    """Ending coordination as the consequence of a registry fact (R10
    licensing, a transfer, a departure): the aggregates to save with it."""

    def end_coordination_of(
        self, actor: Actor, technician_id: str, reason: str
    ) -> list[Aggregate]: ...

    def end_coordinations_by(self, actor: Actor, coordinator_id: str) -> list[Aggregate]: ...


class ExperienceRechecks(Protocol):
    """R5 kept true (principle 9): the contracts to save with a change of a
    party's categories or experience, flagged or cleared (``staff``: the
    entry as changed; ``because``: ``EXPERIENCE_RECHECKS``)."""

    def recheck_experience_of(
        self, actor: Actor, staff: dict[str, Any], because: str
    ) -> list[Aggregate]: ...


class DelegationWatch(Protocol):
    """4.2.1 from the tasks: the difficulty to save with a delegation that
    leaves the technician too many open tasks (``open_tasks``, this one
    included) from their coordinator; none below the county's limit."""

    def excessive_delegation_raised(
        self, actor: Actor, coordination: dict[str, Any], open_tasks: int
    ) -> list[Aggregate]: ...


class Plans(Protocol):
    """The plan in force for a contract (``plan_view``), None before one is drawn up."""

    def plan_of(self, contract_id: UUID) -> dict[str, Any] | None: ...


class TaskMoves(Protocol):
    """The task sheets an incident moves (not saved: saved with the
    incident's fact that moves them, in one transaction)."""

    def open_tasks_moved(
        self, actor: Actor, from_technician_id: str, to_technician_id: UUID, reason: str
    ) -> list[Any]: ...

    def tasks_moved_back(
        self, actor: Actor, holder_id: str, owner_id: str, because: str
    ) -> list[Any]: ...
