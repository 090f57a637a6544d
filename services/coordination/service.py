"""Nameko adapter of the coordination service: the capabilities' RPC mixins
composed (each in its folder's ``rpc.py``), plus the queries that span
several. Each entrypoint validates its input against ``contracts/commands``,
makes one application call and returns plain data; errors are
``events.errors`` subclasses with stable codes."""

from __future__ import annotations

from events.adapter import query, uuid_arg
from events.audited import AuditedLog
from events.nameko import ApplicationProvider, CallContext, ObservedService
from services.coordination.application import CoordinationApplication
from services.coordination.contracts.rpc import ContractRpc
from services.coordination.incidents.rpc import IncidentRpc
from services.coordination.planning.rpc import PlanJournalRpc
from services.coordination.published import publication_of
from services.coordination.registry.rpc import RegistryRpc
from services.coordination.rpc_base import SERVICE
from services.coordination.tasks.rpc import TaskRpc


class CoordinationService(
    ObservedService, AuditedLog, RegistryRpc, ContractRpc, PlanJournalRpc, TaskRpc, IncidentRpc
):
    """Registry, contracts, plan and journal, task sheets and incidents in
    their mixins (nameko collects inherited entrypoints)."""

    name = SERVICE

    app: CoordinationApplication = ApplicationProvider(CoordinationApplication, publication_of)
    correlation_id: str = CallContext()

    # The auditor's: who outside a coordination read its tasks or journal.
    coordination_reads = query(
        "coordination_reads",
        lambda app, actor, technician_id=None: app.coordination_reads(
            actor, None if technician_id is None else uuid_arg(technician_id, "technician_id")
        ),
    )

    # -- the county's report (instrument G) ---------------------------------
    # R6 hours and R1 coverage per municipality, for the county's report.
    county_figures = query(
        "county_figures",
        lambda app, actor, month, municipality=None: app.county_figures(
            actor, month, None if municipality is None else str(municipality)
        ),
    )
