"""RPC entrypoints of task (mixin of CoordinationService)."""

from __future__ import annotations

from services.coordination.rpc_base import CoordinationRpc


class TaskRpc(CoordinationRpc):
    pass
