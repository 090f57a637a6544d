"""Tamper evidence over the chain, without a database."""

from uuid import uuid4

from events.chain import GENESIS, ChainRow, chain_hash, verify_rows


def chained(n):
    rows, previous = [], GENESIS
    for i in range(1, n + 1):
        oid, state = uuid4(), f'{{"n":{i}}}'.encode()
        previous = chain_hash(previous, oid, 1, "t:E", state)
        rows.append(ChainRow(i, oid, 1, "t:E", state, previous))
    return rows


def test_an_untouched_chain_is_intact_and_reports_its_head():
    rows = chained(5)
    verdict = verify_rows(rows)
    assert verdict.intact and verdict.checked == 5 and verdict.head == rows[-1].chain_hash


def test_one_changed_byte_is_named():
    rows = chained(5)
    rows[2] = rows[2]._replace(state=b'{"n":9}')
    verdict = verify_rows(rows)
    assert not verdict.intact and verdict.broken_at.notification_id == 3 and verdict.checked == 2


def test_a_removed_event_breaks_the_chain_at_its_successor():
    rows = chained(5)
    del rows[1]
    verdict = verify_rows(rows)
    assert verdict.broken_at.notification_id == 3
    assert "jump from 1 to 3" in verdict.reason


def test_reordered_events_are_caught():
    rows = chained(4)
    a, b = rows[1], rows[2]
    rows[1] = b._replace(notification_id=2)
    rows[2] = a._replace(notification_id=3)
    assert verify_rows(rows).broken_at.notification_id == 2


def test_truncation_shows_against_an_anchor_noted_earlier():
    rows = chained(5)
    anchor = rows[-1].chain_hash
    assert verify_rows(rows, anchor).intact
    verdict = verify_rows(rows[:3], anchor)
    assert not verdict.intact and "removed" in verdict.describe()
