"""The coordination application: one event-sourced application composed of
its capabilities' command mixins (registry, contracts, planning, tasks,
incidents), each in its own folder. It wires what one capability needs from
another (``ports.py``) and answers the queries that span several:
the auditor's read log and the county's figures."""

from __future__ import annotations

import functools
from typing import Any
from uuid import UUID

from events.actor import Actor
from events.adapter import uuid_arg
from events.clock import local_today
from events.exports import Records, unknown_kind
from events.store import EventSourcedApplication
from services.coordination.audit import ReadLog, check_reads_log
from services.coordination.contracts.commands import ContractCommands
from services.coordination.contracts.views import (
    ContractIndex,
    ExperienceMismatches,
    InForceView,
)
from services.coordination.figures import (
    check_month,
    county_figures,
    in_force_during,
    municipalities_in_scope,
    terms_of,
)
from services.coordination.incidents.commands import IncidentCommands
from services.coordination.incidents.views import IncidentIndex
from services.coordination.planning.commands import PlanJournalCommands
from services.coordination.planning.views import CoordinatorHours, JournalMonths
from services.coordination.registry.commands import RegistryCommands
from services.coordination.registry.views import RegistryView
from services.coordination.tasks.commands import TaskCommands
from services.coordination.tasks.views import OpenDelegations, TaskIndex


class CoordinationApplication(
    RegistryCommands,
    ContractCommands,
    PlanJournalCommands,
    TaskCommands,
    IncidentCommands,
    CoordinatorHours,
    EventSourcedApplication,
):
    name = "coordination"
    VIEWS = (
        RegistryView,
        ContractIndex,
        InForceView,
        ExperienceMismatches,
        JournalMonths,
        TaskIndex,
        OpenDelegations,
        IncidentIndex,
        ReadLog,
    )

    def __init__(self, store_url: str) -> None:
        super().__init__(store_url)
        # Each capability reaches another through the port it declares
        # (``ports.py``); the composed application is all of them.
        self.staff_directory = self
        self.coordination_ends = self
        self.experience_rechecks = self
        self.coordinations = self
        self.plans = self
        self.task_moves = self
        self.delegation_watch = self

    # -- the auditor's read log (R9) -------------------------------------------
    def bundle_records(self, actor: Actor, kind: str, subject: str) -> Records:
        """A contract's evidence bundle, or a technician's whole coordination:
        every contract they had and every task delegated to them
        (``events.exports``), each with its read."""
        if kind == "contract":
            contract_id = uuid_arg(subject, "subject")
            return [(contract_id, functools.partial(self.get_contract, actor, contract_id))]
        if kind != "coordination":
            raise unknown_kind(kind, ("contract", "coordination"))
        technician = str(uuid_arg(subject, "subject"))
        self.get_staff(UUID(technician))  # an unknown technician is named as such
        index = self._existing_index(technician)
        contracts = [UUID(c) for c in index.contracts] if index else []
        tasks = [UUID(t) for t in self.view(TaskIndex).of(technician)]
        return [
            *((c, functools.partial(self.get_contract, actor, c)) for c in contracts),
            *((t, functools.partial(self.get_task, actor, t)) for t in tasks),
        ]

    def coordination_reads(
        self, actor: Actor, technician_id: UUID | None = None
    ) -> list[dict[str, Any]]:
        """Who outside a coordination read its task sheets or journal."""
        check_reads_log(actor)
        return self.view(ReadLog).of(technician_id=str(technician_id) if technician_id else None)

    # -- the county's report (instrument G) -----------------------------------
    def county_figures(
        self, actor: Actor, month: str, municipality: str | None = None
    ) -> dict[str, Any]:
        """The coordination side of the county's consolidated report: R6
        hours and R1 coverage per municipality, counts only, so the SPAS
        head and the county read them as they read hours and compliance.
        What each figure means: ``figures.py``."""
        registry = self.view(RegistryView)
        contracts = list(self.view(ContractIndex).contracts.values())
        known = set(registry.municipalities) | {c["municipality"] for c in contracts}
        wanted = municipalities_in_scope(actor, municipality, known)
        today = local_today()
        month = check_month(month, today)
        compliances = [  # one small journal aggregate per contract and month
            self._compliance(terms_of(c), month, today) | {"municipality": c["municipality"]}
            for c in contracts
            if c["municipality"] in wanted and in_force_during(c, month)
        ]
        return county_figures(
            month, wanted, compliances, list(registry.staff.values()), contracts, today
        )
