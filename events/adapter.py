"""The thin adapter every service's RPC entrypoints share (DESIGN §6):
the actor as the call's verified assertion says (``events.trust``, ADR 12),
the command validated against ``contracts/``, one application call, plain
data back."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from uuid import UUID

from events import as_of
from events.actor import Actor
from events.contracts import check_actor, check_command
from events.errors import InvalidCommand
from events.nameko import rpc
from events.store import EventSourcedApplication
from events.trust import CallIdentity, CallIdentityProvider

App = TypeVar("App", bound=EventSourcedApplication)


class RpcAdapter(Generic[App]):
    """Base of a service's RPC entrypoints: who calls, and the command as its
    contract allows it. ``RpcAdapter[CasesApplication]`` types ``app``."""

    name: str  # the service's, which names its folder of command contracts
    app: App
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


def uuid_arg(value: Any, field: str) -> UUID:
    """A query's argument as an id; a malformed one is refused at ``field``."""
    return RpcAdapter._uuid(value, field)


def id_of(command: dict[str, Any], field: str) -> UUID:
    """The command's ``field`` as an id; a malformed one is refused at that field."""
    return uuid_arg(command[field], field)


# The application is the service's own: a lambda written in the service's
# class body cannot name its type, so it reaches the call as ``Any``.
CommandCall = Callable[[Any, Actor, dict[str, Any]], Any]
QueryCall = Callable[..., Any]


def command(name: str, call: CommandCall) -> Callable[..., Any]:
    """One command entrypoint, declared in one line of the service: the
    verified actor, the command checked against ``contracts/<service>/<name>``,
    one application call, plain data back.

        delegate_task = command("delegate_task", lambda app, actor, c: ...)
    """

    def entrypoint(self: RpcAdapter[Any], actor: Any, command: Any) -> Any:
        return call(self.app, self._actor(actor), self._command(name, command))

    entrypoint.__name__ = entrypoint.__qualname__ = name
    return rpc(entrypoint, command=True)


def query(name: str, call: QueryCall, *, past: bool = False) -> Callable[..., Any]:
    """One query entrypoint: the verified actor, then the query's own
    arguments as the caller gave them (``call(app, actor, *args)``).

    ``past``: a record's read, which may also be asked ``as_of`` a moment
    (ISO 8601 with its offset) or at the record's ``version`` — the record
    its first argument names — or for its ``history`` (``events.as_of``)."""

    def entrypoint(self: RpcAdapter[Any], actor: Any, *args: Any, **kwargs: Any) -> Any:
        who = self._actor(actor)
        if not past:
            return call(self.app, who, *args, **kwargs)
        moment = as_of.moment_arg(kwargs.pop("as_of", None))
        version = as_of.version_arg(kwargs.pop("version", None))
        whole = kwargs.pop("history", None)
        record = _record_id(args[0] if args else next(iter(kwargs.values()), None))
        if whole:
            if record is None or moment is not None or version is not None:
                raise InvalidCommand(
                    "a record's history is asked of the record alone", field="history"
                )
            return as_of.history(self.app, record, lambda: call(self.app, who, *args, **kwargs))
        with self.app.as_of(moment, record, version):
            return call(self.app, who, *args, **kwargs)

    entrypoint.__name__ = entrypoint.__qualname__ = name
    # The query's own parameters, as a method would declare them: nameko
    # refuses a call that does not fit them (IncorrectSignature), and the
    # gateway's route table is checked against them.
    own = list(inspect.signature(call).parameters.values())[2:]
    if past:
        own += [
            inspect.Parameter(p, inspect.Parameter.KEYWORD_ONLY, default=None)
            for p in ("as_of", "version", "history")
        ]
    entrypoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("actor", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *own,
        ]
    )
    return rpc(entrypoint)


def _record_id(value: Any) -> UUID | None:
    """The record's id, if it is one (a malformed one is refused by the read)."""
    try:
        return UUID(str(value))
    except ValueError:
        return None
