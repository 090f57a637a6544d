"""One failure stays one failure, and nothing is lost or done twice (issue
18): the demo county behind the gateway, one of its people sending the same
command many times at once, each request retried with its own
``Idempotency-Key`` until answered, while the service that takes it — a
``nameko run`` process under ``make run``'s supervisor — is killed (SIGKILL)
once: before the command's commit, after its commit before its reply, or
after its reply. Each service that takes commands through the gateway, with
a command its people send under load (``tests.support.killing.LOADS``):

- coordination: the coordinator delegates task sheets;
- cases: the technician reports urgent risks;
- evaluations: the coordinator completes observation checklists;
- notifications: the coordinator marks their alerts read.

Every request ends with its own outcome, stored once in the service's store
(read directly), and none other; no answer is a 500; another service answers
while the killed one is down; the supervisor brings it back by itself."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.gateway import RETRIED, County, county_behind_gateway
from tests.support.killing import FAULTS, GATEWAY_ENV, LOADS, killed_once, run_load

REQUESTS = 24


@pytest.fixture(scope="module")
def county(amqp_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    with county_behind_gateway(
        amqp_uri, tmp_path_factory.mktemp("killed"), **GATEWAY_ENV
    ) as county:
        yield county


@pytest.fixture
def fast_teardown() -> Iterator[None]:
    """In place of nameko's own (an autouse fixture of its pytest plugin),
    which stops every AMQP consumer made during a test when the test ends:
    each story here puts the service it killed back in this process for the
    next ones (``killed_once``), and that container must keep consuming (its
    stop would wait forever otherwise)."""
    yield


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("service", list(LOADS))
def test_a_service_killed_under_load_loses_nothing_and_doubles_nothing(
    county: County, amqp_uri: str, tmp_path: Path, service: str, fault: str
) -> None:
    load = LOADS[service]
    requests = load.requests(county, REQUESTS)  # while every service runs in this process

    with killed_once(county, service, fault, amqp_uri, tmp_path) as killed:
        outcome = run_load(county, load, requests, killed, concurrency=REQUESTS)

    assert outcome.exits[0] == -signal.SIGKILL  # it died at the fault point
    assert outcome.answered == REQUESTS
    assert (outcome.lost, outcome.duplicates) == (0, 0)  # counted in the service's store
    assert len({a[load.id_field] for a in outcome.answers}) == REQUESTS  # each its own
    assert sorted(outcome.stored) == sorted(a[load.id_field] for a in outcome.answers)
    assert set(outcome.statuses) <= {load.status} | RETRIED  # never a 500
    assert outcome.bystander == 200 and outcome.bystander_while_down  # the others answer
    assert outcome.restarts >= 1 and outcome.running  # back by itself
    assert outcome.down_for is not None  # … and answering
