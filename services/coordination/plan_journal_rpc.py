"""RPC entrypoints of plan and journal (mixin of CoordinationService)."""

from __future__ import annotations

from services.coordination.rpc_base import CoordinationRpc


class PlanJournalRpc(CoordinationRpc):
    pass
