"""A service that joins late learns the history first (issue 18): the cases
service started when the coordination service had already stored about
1,000 events — with no subscription queue of its own, so none of them ever
reached it — catches up from coordination's stream before it serves, and
knows the same as a cases service that ran from the beginning."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import amqp
import kombu
from nameko.containers import ServiceContainer
from sqlalchemy.engine import make_url

from events.following import TeamView
from events.stream import stream_name
from events.subscribe import tracking_name
from services.cases.application import CasesApplication
from services.cases.master_keys import keys_url_for
from services.cases.service import CasesService
from services.coordination.application import CoordinationApplication
from services.coordination.service import CoordinationService
from tests.support.casework import new_master_key
from tests.support.published import stored_count
from tests.support.registry import ADMIN_ACTOR, CLUJ, TECHNICIAN
from tests.support.services import nameko_config
from tests.support.waiting import eventually

STAFF = 1_000
FOLLOWING = tracking_name("coordination", "on_coordination")


def what_cases_knows(store: str) -> dict[str, Any]:
    app = CasesApplication(store)
    try:
        team = app.view(TeamView)
        seen = app.chained_recorder.max_tracking_id(FOLLOWING)
        return {
            "staff": team.staff,
            "contracts": team.contracts,
            "of_technician": team.of_technician,
            "position": seen,
        }
    finally:
        app.close()


def cases_store(make_store: Any, monkeypatch: Any) -> str:
    store = make_store()
    make_store(make_url(keys_url_for(store)).database)  # its beneficiaries' keys
    monkeypatch.setenv("CASES_STORE_URL", store)
    return store


def test_a_service_started_after_its_source_knows_what_it_missed(
    make_store, amqp_uri, monkeypatch
) -> None:
    coordination_store = make_store()
    monkeypatch.setenv("COORDINATION_STORE_URL", coordination_store)
    monkeypatch.setenv("CASES_MASTER_KEY", new_master_key())
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    early = cases_store(make_store, monkeypatch)
    running = [
        ServiceContainer(service, nameko_config(amqp_uri))
        for service in (CasesService, CoordinationService)
    ]
    for container in running:
        container.start()

    # the county's registry grows to about 1,000 events
    registry = CoordinationApplication(coordination_store)
    registry.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    for n in range(STAFF):
        registry.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email=f"t{n}@primaria-cluj.ro"))
    registry.close()
    head = stored_count(coordination_store)
    assert head >= STAFF

    # the cases service that ran from the beginning follows it all
    eventually(lambda: what_cases_knows(early)["position"] == head, 180, every=0.5)
    running[0].stop()
    with kombu.Connection(amqp_uri) as conn:  # and its queue goes: none is left behind
        conn.default_channel.queue_delete("coordonare.cases.on_coordination")

    # a cases service on a new store, with no queue: it joins late
    late = cases_store(make_store, monkeypatch)
    joined = ServiceContainer(CasesService, nameko_config(amqp_uri))
    joined.start()
    try:
        eventually(lambda: what_cases_knows(late)["position"] == head, 180, every=0.5)
        known, missed = what_cases_knows(early), what_cases_knows(late)
        assert len(known["staff"]) == STAFF
        assert missed == known
    finally:
        joined.stop()
        running[1].stop()


def streamed_up_to(amqp_uri: str, position: int) -> bool:
    """Whether the coordination stream holds the event at ``position`` (a
    stream consumer sees what was written at once, unlike the count)."""
    seen: list[int] = []
    with kombu.Connection(amqp_uri) as conn:
        channel = conn.channel()
        channel.basic_qos(0, 500, False)
        stream = kombu.Queue(
            stream_name("coordination"), no_declare=True, consumer_arguments={"x-stream-offset": 0}
        )

        def take(message: kombu.Message) -> None:
            seen.append(int(json.loads(message.body)["position"]))
            message.ack()

        with (
            kombu.Consumer(channel, queues=[stream], on_message=take),
            contextlib.suppress(TimeoutError),
        ):
            while position not in seen:
                conn.drain_events(timeout=1)
    return position in seen


def test_a_service_joining_just_after_its_source_wrote_misses_nothing(
    make_store, amqp_uri, monkeypatch
) -> None:
    """The broker counts a stream's messages every few seconds: a service
    joining right after its source published still reads all of it."""
    coordination_store = make_store()
    monkeypatch.setenv("COORDINATION_STORE_URL", coordination_store)
    monkeypatch.setenv("CASES_MASTER_KEY", new_master_key())
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    source = ServiceContainer(CoordinationService, nameko_config(amqp_uri))
    source.start()
    registry = CoordinationApplication(coordination_store)
    registry.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    registry.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email="t0@primaria-cluj.ro"))
    eventually(
        lambda: streamed_up_to(amqp_uri, stored_count(coordination_store)),
        60,
        retrying=(amqp.exceptions.NotFound,),  # until the relay made the stream
    )
    for n in range(1, 40):  # and more, the moment before the other joins
        registry.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email=f"t{n}@primaria-cluj.ro"))
    registry.close()
    head = stored_count(coordination_store)
    eventually(lambda: streamed_up_to(amqp_uri, head), 60, every=0)

    store = cases_store(make_store, monkeypatch)
    joined = ServiceContainer(CasesService, nameko_config(amqp_uri))
    joined.start()
    try:
        eventually(lambda: what_cases_knows(store)["position"] == head, 60, every=0.5)
        assert len(what_cases_knows(store)["staff"]) == 40
    finally:
        joined.stop()
        source.stop()
