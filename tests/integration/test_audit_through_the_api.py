"""An auditor, through the API alone, reads a service's whole log and
verifies its store (issue 19, parts 3 and 4): the coordination service of
the demo county, on real PostgreSQL and RabbitMQ. The service signed its
head at every position (as it would, a minute apart, under load); then
someone with the database's credentials rewrites the chain consistently
from position k, or removes its newest events, and the verification names
what they did. Nobody else may read the log or start a verification."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg2
import pytest
import requests
from nameko.exceptions import RemoteError

from events import checkpoint
from events.chain import chain_hash
from events.checkpoint import CheckpointKey
from events.config import DEFAULT_EXCHANGE
from events.identity import write_key_pair
from events.publisher import ConfirmedPublisher
from events.stream import Stream
from gateway.routes.audit import SERVICES
from tests.support.gateway import County, county_behind_gateway
from tests.support.waiting import eventually

SERVICE = "coordination"
EVENTS = f"/audit/{SERVICE}/events"
VERIFICATIONS = f"/audit/{SERVICE}/verifications"
CLUJ = "54975"


@pytest.fixture(autouse=True)
def streams_of_the_test() -> None:
    """The stream is the module's, like its county (the checkpoints signed
    once for every story): not removed after each test, as elsewhere; the
    module's vhost goes with it at the end."""


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[tuple[County, Any, CheckpointKey]]:
    """The county, its coordination service holding a checkpoint key (its own
    timer kept out of the way: the story signs the heads), and a cursor on
    the service's store, as its database's administrator has one."""
    keys = tmp_path_factory.mktemp("checkpoint-keys")
    private = keys / "coordination-checkpoint.pem"
    write_key_pair(checkpoint.key_issuer(SERVICE), private, keys / "public.jwks.json")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COORDINATION_CHECKPOINT_KEY", str(private))
        env.setenv("CHECKPOINT_SECONDS", "3600")
        with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("audit")) as county:
            conn = psycopg2.connect(os.environ["COORDINATION_STORE_URL"])
            conn.autocommit = True
            key = CheckpointKey.from_file(SERVICE, private)
            sign_every_head(conn.cursor(), key, amqp_uri)
            yield county, conn.cursor(), key
            conn.close()


def sign_every_head(cur: Any, key: CheckpointKey, amqp_uri: str) -> None:
    """The service's checkpoints, one at every position, on its stream."""
    cur.execute(f"SELECT id, chain_hash FROM {SERVICE}_events ORDER BY id")
    signed = [checkpoint.message(key.sign(id_, bytes(hash_))) for id_, hash_ in cur.fetchall()]
    stream = Stream(SERVICE, DEFAULT_EXCHANGE)
    publisher = ConfirmedPublisher(amqp_uri, DEFAULT_EXCHANGE, stream=stream)
    try:
        publisher.publish(signed)
    finally:
        publisher.close()


def stored(cur: Any) -> list[tuple[int, bytes]]:
    cur.execute(f"SELECT id, chain_hash FROM {SERVICE}_events ORDER BY id")
    return [(id_, bytes(hash_)) for id_, hash_ in cur.fetchall()]


def verified(auditor: requests.Session, url: str, **body: str) -> dict[str, Any]:
    """A verification started, followed at its Location until it is done."""
    started = auditor.post(f"{url}{VERIFICATIONS}", json=body, timeout=30)
    assert started.status_code == 202, started.text
    assert started.json()["state"] == "running"
    location = started.headers["Location"]
    assert location == f"{VERIFICATIONS}/{started.json()['verification_id']}"
    done = eventually(
        lambda: auditor.get(f"{url}{location}", timeout=30).json(),
        60,
        every=0.2,
        until=lambda answer: answer["state"] != "running",
    )
    assert done["state"] == "done", done
    return dict(done)


