"""A verification through the API walks the whole store in a green thread of
its own (issue 19, part 4): while it runs, the service's other requests are
answered and its progress is read; one runs at a time; its result says
intact with N events and the head, or where the chain broke."""

from __future__ import annotations

import uuid

import eventlet
import pytest

from events.chain import GENESIS, ChainRow, chain_hash
from events.verification import (
    BATCH,
    KEPT,
    UnknownVerification,
    VerificationRunning,
    Verifications,
)

STORED = 5 * BATCH


def chain(count: int, broken_at: int | None = None) -> list[ChainRow]:
    """``count`` events, each one chained to the one before; the one at
    ``broken_at`` changed after it was written."""
    rows, previous = [], GENESIS
    for position in range(1, count + 1):
        originator, state = str(uuid.uuid4()), b'{"n": %d}' % position
        previous = chain_hash(previous, originator, 1, "test:Happened", state)
        if position == broken_at:
            state += b"changed"
        rows.append(ChainRow(position, originator, 1, "test:Happened", state, previous))
    return rows


def verifications(rows: list[ChainRow]) -> Verifications:
    return Verifications(
        "cases", rows=lambda: iter(rows), head=lambda: len(rows), checkpoints=list, keys=None
    )


def finished(store: Verifications, verification_id: str) -> dict:
    for _ in range(10 * STORED):
        found = store.get(verification_id)
        if found["state"] != "running":
            return found
        eventlet.sleep(0)
    raise AssertionError("the verification never finished")


def test_a_long_walk_gives_way_to_other_requests_and_reports_its_progress():
    rows = chain(STORED)
    store = verifications(rows)
    started = store.start("auditor-1")
    assert started["state"] == "running"
    assert started["progress"] == {"checked": 0, "position": 0, "of": STORED}

    eventlet.sleep(0)  # the walk's first turn: one batch, then the hub is given back
    midway = store.get(started["verification_id"])
    assert midway["state"] == "running"
    assert 0 < midway["progress"]["checked"] == midway["progress"]["position"] < STORED
    with pytest.raises(VerificationRunning):  # one walk at a time
        store.start("auditor-2")

    done = finished(store, started["verification_id"])
    assert done["progress"]["checked"] == STORED
    result = done["result"]
    assert result["intact"] is True and result["events"] == STORED
    assert result["head"] == rows[-1].chain_hash.hex()
    assert result["checkpoints"] == 0  # no key: the chain alone


def test_a_changed_event_is_named_with_why():
    store = verifications(chain(10, broken_at=7))
    done = finished(store, store.start("auditor-1")["verification_id"])
    result = done["result"]
    assert result["intact"] is False and result["events"] == 6
    assert result["broken_at"]["position"] == 7
    assert "its content was changed" in result["reason"]


def test_only_the_newest_are_kept():
    store = verifications(chain(3))
    started = []
    for _ in range(KEPT + 1):
        started.append(store.start("auditor")["verification_id"])
        finished(store, started[-1])
    with pytest.raises(UnknownVerification):
        store.get(started[0])
    assert store.get(started[-1])["state"] == "done"
