"""What every RPC mixin of the coordination service shares: the thin
adapter (validate → one application call → serialise) of ``events.adapter``."""

from __future__ import annotations

from events.adapter import RpcAdapter

SERVICE = "coordination"


class CoordinationRpc(RpcAdapter):
    name = SERVICE
