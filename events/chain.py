"""The hash chain that makes the event store tamper-evident (DESIGN §5 Audit).

Each stored event's ``chain_hash`` is SHA-256 over the previous event's hash
and this event's bytes as written (originator, version, topic, state). Walking
the store in notification order and recomputing proves that no row was
changed, removed or reordered. Personal data is encrypted before it is
stored, so erasing a key (crypto-shredding) never breaks the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from uuid import UUID

GENESIS = bytes(32)


def chain_hash(
    previous: bytes, originator_id: UUID | str, version: int, topic: str, state: bytes
) -> bytes:
    """Length-prefixed fields, so no two different events hash alike."""
    digest = hashlib.sha256(previous)
    for field in (str(originator_id).encode(), str(version).encode(), topic.encode(), state):
        digest.update(len(field).to_bytes(8, "big"))
        digest.update(field)
    return digest.digest()


class ChainRow(NamedTuple):  # a tuple: verify builds one per stored event
    notification_id: int
    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes
    chain_hash: bytes | None


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: bytes
    broken_at: ChainRow | None = None
    reason: str = ""
    checkpoints: int = 0  # signed heads the chain was found to pass through

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.reason

    def describe(self) -> str:
        if self.broken_at is None:
            if self.reason:
                return f"BROKEN: {self.reason}; {self.checked} events checked"
            agreed = f", {self.checkpoints} checkpoints agree" if self.checkpoints else ""
            return f"intact: {self.checked} events, head {self.head.hex()}{agreed}"
        row = self.broken_at
        # before a contradicted checkpoint the events are consistent, not
        # proven intact: the rewrite may have begun before this one
        tail = (
            ""
            if self.reason.startswith("contradicts")
            else (f"; {self.checked} events before it are intact")
        )
        return (
            f"BROKEN at notification {row.notification_id} "
            f"(aggregate {row.originator_id} v{row.originator_version}, {row.topic}): "
            f"{self.reason}{tail}"
        )


class Head(NamedTuple):
    """A head the chain must pass through: a signed checkpoint's
    (``events.checkpoint``), already believed; ``label`` names it."""

    position: int
    hash: bytes
    label: str


def verify_rows(
    rows: Iterable[ChainRow],
    anchor: bytes | None = None,
    heads: Sequence[Head] = (),
    after: tuple[int, bytes] = (0, GENESIS),
) -> Verdict:
    """Recompute the chain over rows in notification order; stop at the first
    row whose recorded hash does not follow from its predecessor.

    ``anchor``: a head hash an auditor noted earlier; the chain must still pass
    through it, which is how removing the newest events (truncation) shows.
    ``heads``: signed checkpoints; the chain must hold each one's hash at its
    position. A chain recomputed from position k is consistent, so only this
    shows it: the first checkpoint at or after k contradicts it, and the
    checkpoints before k agree, which bounds where the rewrite began.
    ``after``: the position and hash the rows follow (a run of the chain,
    as an evidence bundle holds; the whole store follows the genesis).
    """
    pending = sorted(heads)
    (previous_id, previous), checked, anchor_seen = after, 0, anchor is None
    agreed: Head | None = None
    for row in rows:
        expected = chain_hash(
            previous, row.originator_id, row.originator_version, row.topic, row.state
        )
        if row.chain_hash != expected:
            return Verdict(checked, previous, row, _reason(row, previous, previous_id), len(heads))
        while pending and pending[0].position <= row.notification_id:
            head = pending.pop(0)
            if head.position < row.notification_id or head.hash != expected:
                return Verdict(checked, previous, row, _contradiction(head, agreed), len(heads))
            agreed = head
        previous, checked, previous_id = expected, checked + 1, row.notification_id
        anchor_seen = anchor_seen or expected == anchor
    if pending:
        head = pending[0]
        return Verdict(
            checked,
            previous,
            None,
            f"{head.label} signed the head at notification {head.position}, but the "
            f"store ends at {previous_id}: events were removed",
            len(heads) - len(pending),
        )
    if not anchor_seen:
        assert anchor is not None
        return Verdict(
            checked, previous, None, f"anchor {anchor.hex()[:16]}… not found: events were removed"
        )
    return Verdict(checked, previous, checkpoints=len(heads))


def _contradiction(head: Head, agreed: Head | None) -> str:
    since = agreed.position + 1 if agreed else 1
    return (
        f"contradicts {head.label} (head {head.hash.hex()[:16]}… at notification "
        f"{head.position}): the chain was rewritten or events removed from a position "
        f"between {since} and {head.position}"
        + (f" ({agreed.label} at {agreed.position} agrees)" if agreed else "")
    )


def _reason(row: ChainRow, previous: bytes, previous_id: int) -> str:
    if row.chain_hash is None:
        return "event has no chain hash (inserted outside the event store)"
    reason = "its content was changed, or an event before it was removed or reordered"
    if row.notification_id != previous_id + 1:
        # Gaps also come from rolled-back inserts, so this is a hint, not proof.
        reason += f" (notification ids jump from {previous_id} to {row.notification_id})"
    return reason
