"""RPC entrypoints of incident (mixin of CoordinationService)."""

from __future__ import annotations

from services.coordination.rpc_base import CoordinationRpc


class IncidentRpc(CoordinationRpc):
    pass
