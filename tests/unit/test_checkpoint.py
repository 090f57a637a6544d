"""A service's signed checkpoints (ADR 23): what they sign, who can believe
them, and how a chain that passes its own check still contradicts them."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from events import checkpoint
from events.chain import GENESIS, ChainRow, Head, chain_hash, verify_rows
from events.checkpoint import Checkpoint, CheckpointKey, PublicKeys
from events.identity import SigningKey, new_private_key_pem

MOMENT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def service_key(service="cases"):
    return CheckpointKey(
        service, SigningKey.from_pem(checkpoint.key_issuer(service), new_private_key_pem())
    )


def chain(states):
    rows, previous = [], GENESIS
    for n, state in enumerate(states, start=1):
        aggregate = uuid4()
        previous = chain_hash(previous, aggregate, 1, "t", state)
        rows.append(ChainRow(n, aggregate, 1, "t", state, previous))
    return rows


def rewritten_from(rows, k):
    """Every event from position k changed and every later hash recomputed:
    the chain passes its own check."""
    out, previous = list(rows[: k - 1]), rows[k - 2].chain_hash if k > 1 else GENESIS
    for row in rows[k - 1 :]:
        state = row.state + b"!"
        previous = chain_hash(previous, row.originator_id, 1, "t", state)
        out.append(row._replace(state=state, chain_hash=previous))
    return out


def test_a_checkpoint_verifies_with_the_published_key_and_with_no_other():
    key = service_key()
    taken = key.sign(7, b"\x01" * 32, MOMENT)
    assert taken.kid.startswith("cases-checkpoint-") and taken.time == "2026-03-01T09:30:00+00:00"
    keys = PublicKeys.from_jwks([key.jwks()])
    assert keys.problem(taken, "cases") is None
    assert "cases's, not evaluations's" in keys.problem(taken, "evaluations")
    assert "unknown key" in PublicKeys.from_jwks([service_key().jwks()]).problem(taken, "cases")


@pytest.mark.parametrize(
    "change", [{"position": 8}, {"head": "02" * 32}, {"time": "2026-03-01T09:31:00+00:00"}]
)
def test_any_signed_field_changed_breaks_the_signature(change):
    key = service_key()
    taken = key.sign(7, b"\x01" * 32, MOMENT)
    forged = Checkpoint.from_dict(taken.to_dict() | change)
    assert PublicKeys.from_jwks([key.jwks()]).problem(forged, "cases") == (
        "its signature does not verify"
    )


def test_a_key_of_another_service_vouches_for_nothing_of_this_one():
    """Published together (the gateway serves every service's keys), a
    leaked coordination key still forges no cases checkpoint."""
    cases, coordination = service_key("cases"), service_key("coordination")
    keys = PublicKeys.from_jwks([cases.jwks(), coordination.jwks()])
    forged = CheckpointKey("cases", coordination.key).sign(9, GENESIS)
    assert forged.service == "cases" and forged.kid == coordination.kid
    assert "not a key of cases's" in keys.problem(forged, "cases")
    assert keys.problem(cases.sign(9, GENESIS), "cases") is None


def test_a_rotated_key_still_verifies_what_it_signed():
    old, new = service_key(), service_key()
    keys = PublicKeys.from_jwks([new.jwks(), old.jwks()])
    assert keys.problem(old.sign(3, GENESIS), "cases") is None
    assert keys.problem(new.sign(4, GENESIS), "cases") is None


def test_the_county_publishes_every_service_s_keys_rotated_ones_included(tmp_path):
    cases_old, cases_new, coordination = service_key(), service_key(), service_key("coordination")
    rotated = tmp_path / "cases-checkpoint.jwks.json"  # both cases keys, after a rotation
    rotated.write_text(json.dumps({"keys": cases_new.jwks()["keys"] + cases_old.jwks()["keys"]}))
    other = tmp_path / "coordination-checkpoint.jwks.json"
    other.write_text(json.dumps(coordination.jwks()))
    environ = {checkpoint.PUBLISHED_KEYS: f"{rotated} {other} {other}"}

    published = checkpoint.published_keys(environ)

    assert [k["kid"] for k in published] == [cases_new.kid, cases_old.kid, coordination.kid]
    assert not any("d" in jwk for jwk in published)  # public halves only
    keys = PublicKeys.from_jwks([{"keys": published}])
    assert keys.problem(cases_old.sign(3, GENESIS), "cases") is None
    assert keys.problem(coordination.sign(3, GENESIS), "coordination") is None
    assert checkpoint.published_keys({}) == []


def test_the_published_cloudevent_carries_the_checkpoint_and_is_read_back():
    taken = service_key().sign(7, b"\x01" * 32, MOMENT)
    message = checkpoint.message(taken)
    event = json.loads(message.body)
    assert message.routing_key == event["type"] == "ro.coordonare.cases.ChainCheckpointed.v1"
    assert event["position"] == 7 and event["data"] == taken.to_dict()
    other = {"specversion": "1.0", "type": "ro.coordonare.cases.CaseOpened.v1", "data": {}}
    lines = [json.dumps(other), message.body.decode(), json.dumps(taken.to_dict())]
    assert list(checkpoint.read_lines(lines)) == [taken, taken]
    assert list(checkpoint.read_lines([json.dumps([event])])) == [taken]


def heads(rows, *positions):
    return [Head(p, rows[p - 1].chain_hash, f"checkpoint {p}") for p in positions]


def test_an_untouched_chain_agrees_with_every_checkpoint():
    rows = chain([b"a", b"b", b"c", b"d", b"e"])
    verdict = verify_rows(rows, heads=heads(rows, 2, 5))
    assert verdict.intact and verdict.checkpoints == 2
    assert verdict.describe().endswith("2 checkpoints agree")


def test_a_chain_rewritten_from_k_contradicts_the_checkpoint_at_k():
    rows = chain([b"a", b"b", b"c", b"d", b"e", b"f"])
    signed = heads(rows, 2, 4, 6)
    rewritten = rewritten_from(rows, 4)
    assert verify_rows(rewritten).intact  # consistent: the chain alone cannot tell
    verdict = verify_rows(rewritten, heads=signed)
    assert not verdict.intact and verdict.broken_at.notification_id == 4
    assert "between 3 and 4" in verdict.reason and "checkpoint 2 at 2 agrees" in verdict.reason
    assert "BROKEN at notification 4 " in verdict.describe()


def test_a_rewrite_between_checkpoints_is_bounded_by_them():
    rows = chain([b"a", b"b", b"c", b"d", b"e", b"f"])
    verdict = verify_rows(rewritten_from(rows, 3), heads=heads(rows, 1, 5))
    assert verdict.broken_at.notification_id == 5 and "between 2 and 5" in verdict.reason


def test_removing_the_newest_events_is_caught_by_the_last_checkpoint():
    rows = chain([b"a", b"b", b"c", b"d"])
    verdict = verify_rows(rows[:2], heads=heads(rows, 2, 4))
    assert not verdict.intact and verdict.broken_at is None
    assert "notification 4, but the store ends at 2: events were removed" in verdict.reason


def test_a_removed_checkpointed_event_is_named_at_its_successor():
    rows = chain([b"a", b"b", b"c"])
    # event 2 gone and the chain recomputed over what is left
    rest = [
        rows[0],
        rows[2]._replace(
            chain_hash=chain_hash(rows[0].chain_hash, rows[2].originator_id, 1, "t", b"c")
        ),
    ]
    verdict = verify_rows(rest, heads=heads(rows, 2))
    assert verdict.broken_at.notification_id == 3 and "contradicts checkpoint 2" in verdict.reason


@pytest.mark.parametrize("service", ["cases", "coordination", "evaluations", "notifications"])
def test_the_published_checkpoint_keeps_its_contract(service):
    from events import contracts

    taken = service_key(service).sign(12, b"\x0a" * 32, MOMENT)
    contracts.check_published(json.loads(checkpoint.message(taken).body))
