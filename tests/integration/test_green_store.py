"""Database calls do not block the eventlet hub: slow queries from several
greenthreads run at the same time instead of queuing."""

import eventlet
from sqlalchemy import text

from services.coordination.application import CoordinationApplication


def test_concurrent_slow_queries_overlap(store_url):
    engine = CoordinationApplication(store_url).recorder.datastore.engine
    database = store_url.rsplit("/", 1)[1]
    in_flight = []
    done = eventlet.event.Event()

    def slow_query():
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_sleep(1.5)"))

    def observe():
        # Runs only if the hub is free while the sleeps are in progress.
        with engine.connect() as conn:
            while not done.ready():
                in_flight.append(
                    conn.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE datname = :db AND query LIKE 'SELECT pg_sleep%' "
                            "AND state = 'active'"
                        ),
                        {"db": database},
                    ).scalar()
                )
                conn.rollback()  # pg_stat_activity is a snapshot per transaction
                eventlet.sleep(0.05)

    observer = eventlet.spawn(observe)
    sleepers = [eventlet.spawn(slow_query) for _ in range(4)]
    for s in sleepers:
        s.wait()
    done.send()
    observer.wait()
    assert max(in_flight) == 4
