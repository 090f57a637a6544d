"""What every RPC mixin of the coordination service shares: the actor and
command checks of the thin adapter (validate → one application call →
serialise)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.actor import Actor
from events.contracts import check_actor, check_command
from events.errors import InvalidCommand

SERVICE = "coordination"


class CoordinationRpc:
    app: Any
    correlation_id: str

    # -- helpers --------------------------------------------------------------
    def _actor(self, actor: Any) -> Actor:
        return Actor.from_dict(check_actor(actor), self.correlation_id)

    def _command(self, name: str, command: Any) -> dict:
        return check_command(SERVICE, name, command)

    @staticmethod
    def _uuid(value: Any, field: str) -> UUID:
        try:
            return UUID(str(value))
        except ValueError:
            raise InvalidCommand(f"{value!r} is not an id", field=field) from None
