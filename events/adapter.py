"""The thin adapter every service's RPC entrypoints share (DESIGN §6):
validate the actor and the command against ``contracts/``, make one
application call, return plain data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.contracts import check_actor, check_command
from events.errors import InvalidCommand


class RpcAdapter:
    name: str  # the service's, which names its folder of command contracts
    app: Any
    correlation_id: str

    def _actor(self, actor: Any) -> Actor:
        return Actor.from_dict(check_actor(actor), self.correlation_id)

    def _command(self, command_name: str, command: Any) -> dict:
        return check_command(self.name, command_name, command)

    @staticmethod
    def _uuid(value: Any, field: str) -> UUID:
        try:
            return UUID(str(value))
        except ValueError:
            raise InvalidCommand(f"{value!r} is not an id", field=field) from None
