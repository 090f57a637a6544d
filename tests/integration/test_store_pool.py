"""A store's connections are enough for every worker of its service
(issue 17): raising ``MAX_WORKERS`` never leaves a worker waiting for a
connection that only a worker waiting on it can give back.

The stall this guards against: twenty workers on one case. Nineteen hold
their unit's connection and wait for the aggregate's fast-forward lock
(eventsourcing's ``Repository.get``); the one holding that lock has no
connection yet. With a pool smaller than the workers, it waits for one
until the pool's timeout (30 s), and the call fails."""

from typing import Any

import eventlet
import pytest

from events.config import store_pool
from services.evaluations.application import EvaluationsApplication
from services.evaluations.twoway import CoordinationFeedback
from tests.integration.test_unit_of_work import feedback

WORKERS = 20


@pytest.fixture
def app(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("MAX_WORKERS", str(WORKERS))  # as deploy/nameko.yaml reads it
    monkeypatch.delenv("STORE_POOL_SIZE", raising=False)
    app = EvaluationsApplication(store_url)
    yield app
    app.close()


def test_twenty_workers_on_one_case_all_finish(app: Any) -> None:
    given = feedback()
    app.save(given)
    app.repository.get(given.id)  # in the aggregate cache: a get fast-forwards
    read: list[int] = []

    def holding_a_connection_then_reading_the_case() -> None:
        with app.unit_of_work():
            app.recorder.max_notification_id()  # the unit's connection, taken
            eventlet.sleep(0.2)  # meanwhile the last worker takes the lock
            read.append(app.repository.get(given.id).version)

    def reading_the_case_first() -> None:
        eventlet.sleep(0.1)  # the others hold their connections by now
        with app.unit_of_work():
            read.append(app.repository.get(given.id).version)

    workers = [eventlet.spawn(holding_a_connection_then_reading_the_case) for _ in range(19)]
    workers.append(eventlet.spawn(reading_the_case_first))
    with eventlet.Timeout(15):  # a stalled worker would wait the pool's 30 s
        for worker in workers:
            worker.wait()
    assert read == [1] * WORKERS
    assert isinstance(app.repository.get(given.id), CoordinationFeedback)


def test_the_pool_follows_the_workers_unless_set() -> None:
    assert store_pool({}) == 15  # nameko's default of 10 workers, and the service's own threads
    assert store_pool({"MAX_WORKERS": "40"}) == 45
    assert store_pool({"MAX_WORKERS": "40", "STORE_POOL_SIZE": "60"}) == 60
    with pytest.raises(RuntimeError, match="STORE_POOL_SIZE"):
        store_pool({"MAX_WORKERS": "40", "STORE_POOL_SIZE": "20"})
