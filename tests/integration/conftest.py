import contextlib
from collections.abc import Iterator
from typing import Any

import kombu
import pytest
from nameko.containers import ServiceContainer
from sqlalchemy.engine import make_url

from events.broker import SERVICES
from events.stream import stream_name
from services.cases.master_keys import keys_url_for
from services.cases.service import CasesService
from services.coordination.service import CoordinationService
from services.evaluations.application import EvaluationsApplication
from services.evaluations.service import EvaluationsService
from services.notifications.service import NotificationsService
from tests.support.casework import Casework, build_casework, new_master_key
from tests.support.county import County, build_county
from tests.support.evaluating import build_evaluating
from tests.support.notifying import build_notifying
from tests.support.services import nameko_config
from tests.support.signed import ClusterRpcProxy
from tests.support.smtp import Mailbox


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def streams_of_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test's streams (``events.stream``) go with it. A module's tests
    share its vhost but each has stores of its own: a stream left by one
    would give the next one's late-joining subscriptions another store's
    history (positions included)."""
    yield
    if "amqp_uri" not in request.fixturenames:
        return
    with kombu.Connection(request.getfixturevalue("amqp_uri")) as conn:
        for service in (*SERVICES, "gateway"):  # the gateway's: its refusals
            channel = conn.channel()
            try:
                channel.queue_delete(stream_name(service))
            except conn.channel_errors:
                pass  # none made
            finally:
                with contextlib.suppress(Exception):
                    channel.close()


@pytest.fixture
def apps(store_url):
    """The evaluations service's application and a second one on the same store (another
    replica, which sees only what is committed)."""
    mine, other = EvaluationsApplication(store_url), EvaluationsApplication(store_url)
    yield mine, other
    mine.close()
    other.close()


@pytest.fixture
def county(clock, store_url, amqp_uri, monkeypatch) -> Iterator[County]:
    """The coordination service running in-process, and a county registered
    in it (see tests/support/county.py)."""
    monkeypatch.setenv("STORE_URL", store_url)
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    config = nameko_config(amqp_uri)
    container = ServiceContainer(CoordinationService, config)
    container.start()
    with ClusterRpcProxy(config) as rpc:
        yield build_county(rpc.coordination, amqp_uri)
    container.stop()


@pytest.fixture
def casework(clock, make_store, amqp_uri, monkeypatch) -> Iterator[Casework]:
    """The coordination and cases services running in-process, each on its own
    database, the county of ``county`` registered, the technician under an
    active contract with the expert, and the cases service told so by the
    coordination service's events (see tests/support/casework.py)."""
    monkeypatch.setenv("COORDINATION_STORE_URL", make_store())
    cases_store = make_store()
    monkeypatch.setenv("CASES_STORE_URL", cases_store)
    # the beneficiaries' keys in their own database, where the service looks
    # by default (the store's name + "_keys")
    keys_store = make_store(make_url(keys_url_for(cases_store)).database)
    monkeypatch.setenv("CASES_MASTER_KEY", new_master_key())
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    containers = [
        ServiceContainer(service, nameko_config(amqp_uri))
        for service in (CasesService, CoordinationService)
    ]
    for container in containers:  # cases first: its subscription queue exists before events
        container.start()
    with ClusterRpcProxy(nameko_config(amqp_uri)) as rpc:
        yield {
            **build_casework(rpc, amqp_uri),
            "cases_store": cases_store,
            "keys_store": keys_store,
            "containers": containers,
        }
    for container in containers:
        container.stop()


@pytest.fixture
def evaluating(clock, make_store, amqp_uri, monkeypatch) -> Iterator[dict[str, Any]]:
    """The coordination and evaluations services running in-process, each on
    its own database, the county of ``county`` registered and a contract
    between the technician and the expert drafted, not yet signed (see
    tests/support/evaluating.py)."""
    monkeypatch.setenv("COORDINATION_STORE_URL", make_store())
    evaluations_store = make_store()
    monkeypatch.setenv("EVALUATIONS_STORE_URL", evaluations_store)
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    containers = [
        ServiceContainer(service, nameko_config(amqp_uri))
        for service in (EvaluationsService, CoordinationService)
    ]
    for container in containers:  # each subscription queue exists before the events it wants
        container.start()
    with ClusterRpcProxy(nameko_config(amqp_uri)) as rpc:
        yield build_evaluating(rpc, amqp_uri) | {"evaluations_store": evaluations_store}
    for container in containers:
        container.stop()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on loopback that keeps what it receives."""
    with Mailbox() as box:
        yield box


@pytest.fixture
def webhook_demo(monkeypatch) -> None:
    """A demo deployment, as `make run` is: webhooks may go to loopback (and
    over plain http there), where the tests' webhook sink listens. Ask for it
    before ``notifying``: the service reads it when it starts."""
    monkeypatch.setenv("WEBHOOK_DEMO", "1")


@pytest.fixture
def notifying(
    clock, make_store, amqp_uri, monkeypatch, mailbox, tmp_path
) -> Iterator[dict[str, Any]]:
    """The coordination, cases and notifications services in-process, each on
    its own database; the notifications service's clock in a file the story
    moves forward; mail to ``mailbox`` (see tests/support/notifying.py). The
    notifications container is returned too, so a story can stop it and
    start another on the same store."""
    monkeypatch.setenv("COORDINATION_STORE_URL", make_store())
    monkeypatch.setenv("CASES_STORE_URL", make_store())
    monkeypatch.setenv("CASES_KEYS_URL", make_store())
    store = make_store()
    monkeypatch.setenv("NOTIFICATIONS_STORE_URL", store)
    monkeypatch.setenv("CASES_MASTER_KEY", new_master_key())
    monkeypatch.setenv("NOTIFICATIONS_WEBHOOK_KEY", new_master_key())
    clock_file = tmp_path / "clock-offset"
    monkeypatch.setenv("NOTIFICATIONS_CLOCK_OFFSET_FILE", str(clock_file))
    monkeypatch.setenv("WEBHOOK_TIMEOUT", "0.5")
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    config = nameko_config(amqp_uri)
    containers = [
        ServiceContainer(service, config)
        for service in (NotificationsService, CasesService, CoordinationService)
    ]
    for container in containers:  # subscribers first: their queues exist before events
        container.start()
    with ClusterRpcProxy(config) as rpc:
        world = build_notifying(rpc, amqp_uri, mailbox, clock_file)
        yield world | {"notifications_store": store, "containers": containers, "config": config}
    for container in containers:
        container.stop()
