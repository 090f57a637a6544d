"""Verification of a service's store through the API (issue 19, part 4):
the auditor starts one, and reads its progress and then its result — the
chain intact with N events and its head hash, or the first broken position
and why — held to every checkpoint on the service's stream (ADR 23), as
``coordonare-verify`` holds it (``events.verify.verify_chain``).

A walk reads the whole store, so it runs in a green thread of its own in
the service's process, giving the hub back between batches of rows: the
service answers its other requests meanwhile. Its record is kept in that
process's memory (``KEPT``): a verification is evidence to read now, and
each is started again at will, so nothing of it belongs in the store. With
several replicas, it is read on the replica that runs it; another answers
that it knows no such verification.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import eventlet

from events.chain import ChainRow
from events.checkpoint import Checkpoint, PublicKeys
from events.errors import Conflict, NotFound
from events.verify import Report, verify_chain

log = logging.getLogger(__name__)

# Verifications remembered per process, the newest: enough for every auditor
# of a county to read theirs, and a bound on memory that a loop of starts
# cannot push up (each record is small; a walk is not kept, only its result).
KEPT = 20
BATCH = 1_000  # rows hashed between two turns given to the other requests


class UnknownVerification(NotFound):
    code = "unknown_verification"


class VerificationRunning(Conflict):
    """One walk at a time per process: each reads the whole store."""

    code = "verification_running"


@dataclass
class Verification:
    id: str
    started_by: str
    started_at: str
    head: int  # the store's last position when it started: what "all" is
    anchor: bytes | None = None
    state: str = "running"  # then "done", or "failed" (the store or broker failed it)
    checked: int = 0  # events (a position may be missing: a rolled-back insert)
    position: int = 0  # the last one checked: against ``head``, how far it is
    checkpoints_read: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    finished_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "verification_id": self.id,
            "state": self.state,
            "started_by": self.started_by,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "progress": {"checked": self.checked, "position": self.position, "of": self.head},
            "checkpoints_read": self.checkpoints_read,
            "anchor": self.anchor.hex() if self.anchor else None,
            "result": self.result,
            "error": self.error,
        }


def result_of(report: Report) -> dict[str, Any]:
    """A report as the auditor reads it: ``intact`` with ``events`` and
    ``head``, or where the chain broke (``broken_at``, None when events
    were removed from its end) and ``reason``; the checkpoints held to it
    and those not believed (``ignored``)."""
    verdict = report.verdict
    row = verdict.broken_at
    broken = None
    if row is not None:
        broken = {
            "position": row.notification_id,
            "aggregate_id": str(row.originator_id),
            "aggregate_version": row.originator_version,
            "type": row.topic.rsplit(":", 1)[-1],
        }
    return {
        "intact": report.intact,
        "events": verdict.checked,
        "head": verdict.head.hex(),
        "checkpoints": verdict.checkpoints,
        "broken_at": broken,
        "reason": verdict.reason or None,
        "ignored_checkpoints": report.ignored,
        "description": report.describe(),
    }


class Verifications:
    """The verifications of one service's store in this process.

    ``rows()`` walks the store (``chain_rows``); ``checkpoints()`` reads
    the service's stream; ``keys``: the service's checkpoint public keys
    (None without a key: only the chain is checked); ``spawn`` starts a
    walk (the container's managed threads: a walk ends with its service)."""

    def __init__(
        self,
        service: str,
        rows: Callable[[], Iterable[ChainRow]],
        head: Callable[[], int],
        checkpoints: Callable[[], list[Checkpoint]],
        keys: PublicKeys | None,
        spawn: Callable[[Callable[[], None]], Any] = eventlet.spawn,
    ) -> None:
        self.service, self.rows, self.head = service, rows, head
        self.checkpoints, self.keys, self.spawn = checkpoints, keys, spawn
        self._kept: OrderedDict[str, Verification] = OrderedDict()

    def start(self, started_by: str, anchor: bytes | None = None) -> dict[str, Any]:
        running = [v.id for v in self._kept.values() if v.state == "running"]
        if running:
            raise VerificationRunning(
                f"verification {running[0]} of {self.service} is still running: read it, "
                "then start another",
                verification_id=running[0],
            )
        verification = Verification(
            str(uuid.uuid4()), started_by, _now(), self.head(), anchor=anchor
        )
        self._kept[verification.id] = verification
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        self.spawn(lambda: self._run(verification))
        return verification.to_dict()

    def get(self, verification_id: str) -> dict[str, Any]:
        found = self._kept.get(str(verification_id))
        if found is None:
            raise UnknownVerification(
                f"no verification {verification_id} of {self.service} is known here "
                f"(the last {KEPT} of this replica are kept)",
                field="verification_id",
            )
        return found.to_dict()

    def _run(self, verification: Verification) -> None:
        try:
            checkpoints = self.checkpoints()
            verification.checkpoints_read = len(checkpoints)
            rows = self._paced(self.rows(), verification)
            report = verify_chain(self.service, rows, verification.anchor, checkpoints, self.keys)
            verification.result = result_of(report)
            verification.state = "done"
        except Exception as exc:  # the store or the broker away: said, not raised
            log.warning("verification %s of %s failed: %s", verification.id, self.service, exc)
            verification.state, verification.error = "failed", f"{type(exc).__name__}: {exc}"
        verification.finished_at = _now()

    @staticmethod
    def _paced(rows: Iterable[ChainRow], verification: Verification) -> Iterator[ChainRow]:
        """The rows, counted as they are checked, the hub given back after
        each ``BATCH``: hashing is CPU the other green threads would wait for."""
        for row in rows:
            yield row
            verification.checked += 1
            verification.position = row.notification_id
            if verification.checked % BATCH == 0:
                eventlet.sleep(0)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
