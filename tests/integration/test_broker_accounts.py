"""Broker accounts per service (issue 14, item 2), on the real broker: the
accounts ``make run`` makes (``events/broker.py``), on a vhost of this
module's own where ``guest`` has no permission at all.

- the cases service's account publishes its own events, and the broker
  refuses it a coordination routing key (ACCESS_REFUSED closes the channel):
  nothing of it reaches a subscriber;
- it cannot command another service over RPC, and the gateway publishes
  its own refusals only;
- the services do run under these narrow accounts: RPC from the operator,
  the relay's publishing, and the cases service following the coordination
  service's events.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import amqp
import kombu
import pytest
from nameko.containers import ServiceContainer

from events import broker, checkpoint, parking, queues
from events.checkpoint import CheckpointKey
from events.identity import SigningKey, new_private_key_pem
from events.publisher import ConfirmedPublisher, OutgoingMessage
from events.stream import Stream
from events.verify import stream_checkpoints
from services.cases.service import CasesService
from services.coordination.service import CoordinationService
from tests.support.casework import build_casework, new_master_key
from tests.support.services import nameko_config
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually


def _rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module")
def uris(amqp_uri: str) -> Iterator[dict[str, str]]:
    """Every account's AMQP URI on a fresh vhost (on the tests' broker); the
    users are prefixed so that they never touch ``make run``'s accounts."""
    address = urlsplit(amqp_uri)
    base = f"{address.scheme}://{address.hostname}:{address.port or 5672}"
    vhost = f"coordonare-test-{uuid.uuid4().hex[:12]}"
    prefix = f"{vhost}-"
    passwords = {name: broker.new_password() for name in broker.ACCOUNT_NAMES}
    made = broker.apply(vhost, passwords, prefix=prefix)
    try:
        yield {a.name: broker.account_uri(base, a.user, passwords[a.name], vhost) for a in made}
    finally:
        _rabbitmqctl("delete_vhost", vhost)
        broker.remove(made)


def event(routing_key: str) -> OutgoingMessage:
    return OutgoingMessage(
        routing_key=routing_key,
        body=json.dumps({"type": routing_key}).encode(),
        message_id=str(uuid.uuid4()),
        content_type="application/json",
        headers={},
    )


def received(queue: kombu.Queue, connection: kombu.Connection) -> list[str]:
    types = []
    with connection.SimpleQueue(queue) as simple:
        while True:
            try:
                message = simple.get(timeout=1)
            except simple.Empty:
                return types
            types.append(json.loads(message.body)["type"])
            message.ack()


def test_guest_has_no_permission_on_the_accounts_vhost(uris: dict[str, str]) -> None:
    vhost = uris["cases"].rsplit("/", 1)[1]
    listed = _rabbitmqctl("list_permissions", "--no-table-headers", "-p", vhost)
    users = [line.split("\t")[0] for line in listed.split("\n") if line]
    assert "guest" not in users
    assert sorted(users) == sorted(f"{vhost}-{name}" for name in broker.ACCOUNT_NAMES)


def test_the_cases_account_publishes_its_own_events_and_not_coordinations(
    uris: dict[str, str],
) -> None:
    # a subscriber of everything, under the coordination service's account
    listener = kombu.Connection(uris["coordination"])
    exchange = kombu.Exchange("coordonare.events", "topic", durable=True)
    queue = kombu.Queue(
        "coordonare.coordination.everything", exchange, routing_key="ro.coordonare.#"
    )
    queue(listener.channel()).declare()

    cases = ConfirmedPublisher(uris["cases"], "coordonare.events", app_id="coordonare.cases")
    cases.publish([event("ro.coordonare.cases.CaseReferred.v1")])
    with pytest.raises(amqp.exceptions.AccessRefused, match=r"ro\.coordonare\.coordination"):
        cases.publish([event("ro.coordonare.coordination.ContractSigned.v1")])
    cases.publish([event("ro.coordonare.cases.CaseOpened.v1")])  # a new channel works again
    cases.close()

    assert received(queue, listener) == [
        "ro.coordonare.cases.CaseReferred.v1",
        "ro.coordonare.cases.CaseOpened.v1",
    ]
    listener.release()


