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
def outside(amqp_uri):
    subscriber = OutsideSubscriber(amqp_uri)
    yield subscriber
    subscriber.close()


def test_one_replica_publishes_and_the_other_takes_over(store_url, amqp_uri, outside):
    app_a, relay_a, thread_a = replica(store_url, amqp_uri)
    eventlet.sleep(0.3)  # a takes the lock first
    app_b, relay_b, thread_b = replica(store_url, amqp_uri)
    try:
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
    finally:
        for relay, thread in ((relay_a, thread_a), (relay_b, thread_b)):
            relay.stop()
            thread.wait()
        app_a.close()
        app_b.close()