# -- the log as a feed --------------------------------------------------------------------
def test_the_auditor_pages_the_whole_log_in_order_with_its_chain(county):
    (county, cur, _) = county
    auditor = county.as_("auditor")
    first = auditor.get(f"{county.url}{EVENTS}", params={"limit": 5}, timeout=30).json()
    assert [e["position"] for e in first["items"]] == [1, 2, 3, 4, 5]
    assert first["next_after"] == 5
    chain = dict(stored(cur))
    for entry in first["items"]:
        assert entry["chain_hash"] == chain[entry["position"]].hex()
        assert entry["aggregate_id"] and entry["aggregate_version"] >= 1
        assert entry["time"] and "correlation_id" in entry
    second = auditor.get(
        f"{county.url}{EVENTS}", params={"after": 5, "limit": 5}, timeout=30
    ).json()
    assert [e["position"] for e in second["items"]] == [6, 7, 8, 9, 10]
    everything = feed(auditor, county.url)
    assert [e["position"] for e in everything] == sorted(chain)
    # staff names and e-mail addresses are in the stored events, never in the feed
    assert "@" not in json.dumps(everything)


def feed(
    auditor: requests.Session, url: str, service: str = SERVICE, **filters: Any
) -> list[dict[str, Any]]:
    """Every entry of the service's log the filters keep, page after page."""
    items: list[dict[str, Any]] = []
    after: int | None = 0
    while after is not None:
        page = auditor.get(
            f"{url}/audit/{service}/events", params=filters | {"after": after}, timeout=30
        )
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        after = page.json()["next_after"]
    return items


def test_the_auditor_narrows_the_feed_by_municipality_actor_type_and_time(county):
    (county, _, _) = county
    auditor = county.as_("auditor")
    everything = feed(auditor, county.url)

    registered = feed(auditor, county.url, type="MunicipalityRegistered")
    assert len(registered) == 3  # the demo county's three
    assert {e["type"] for e in registered} == {"Municipality.Registered"}
    by_stored_name = feed(auditor, county.url, type="Municipality.Registered")
    assert by_stored_name == registered

    in_cluj = feed(auditor, county.url, municipality=CLUJ)
    assert in_cluj and {e["municipality"] for e in in_cluj} == {CLUJ}
    # a later event of an aggregate is its first one's municipality's
    assert any(e["aggregate_version"] > 1 for e in in_cluj)
    assert len(in_cluj) < len(everything)

    someone = everything[-1]["actor_id"]
    by_them = feed(auditor, county.url, actor=someone)
    assert by_them and {e["actor_id"] for e in by_them} == {someone}
    assert len(by_them) < len(everything)

    since, until = everything[2]["time"], everything[-1]["time"]
    between = feed(auditor, county.url, since=since, until=until)
    assert between and all(at(since) <= at(e["time"]) < at(until) for e in between)
    assert everything[2] in between and everything[-1] not in between


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def test_nobody_but_the_auditor_reads_the_log_or_verifies(county):
    (county, _, _) = county
    for username in ("judet", "asistent.cluj", "tehnician.cluj"):
        person = county.as_(username)
        refused = person.get(f"{county.url}{EVENTS}", timeout=30)
        assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
        refused = person.post(f"{county.url}{VERIFICATIONS}", json={}, timeout=30)
        assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    malformed = county.as_("auditor").get(
        f"{county.url}{EVENTS}", params={"since": "yesterday"}, timeout=30
    )
    assert malformed.status_code == 400 and malformed.json()["field"] == "since"
    unknown = county.as_("auditor").get(f"{county.url}{VERIFICATIONS}/{uuid.uuid4()}")
    assert unknown.status_code == 404


def test_every_service_serves_its_log_to_the_auditor_and_refuses_anyone_else(county):
    (county, _, _) = county
    auditor = county.as_("auditor")
    admin = county.user("judet")
    county_admin = {"id": admin["sub"], "role": "county_admin", "municipality": None}
    for service in SERVICES:
        everything = feed(auditor, county.url, service)
        assert everything and everything[0]["position"] == 1
        assert "@" not in json.dumps(everything)
        # the service refuses again what the gateway would have refused
        with pytest.raises(RemoteError) as refused:
            county.rpc(service, "audit_events", county_admin, {})
        assert refused.value.exc_type == "AuditDenied"


