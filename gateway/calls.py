"""A service call as the gateway makes it: the RPC it goes through, its
outcome, its time limit, and the idempotency key it may hold."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from events.config import STORE_UNREACHABLE


class Outcome(Protocol):
    """A service call under way (nameko's RpcReply)."""

    def result(self) -> Any: ...


class Rpc(Protocol):
    def call(
        self,
        service: str,
        operation: str,
        actor: dict,
        payload: dict,
        *,
        command: bool,
        command_id: str | None = None,
    ) -> Outcome: ...


# What a service's call fails with when its store failed under it, by the
# name nameko carries (``RemoteError.exc_type``). The call's transaction was
# rolled back, or its command id makes a retry safe (``events.commands``):
# the client is told to try again (503), not that its request failed (500).
STORE_FAILED = frozenset(error.__name__ for error in STORE_UNREACHABLE)


class Timeout(Exception):
    """The service gave no answer in time; whether a command acted is not
    known yet."""


@dataclass(frozen=True)
class Claim:
    """An idempotency key a request holds, what its answer names (the
    correlation id, the instance) should the answer come late, and the id
    its command goes under (``events.commands``)."""

    principal: str
    key: str
    cid: str
    instance: str
    command_id: str

    @classmethod
    def of(cls, principal: str, key: str, cid: str, instance: str, fingerprint: str) -> Claim:
        """The command id is the key's: every retry of this request sends the
        same one, so the service acts once and answers each with the first
        outcome. The fingerprint is in it too: a key reused once the gateway
        forgot it (``GATEWAY_IDEMPOTENCY_HOURS``) names a new command."""
        named = f"coordonare:{principal}\n{key}\n{fingerprint}"
        return cls(principal, key, cid, instance, str(uuid.uuid5(uuid.NAMESPACE_URL, named)))


@dataclass
class Settings:
    max_body_bytes: int = 64 * 1024
    rpc_timeout_seconds: float = 30.0
