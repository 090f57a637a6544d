"""Evidence bundles (issue 19, part 6): a case, a contract, a technician's
coordination or a whole period of a service's log, exported as one JSON
file that verifies offline with only itself and the published public keys
(``coordonare-verify --bundle FILE --keys JWKS``).

What it holds, and why each part is there:

- ``events``: every stored event from the first one selected to the first
  checkpoint at or after the last one selected — the selected ones
  (``selected``) and those between, because a chain hash follows from the
  one before it and a checkpoint can only vouch for an unbroken run. Each
  is as stored (its state, in which personal data is sealed), with its
  chain hash, and, for the selected ones, ``seen``: what the event changed
  in its record as the exporting auditor may see it (the record's history,
  ``events.as_of.history``: personal data opened, the read recorded).
- ``after``: the position and chain hash just before the first event, from
  which the run is recomputed.
- ``checkpoints``: the signed chain heads in that run (``events.checkpoint``).
- ``digests`` and ``signature``: one SHA-256 per event and a signature of
  the exporting service (its checkpoint key) over them and the header, so a
  byte changed anywhere is found, and in an event, named.

Offline, ``verify`` checks the signature, each event against its digest,
the run's chain from ``after``, and the run against every checkpoint that
verifies; at least one must cover the last selected event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from jwt.utils import base64url_decode, base64url_encode

from events.chain import GENESIS, ChainRow, Head, verify_rows
from events.checkpoint import Checkpoint, CheckpointKey, PublicKeys

FORMAT = "coordonare-bundle/1"


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def _signed(bundle: Mapping[str, Any]) -> bytes:
    """What the signature covers: everything but the events (their digests
    stand for them) and the signature itself."""
    return canonical({k: v for k, v in bundle.items() if k not in ("events", "signature")})


def entry_of(row: ChainRow, selected: bool, seen: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "position": row.notification_id,
        "aggregate_id": str(row.originator_id),
        "version": row.originator_version,
        "topic": row.topic,
        "state": row.state.decode(),  # JSON as stored: the bytes the chain hashed
        "chain_hash": (row.chain_hash or b"").hex(),
        "selected": selected,
        "seen": dict(seen) if selected and seen is not None else None,
    }


def row_of(entry: Mapping[str, Any]) -> ChainRow:
    return ChainRow(
        int(entry["position"]),
        str(entry["aggregate_id"]),
        int(entry["version"]),
        str(entry["topic"]),
        str(entry["state"]).encode(),
        bytes.fromhex(str(entry["chain_hash"])) if entry["chain_hash"] else None,
    )


def covering(checkpoints: Iterable[Checkpoint], last: int) -> Checkpoint | None:
    """The first checkpoint at or after ``last``: where the run ends."""
    later = [c for c in checkpoints if c.position >= last]
    return min(later, key=lambda c: c.position) if later else None


def build(
    service: str,
    rows_after: Any,  # ``chain_rows(after=)`` of the service's recorder
    selected: Sequence[int],
    seen: Mapping[int, Mapping[str, Any]],
    checkpoints: Sequence[Checkpoint],
    key: CheckpointKey,
    selection: Mapping[str, Any],
    exported_by: str,
) -> dict[str, Any]:
    """The bundle of the ``selected`` positions (at least one)."""
    first, last = min(selected), max(selected)
    cover = covering(checkpoints, last)
    end = cover.position if cover is not None else last
    before = _before(rows_after, first)
    wanted = set(selected)
    events = []
    for row in rows_after(after=before[0]):
        if row.notification_id > end:
            break
        n = row.notification_id
        events.append(entry_of(row, n in wanted, seen.get(n)))
    bundle: dict[str, Any] = {
        "format": FORMAT,
        "service": service,
        "selection": dict(selection),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_by": exported_by,
        "after": {"position": before[0], "hash": before[1].hex()},
        "checkpoints": [c.to_dict() for c in checkpoints if before[0] < c.position <= end],
        "digests": [digest(e) for e in events],
        "kid": key.kid,
    }
    bundle["signature"] = base64url_encode(key.key.private.sign(_signed(bundle))).decode()
    bundle["events"] = events
    return bundle


def _before(rows_after: Any, first: int) -> tuple[int, bytes]:
    """The position and hash of the event before ``first`` (positions may
    have gaps, of inserts rolled back): looked for just below, then from
    the start."""
    for start in (max(first - 100, 0), 0):
        found = (0, GENESIS)
        for row in rows_after(after=start):
            if row.notification_id >= first:
                break
            found = (row.notification_id, row.chain_hash or GENESIS)
        if found[0] or start == 0:
            return found
    return 0, GENESIS


@dataclass(frozen=True)
class BundleReport:
    intact: bool
    detail: str
    ignored: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [("intact: " if self.intact else "BROKEN: ") + self.detail]
        return "\n".join(lines + [f"  ignored checkpoint: {r}" for r in self.ignored])


def verify(bundle: Mapping[str, Any], keys: PublicKeys) -> BundleReport:
    """The offline check of a bundle with the published public keys."""
    if bundle.get("format") != FORMAT:
        return BundleReport(False, f"not a bundle of the format {FORMAT}")
    service, events = str(bundle["service"]), list(bundle["events"])
    digests = list(bundle["digests"])
    if len(digests) != len(events):
        return BundleReport(False, f"{len(events)} events for {len(digests)} digests")
    for n, (entry, expected) in enumerate(zip(events, digests, strict=True)):
        if digest(entry) != expected:
            return BundleReport(
                False,
                f"event {n + 1} (notification {entry.get('position')}, aggregate "
                f"{entry.get('aggregate_id')} v{entry.get('version')}) was changed after export",
            )
    public = keys.of(service, str(bundle.get("kid")))
    if isinstance(public, str):
        return BundleReport(False, public)
    try:
        public.verify(base64url_decode(str(bundle["signature"])), _signed(bundle))
    except (InvalidSignature, ValueError):
        return BundleReport(False, "its signature does not verify: changed after export")
    return _chain(service, bundle, events, keys)


def _chain(
    service: str, bundle: Mapping[str, Any], events: list[Any], keys: PublicKeys
) -> BundleReport:
    heads, ignored = [], []
    for record in bundle["checkpoints"]:
        given = Checkpoint.from_dict(record)
        problem = keys.problem(given, service)
        if problem:
            ignored.append(f"notification {given.position} at {given.time}: {problem}")
        else:
            heads.append(Head(given.position, given.head_bytes, f"the checkpoint of {given.time}"))
    after = (int(bundle["after"]["position"]), bytes.fromhex(str(bundle["after"]["hash"])))
    verdict = verify_rows((row_of(e) for e in events), heads=heads, after=after)
    if not verdict.intact:
        return BundleReport(False, verdict.describe(), ignored)
    chosen = [int(e["position"]) for e in events if e["selected"]]
    if not chosen:
        return BundleReport(False, "it selects no event", ignored)
    if not any(h.position >= max(chosen) for h in heads):
        return BundleReport(
            False,
            f"no checkpoint that verifies covers notification {max(chosen)}: the events are "
            "consistent, but nothing outside the database vouches for them yet",
            ignored,
        )
    return BundleReport(
        True,
        f"{len(chosen)} events selected, {len(events)} in the run from notification "
        f"{events[0]['position']} to {events[-1]['position']}, {len(heads)} checkpoints agree",
        ignored,
    )


def positions_of(recorder: Any, aggregate_ids: Iterable[UUID]) -> list[int]:
    """The positions of these aggregates' events."""
    return [n.id for n in recorder.select_notifications_of(list(aggregate_ids))]
