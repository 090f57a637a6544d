"""Commands take effect once (issue 18, ADR 20): every command a service
takes has an id, and the service records the id with the command's outcome
in the same transaction as the events the command stores. A command that
arrives again with the same id — nameko redelivers an RPC whose reply was
lost when the service died after its commit; the gateway sends a command
again when its first answer never came — gets the first outcome back and
acts on nothing.

The id is the one the call's signed assertion carries (``cmd``, set by the
gateway from the request's ``Idempotency-Key``), else one derived from the
assertion's own id (``jti``), which a redelivered message carries too.

A result is kept as the broker's JSON would carry it, so the second answer
is the first one's text; a refusal (a ``CoordonareError``) is kept as its
class and arguments and raised again. An internal error records nothing: the
transaction rolled back, so nothing was done, and the command may run again.

On PostgreSQL the record joins the command's unit of work (one transaction,
``events.unit``). The id is claimed first, in the round trip that would
otherwise only look it up: a row of the command's own, its outcome written
with the commit (``RawUnit.at_commit``: no round trip of its own). A
duplicate running at the same moment waits at its claim on the primary key
until the first one ends, then answers with the outcome it recorded (or, if
the first rolled back, runs). A unit that rolls back takes its claim with
it. SQLite (an embedded, single-process run) has no shared transaction: the
record is its own, just after the command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from kombu.utils.json import dumps, loads
from sqlalchemy.dialects import sqlite

from events import faults
from events.errors import Conflict, CoordonareError
from events.pg_recorder import PgChainedRecorder
from events.schema import schema_lock

if TYPE_CHECKING:
    from events.store import EventSourcedApplication

KEEP = timedelta(days=7)  # past the gateway's 24 h of idempotency keys, and any redelivery
PRUNE_EVERY = 5_000  # recorded commands between two prunings, per process

metadata = sa.MetaData()
commands_taken = sa.Table(
    "commands_taken",
    metadata,
    sa.Column("command_id", sa.String(36), primary_key=True),
    sa.Column("command", sa.String(100), nullable=False),
    sa.Column("actor_id", sa.String(100), nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

_SELECT = "SELECT command, actor_id, outcome FROM commands_taken WHERE command_id = %s"
# The id claimed for this run, or what the run that holds it recorded. The
# SELECT's snapshot is the statement's start: a duplicate that committed
# while the INSERT waited for it is read again (``_claim``).
_CLAIM = (
    "WITH claimed AS (INSERT INTO commands_taken "
    "(command_id, command, actor_id, outcome, recorded_at) VALUES (%s, %s, %s, '', %s) "
    "ON CONFLICT (command_id) DO NOTHING RETURNING 1) "
    "SELECT EXISTS (SELECT FROM claimed), c.command, c.actor_id, c.outcome "
    "FROM (VALUES (1)) AS one LEFT JOIN commands_taken AS c ON c.command_id = %s"
)
_OUTCOME = "UPDATE commands_taken SET outcome = %s WHERE command_id = %s"


class CommandTaken(Exception):
    """A duplicate recorded the command first: this run is rolled back."""


class CommandLog:
    """The service's commands by id, with their outcomes."""

    def __init__(self, app: EventSourcedApplication) -> None:
        self.app = app
        self.engine = app.chained_recorder.engine
        self._recorded_here = 0
        recorder = app.chained_recorder
        # PostgreSQL: the statements join the greenthread's unit of work
        self._raw = recorder if isinstance(recorder, PgChainedRecorder) else None
        with schema_lock(self.engine):
            metadata.create_all(self.engine, checkfirst=True)

    def once(self, command_id: str, actor_id: str, command: str, run: Callable[[], Any]) -> Any:
        """``run()``'s outcome, in one unit of work with its record; the
        recorded outcome, without running, when the id was taken before."""
        return self.once_for(lambda: (command_id, actor_id), command, run)

    def once_for(
        self, caller: Callable[[], tuple[str, str]], command: str, run: Callable[[], Any]
    ) -> Any:
        """``once``, for the ``(command id, actor id)`` that ``caller()``
        verifies first, in the same unit of work (``events.nameko.rpc``: the
        reads of the check join the command's transaction; a refusal it
        records commits as the answer)."""
        command_id = actor_id = ""
        try:
            with self.app.unit_of_work(commit_on=(CoordonareError,)):
                command_id, actor_id = caller()
                recorded = self._claim(command_id, command, actor_id)
                if recorded is not None:
                    return _replay(recorded, actor_id, command)
                try:
                    result = run()
                except CoordonareError as refused:
                    self._record(command_id, command, actor_id, _refusal(refused))
                    raise
                self._record(command_id, command, actor_id, dumps({"result": result}))
                faults.point("command.before_commit")
            faults.point("command.after_commit")  # (the reply not sent yet)
            return result
        except CommandTaken:
            recorded = self._recorded(command_id)
            assert recorded is not None  # the duplicate's, committed before ours was refused
            return _replay(recorded, actor_id, command)

    # -- the table -------------------------------------------------------------------
    def _claim(self, command_id: str, command: str, actor_id: str) -> tuple[str, str, str] | None:
        """None when this run holds the id now; else what was recorded under it."""
        if self._raw is None:
            return self._recorded(command_id)
        args = (command_id, command, actor_id[:100], datetime.now(UTC), command_id)
        while True:
            ((claimed, *recorded),) = self._raw.statement(_CLAIM, args)
            if claimed:
                return None
            if recorded[0] is not None:
                return (recorded[0], recorded[1], recorded[2])
            found = self._recorded(command_id)  # committed while the claim waited for it
            if found is not None:
                return found
            # ... and pruned since: the id is free again

    def _recorded(self, command_id: str) -> tuple[str, str, str] | None:
        rows: list[Any]
        if self._raw is not None:
            rows = self._raw.statement(_SELECT, (command_id,))
        else:
            with self.engine.connect() as conn:
                rows = list(conn.execute(_select(command_id)).tuples())
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def _record(self, command_id: str, command: str, actor_id: str, outcome: str) -> None:
        if self._raw is not None:
            self._raw.at_commit(_OUTCOME, (outcome, command_id))  # the claim's row
        else:
            row = (command_id, command, actor_id[:100], outcome, datetime.now(UTC))
            with self.engine.begin() as conn:
                if conn.execute(_insert(*row)).rowcount != 1:
                    raise CommandTaken(command_id)
        self._recorded_here += 1
        if self._recorded_here % PRUNE_EVERY == 0:
            self.prune()

    def prune(self, keep: timedelta = KEEP) -> int:
        """Forgets the commands recorded more than ``keep`` ago."""
        older = commands_taken.c.recorded_at < datetime.now(UTC) - keep
        with self.engine.begin() as conn:
            return conn.execute(commands_taken.delete().where(older)).rowcount