# -- verification -------------------------------------------------------------------------
def test_an_untouched_store_verifies_intact_with_its_events_and_head(county):
    (county, cur, _) = county
    done = verified(county.as_("auditor"), county.url)
    chain = stored(cur)
    result = done["result"]
    assert result["intact"] is True and result["broken_at"] is None
    assert result["events"] == len(chain) and result["head"] == chain[-1][1].hex()
    assert result["checkpoints"] > 0 and result["ignored_checkpoints"] == []
    assert done["progress"]["checked"] == len(chain)
    # the head noted, a later verification holds the chain to it
    again = verified(county.as_("auditor"), county.url, anchor=result["head"])
    assert again["anchor"] == result["head"] and again["result"]["intact"] is True


def test_a_chain_rewritten_from_k_is_named_at_k_against_its_checkpoint(county):
    (county, cur, _) = county
    chain = stored(cur)
    k = chain[len(chain) // 2][0]
    originals = rewrite_from(cur, k)
    try:
        result = verified(county.as_("auditor"), county.url)["result"]
    finally:
        restore(cur, originals)
    assert result["intact"] is False
    assert result["broken_at"]["position"] == k
    assert result["reason"].startswith("contradicts the checkpoint of")
    assert f"between {k} and {k}" in result["reason"]
    assert result["events"] == len([p for p, _ in chain if p < k])  # those before it agree


def test_removing_the_newest_events_is_named_against_the_last_checkpoint(county):
    (county, cur, _) = county
    chain = stored(cur)
    kept = chain[-3][0]
    removed = remove_after(cur, kept)
    try:
        result = verified(county.as_("auditor"), county.url)["result"]
    finally:
        put_back(cur, removed)
    assert result["intact"] is False and result["broken_at"] is None
    assert f"but the store ends at {kept}: events were removed" in result["reason"]
    assert verified(county.as_("auditor"), county.url)["result"]["intact"] is True


# -- what someone with the database's credentials does ----------------------------------
def rewrite_from(cur: Any, k: int) -> list[tuple[int, bytes, bytes]]:
    """Each event from k on changed (a byte more, the same JSON) and every
    later hash recomputed: consistent. Returns the rows as they were."""
    cur.execute(f"SELECT chain_hash FROM {SERVICE}_events WHERE id = %s", (k - 1,))
    previous = bytes(cur.fetchone()[0])
    cur.execute(
        "SELECT id, originator_id::text, originator_version, topic, state, chain_hash "
        f"FROM {SERVICE}_events WHERE id >= %s ORDER BY id",
        (k,),
    )
    originals = []
    for id_, originator, version, topic, state, hash_ in cur.fetchall():
        originals.append((id_, bytes(state), bytes(hash_)))
        changed = bytes(state) + b" "
        previous = chain_hash(previous, originator, version, topic, changed)
        cur.execute(
            f"UPDATE {SERVICE}_events SET state = %s, chain_hash = %s WHERE id = %s",
            (changed, previous, id_),
        )
    return originals


def restore(cur: Any, originals: list[tuple[int, bytes, bytes]]) -> None:
    for id_, state, hash_ in originals:
        cur.execute(
            f"UPDATE {SERVICE}_events SET state = %s, chain_hash = %s WHERE id = %s",
            (state, hash_, id_),
        )


def remove_after(cur: Any, position: int) -> list[tuple[Any, ...]]:
    cur.execute(
        "SELECT id, originator_id, originator_version, topic, state, chain_hash "
        f"FROM {SERVICE}_events WHERE id > %s ORDER BY id",
        (position,),
    )
    removed = cur.fetchall()
    cur.execute(f"DELETE FROM {SERVICE}_events WHERE id > %s", (position,))
    return list(removed)


def put_back(cur: Any, removed: list[tuple[Any, ...]]) -> None:
    for row in removed:
        cur.execute(
            f"INSERT INTO {SERVICE}_events (id, originator_id, originator_version, topic, "
            "state, chain_hash) VALUES (%s, %s, %s, %s, %s, %s)",
            row,
        )
