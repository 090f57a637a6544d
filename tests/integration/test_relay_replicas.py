"""Two replicas of a service share one store: only one relay publishes at a
time (PostgreSQL advisory lock), and the other takes over when it stops."""

import eventlet
import psycopg2
import pytest

from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN_ACTOR, TECHNICIAN, register_technicians
from tests.support.waiting import eventually


def idle_in_transaction(store_url: str) -> int:
    with psycopg2.connect(store_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND now() - state_change > interval '1 second'"
        )
        return cur.fetchone()[0]


def replica(store_url, amqp_uri):
    app = CoordinationApplication(store_url)
    publisher = ConfirmedPublisher(amqp_uri, "coordonare.events")
    relay = OutboxRelay("coordination", app, publication_of, publisher, poll_seconds=0.1)
    return app, relay, eventlet.spawn(relay.run)


@pytest.fixture
def replicas(store_url, amqp_uri):
    """Two replicas, each publishing with its own relay; a started first."""
    a = replica(store_url, amqp_uri)
    eventlet.sleep(0.3)  # a takes the lock first
    b = replica(store_url, amqp_uri)
    yield a, b
    for app, relay, thread in (a, b):
        relay.stop()
        thread.wait()
        app.close()


@pytest.fixture
def outside(amqp_uri):
    subscriber = OutsideSubscriber(amqp_uri)
    yield subscriber
    subscriber.close()


def test_one_replica_publishes_and_the_other_takes_over(store_url, replicas, outside):
    (_, relay_a, thread_a), (app_b, relay_b, _) = replicas
    register_technicians(app_b, 3)  # stored through b, published by the leader
    events = outside.receive(4)
    assert relay_a.position == events[-1]["position"]
    assert relay_b.position == 0, "the second replica published too"
    # the leader holds its lock on a session, not on a transaction left
    # open: a server's idle_in_transaction_session_timeout would end it
    assert idle_in_transaction(store_url) == 0

    relay_a.stop()
    thread_a.wait()
    app_b.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email="after@primaria-cluj.ro"))
    (late,) = outside.receive(5)[4:]
    assert late["position"] == events[-1]["position"] + 1
    assert outside.nothing_more(wait=0.5), "an event was published twice"


def end_the_lock_session(store_url: str) -> int:
    """Ends the sessions holding an advisory lock in this database, as a
    server restart or a network cut would: how many there were."""
    with psycopg2.connect(store_url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d "
            "ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted "
            "AND d.datname = current_database()"
        )
        return len(cur.fetchall())


def test_a_leader_whose_session_ended_gives_way_and_nothing_is_lost(
    store_url, replicas, outside
):
    # The leader asks its session whether it is alive only now and then; a
    # session ended in between is found out by its next position write.
    (_, relay_a, _), (app_b, relay_b, _) = replicas
    register_technicians(app_b, 1)
    first = outside.receive(2)[-1]["position"]
    assert end_the_lock_session(store_url) == 1
    app_b.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email="dupa@primaria-cluj.ro"))
    eventlet.sleep(1.5)  # whoever leads now has found its session alive
    app_b.register_staff(ADMIN_ACTOR, **TECHNICIAN.command(email="apoi@primaria-cluj.ro"))
    eventually(lambda: outside.take_up_to(10) and outside.events[-1]["position"] == first + 2)
    positions = [e["position"] for e in outside.events]
    # the one in flight when the session ended may come twice (same id:
    # consumers take it once); none is lost, none comes out of order
    assert sorted(set(positions)) == list(range(1, first + 3))
    assert positions == sorted(positions)
    assert positions.count(first + 2) == 1
    assert outside.nothing_more(wait=0.5), "an event was published twice"
    leaders = [r for r in (relay_a, relay_b) if r.leader.connection is not None]
    assert len(leaders) == 1, "two replicas lead, or none"
