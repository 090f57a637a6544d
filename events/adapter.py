"""The thin adapter every service's RPC entrypoints share (DESIGN §6):
the actor as the call's verified assertion says (``events.trust``, ADR 12),
the command validated against ``contracts/``, one application call, plain
data back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.contracts import check_actor, check_command
from events.errors import InvalidCommand
from events.trust import CallIdentity, CallIdentityProvider


class RpcAdapter:
    name: str  # the service's, which names its folder of command contracts
    app: Any
    correlation_id: str
    identity: CallIdentity = CallIdentityProvider()

    def _actor(self, actor: Any) -> Actor:
        """Who calls: the verified caller, never the dict (which, when it
        names someone, must name the same person)."""
        return self.identity.actor(check_actor(actor), self.correlation_id)

    def _command(self, command_name: str, command: Any) -> dict:
        return check_command(self.name, command_name, command)

    @staticmethod
    def _uuid(value: Any, field: str) -> UUID:
        try:
            return UUID(str(value))
        except ValueError:
            raise InvalidCommand(f"{value!r} is not an id", field=field) from None
