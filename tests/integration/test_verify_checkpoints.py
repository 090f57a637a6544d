"""An auditor holds a real PostgreSQL store to its signed checkpoints
(ADR 23): a chain rewritten consistently from position k, or truncated,
passes its own check but not theirs. The checkpoints travel on the real
broker, into the service's stream, and are read back from it."""

import json

import psycopg2
import pytest

from events import checkpoint
from events.chain import chain_hash
from events.checkpoint import CheckpointKey
from events.checkpointer import Checkpointer
from events.config import DEFAULT_EXCHANGE
from events.identity import write_key_pair
from events.publisher import ConfirmedPublisher
from events.stream import Stream
from events.verify import main, open_recorder, stream_checkpoints
from services.coordination.application import CoordinationApplication
from tests.support.registry import register_technicians


@pytest.fixture
def store(store_url, tmp_path):
    """Five stored events, a checkpoint signed at 2, 4 and 5 (the file a
    deployment appends to), the published public key."""
    app = CoordinationApplication(store_url)
    register_technicians(app, 4)
    app.close()
    private, jwks = tmp_path / "checkpoint.pem", tmp_path / "coordination-checkpoint.jwks.json"
    write_key_pair(checkpoint.key_issuer("coordination"), private, jwks)
    key = CheckpointKey.from_file("coordination", private)
    log = tmp_path / "checkpoints.jsonl"
    for row in open_recorder("coordination", store_url).chain_rows():
        if row.notification_id in (2, 4, 5):
            checkpoint.append(log, key.sign(row.notification_id, row.chain_hash))
    conn = psycopg2.connect(store_url)
    conn.autocommit = True
    yield store_url, conn.cursor(), log, jwks, key
    conn.close()


def verify(store, capsys):
    store_url, _, log, jwks, _ = store
    args = ["--checkpoints", str(log), "--keys", str(jwks)]
    code = main(["--service", "coordination", "--store", store_url, *args])
    return code, capsys.readouterr().out


def rewrite_from(cur, k):
    """What someone with the database's credentials can do: change the
    events from k on and recompute every later hash, consistently."""
    cur.execute("SELECT chain_hash FROM coordination_events WHERE id = %s", (k - 1,))
    previous = bytes(cur.fetchone()[0])
    cur.execute(
        "SELECT id, originator_id::text, originator_version, topic, state "
        "FROM coordination_events WHERE id >= %s ORDER BY id",
        (k,),
    )
    for id_, originator, version, topic, state in cur.fetchall():
        state = bytes(state).replace(b"54975", b"54976") + b" "
        previous = chain_hash(previous, originator, version, topic, state)
        cur.execute(
            "UPDATE coordination_events SET state = %s, chain_hash = %s WHERE id = %s",
            (state, previous, id_),
        )


def test_an_untouched_store_agrees_with_every_checkpoint(store, capsys):
    code, out = verify(store, capsys)
    assert code == 0 and "intact: 5 events" in out and "3 checkpoints agree" in out


def test_a_chain_rewritten_from_k_names_k_against_its_checkpoint(store, capsys):
    rewrite_from(store[1], 4)
    assert main(["--service", "coordination", "--store", store[0]]) == 0  # consistent
    capsys.readouterr()
    code, out = verify(store, capsys)
    assert code == 1 and "BROKEN at notification 4 " in out
    assert "contradicts the checkpoint of" in out and "between 3 and 4" in out


def test_removing_the_newest_events_contradicts_the_last_checkpoint(store, capsys):
    store[1].execute("DELETE FROM coordination_events WHERE id > 3")
    code, out = verify(store, capsys)
    assert code == 1 and "notification 4, but the store ends at 3: events were removed" in out


def test_a_forged_checkpoint_is_ignored_and_said(store, capsys):
    *_, log, _, key = store
    forged = key.sign(5, b"\x00" * 32).to_dict() | {"position": 3}
    log.write_text(json.dumps(forged) + "\n")
    code, out = verify(store, capsys)
    assert code == 1 and "its signature does not verify" in out
    assert "no checkpoint could be believed" in out


def test_checkpoints_reach_the_stream_and_verify_from_it(store, amqp_uri, capsys):
    store_url, cur, _, jwks, key = store
    publisher = ConfirmedPublisher(
        amqp_uri, DEFAULT_EXCHANGE, stream=Stream("coordination", DEFAULT_EXCHANGE)
    )
    try:
        checkpointer = Checkpointer(key, open_recorder("coordination", store_url), publisher)
        taken = checkpointer.take()
        assert taken is not None and taken.position == 5
        assert checkpointer.take() is None  # the head did not move: nothing new to sign
    finally:
        publisher.close()
    assert list(stream_checkpoints(amqp_uri, "coordination", idle_seconds=1.0)) == [taken]
    store_args = ["--service", "coordination", "--store", store_url, "--keys", str(jwks)]
    assert main([*store_args, "--checkpoints", amqp_uri]) == 0
    assert "1 checkpoints agree" in capsys.readouterr().out
    cur.execute("DELETE FROM coordination_events WHERE id = 5")
    assert main([*store_args, "--checkpoints", amqp_uri]) == 1
    assert "events were removed" in capsys.readouterr().out
