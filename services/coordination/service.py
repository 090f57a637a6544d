"""Nameko adapter of the coordination service: the capabilities' RPC mixins
composed (each in its folder's ``rpc.py``), plus the queries that span
several. Each entrypoint validates its input against ``contracts/commands``,
makes one application call and returns plain data; errors are
``events.errors`` subclasses with stable codes."""

from __future__ import annotations

from events.nameko import ApplicationProvider, CallContext, ObservedService, rpc
from services.coordination.application import CoordinationApplication
from services.coordination.contracts.rpc import ContractRpc
from services.coordination.incidents.rpc import IncidentRpc
from services.coordination.planning.rpc import PlanJournalRpc
from services.coordination.published import publication_of
from services.coordination.registry.rpc import RegistryRpc
from services.coordination.rpc_base import SERVICE
from services.coordination.tasks.rpc import TaskRpc


class CoordinationService(
    ObservedService, RegistryRpc, ContractRpc, PlanJournalRpc, TaskRpc, IncidentRpc
):
    """Registry, contracts, plan and journal, task sheets and incidents in
    their mixins (nameko collects inherited entrypoints)."""

    name = SERVICE

    app: CoordinationApplication = ApplicationProvider(CoordinationApplication, publication_of)
    correlation_id: str = CallContext()

    @rpc
    def coordination_reads(self, actor: dict, technician_id: str | None = None) -> list[dict]:
        """The auditor's: who outside a coordination read its tasks or journal."""
        return self.app.coordination_reads(
            self._actor(actor),
            None if technician_id is None else self._uuid(technician_id, "technician_id"),
        )

    # -- the county's report (instrument G) ---------------------------------
    @rpc
    def county_figures(self, actor: dict, month: str, municipality: str | None = None) -> dict:
        """R6 hours and R1 coverage per municipality, for the county's report."""
        return self.app.county_figures(
            self._actor(actor), month, None if municipality is None else str(municipality)
        )