def test_a_service_cannot_command_another_and_the_gateway_publishes_only_its_own(
    uris: dict[str, str],
) -> None:
    cases = ConfirmedPublisher(uris["cases"], "nameko-rpc")
    with pytest.raises(amqp.exceptions.AccessRefused):
        cases.publish([event("coordination.register_municipality")])
    cases.close()

    gateway = ConfirmedPublisher(uris["gateway"], "coordonare.events")
    gateway.publish([event("ro.coordonare.gateway.CommandRefused.v1")])
    with pytest.raises(amqp.exceptions.AccessRefused):
        gateway.publish([event("ro.coordonare.cases.CaseOpened.v1")])
    gateway.close()


def test_the_services_run_under_their_own_accounts(
    uris: dict[str, str], make_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COORDINATION_STORE_URL", make_store())
    monkeypatch.setenv("CASES_STORE_URL", make_store())
    monkeypatch.setenv("CASES_KEYS_URL", make_store())  # the keys' own database
    monkeypatch.setenv("CASES_MASTER_KEY", new_master_key())
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    containers = [
        ServiceContainer(CasesService, nameko_config(uris["cases"])),
        ServiceContainer(CoordinationService, nameko_config(uris["coordination"])),
    ]
    for container in containers:  # cases first: its subscription queue exists before events
        container.start()
    try:
        with ClusterRpcProxy(nameko_config(uris["operator"]), timeout=30) as rpc:
            started = time.monotonic()
            # registers a county over RPC, activates contracts, and waits until
            # the cases service learnt them from the coordination service's events
            world = build_casework(rpc, uris["operator"])
            assert world["contract"]
            assert time.monotonic() - started < 60
    finally:
        for container in containers:
            container.stop()


def test_a_service_account_replays_its_own_parked_events_only(uris: dict[str, str]) -> None:
    """``make replay-parked`` runs as the service's own account (ADR 22)."""
    events = kombu.Exchange("coordonare.events", "topic", durable=True)
    dead_letters = kombu.Exchange("coordonare.dead-letter", "direct", durable=True)
    own = queues.SubscriptionQueues.of("coordonare.cases.on_parked", events, ["ro.#"], 20)
    with kombu.Connection(uris["cases"]) as conn:
        assert own.open(conn) is own.live
        kombu.Producer(conn.channel(), exchange=dead_letters).publish(
            b"{}", routing_key=own.name, headers={"cloudEvents:position": 7}
        )
        eventually(lambda: [p.position for p in parking.parked(conn, own.name)] == ["7"])
        eventually(lambda: queues.count(conn, f"{own.name}.dead") == 1)  # given back
        assert parking.replay(conn, own.name) == 1
        eventually(lambda: queues.count(conn, own.name) == 1)
        theirs = queues.SubscriptionQueues.of("coordonare.coordination.on_x", events, ["ro.#"], 20)
        with kombu.Connection(uris["coordination"]) as coordination:
            theirs.open(coordination)
            kombu.Producer(coordination.channel(), exchange=dead_letters).publish(
                b"{}", routing_key=theirs.name
            )
            eventually(lambda: queues.count(coordination, f"{theirs.name}.dead") == 1)
        with pytest.raises(amqp.exceptions.AccessRefused):
            parking.replay(conn, theirs.name)


def test_the_auditor_reads_the_streams_and_nothing_else(uris: dict[str, str]) -> None:
    """``coordonare-verify --checkpoints amqp://<auditor>…``: the history and
    the signed checkpoints of every service, and no way to change or take
    anything."""
    cases = ConfirmedPublisher(
        uris["cases"], "coordonare.events", stream=Stream("cases", "coordonare.events")
    )
    key = CheckpointKey(
        "cases", SigningKey.from_pem(checkpoint.key_issuer("cases"), new_private_key_pem())
    )
    cases.publish([checkpoint.message(key.sign(1, b"\x01" * 32))])
    cases.close()

    (read,) = stream_checkpoints(uris["auditor"], "cases", idle_seconds=1)
    assert read.position == 1 and read.kid == key.kid

    auditor = ConfirmedPublisher(uris["auditor"], "coordonare.events")
    with pytest.raises(amqp.exceptions.AccessRefused):
        auditor.publish([event("ro.coordonare.cases.CaseOpened.v1")])
    auditor.close()
    for refused in (
        lambda channel: channel.queue_declare("coordonare.auditor.mine", auto_delete=False),
        lambda channel: channel.basic_get("rpc-cases"),
    ):
        with (
            kombu.Connection(uris["auditor"]) as connection,
            pytest.raises(amqp.exceptions.AccessRefused),
        ):
            refused(connection.channel())