def _select(command_id: str) -> sa.Select:
    columns = commands_taken.c
    return sa.select(columns.command, columns.actor_id, columns.outcome).where(
        columns.command_id == command_id
    )


def _insert(command_id: str, command: str, actor_id: str, outcome: str, at: datetime) -> sa.Insert:
    return (
        sqlite.insert(commands_taken)
        .values(
            command_id=command_id,
            command=command,
            actor_id=actor_id,
            outcome=outcome,
            recorded_at=at,
        )
        .on_conflict_do_nothing()
    )


# -- outcomes -----------------------------------------------------------------------
def _refusal(error: CoordonareError) -> str:
    kind = type(error)
    return dumps({"error": {"path": f"{kind.__module__}.{kind.__qualname__}", "args": error.args}})


def _replay(recorded: tuple[str, str, str], actor_id: str, command: str) -> Any:
    """The recorded outcome, for the same caller and command only."""
    taken_as, taken_by, outcome = recorded
    if (taken_as, taken_by) != (command, actor_id[:100]):
        raise Conflict(
            f"identificatorul comenzii a fost folosit deja pentru altă comandă ({taken_as})",
            field="command_id",
        )
    kept = loads(outcome)
    if "error" in kept:
        raise _error(kept["error"]["path"], kept["error"]["args"])
    return kept["result"]


def _error(path: str, args: list[Any]) -> CoordonareError:
    """The refusal as first raised: same class, same arguments (what nameko
    sends the caller is made of those)."""
    kind = _error_classes().get(path, CoordonareError)
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.message, error.details = args[0], args[1] if len(args) > 1 else {}
    if isinstance(error.details, dict) and "rule" in error.details:
        error.rule = error.details["rule"]  # type: ignore[attr-defined]
    return error


def _error_classes() -> dict[str, type[CoordonareError]]:
    found: dict[str, type[CoordonareError]] = {}
    pending: list[type[CoordonareError]] = [CoordonareError]
    while pending:
        kind = pending.pop()
        found[f"{kind.__module__}.{kind.__qualname__}"] = kind
        pending.extend(kind.__subclasses__())
    return found
