"""A service call as the gateway makes it: the RPC it goes through, its
outcome, its time limit, and the idempotency key it may hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Outcome(Protocol):
    """A service call under way (nameko's RpcReply)."""

    def result(self) -> Any: ...


class Rpc(Protocol):
    def call(
        self, service: str, operation: str, actor: dict, payload: dict, *, command: bool
    ) -> Outcome: ...


class Timeout(Exception):
    """The service gave no answer in time; whether a command acted is not
    known yet."""


@dataclass(frozen=True)
class Claim:
    """An idempotency key a request holds, and what its answer names (the
    correlation id, the instance) should the answer come late."""

    principal: str
    key: str
    cid: str
    instance: str


@dataclass
class Settings:
    max_body_bytes: int = 64 * 1024
    rpc_timeout_seconds: float = 30.0
