"""The store restarted under load (issue 18): the demo county behind the
gateway, every service's store and the gateway's own on a PostgreSQL cluster
of the test's own (``tests.support.private_pg``), its technicians reporting
urgent risks without pause — each report retried with its own
``Idempotency-Key`` until answered, as a phone does — while an operator
restarts PostgreSQL: at once (``pg_ctl restart``), or stopped a while and
started again. Either way the stop is a fast one, which ends every session:
each pooled connection of every service and of the gateway is dead.

While the store is down the county says so (503 with ``Retry-After``),
never 500. Once it is back, the same service containers — not restarted,
their relays and subscriptions the same threads — answer again: every
report ends answered, each risk is stored once, and the events stored after
the restart still reach their subscribers (every risk's alert reaches the
notifications service)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import eventlet
import pytest
import requests
from nameko.containers import ServiceContainer

from tests.support.gateway import (
    RETRIED,
    County,
    county_behind_gateway,
    listed,
    risk_report,
    until_answered,
)
from tests.support.private_pg import PrivateCluster, private_cluster
from tests.support.published import stored_of
from tests.support.waiting import eventually

PHONES = 6
ANSWERED = {201}


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def county(amqp_uri: str, tmp_path_factory: Any, cluster: PrivateCluster) -> Iterator[County]:
    # a short time limit: a request the store's outage held is retried
    # within seconds, as a phone would
    with county_behind_gateway(
        amqp_uri,
        tmp_path_factory.mktemp("restart"),
        pg_admin_url=cluster.url(),
        GATEWAY_RPC_TIMEOUT="5",
    ) as county:
        yield county
        if not cluster.running():  # (a story that failed midway) its databases are dropped
            cluster.start()


@dataclass
class Load:
    """Technicians' phones reporting risks until told to stop."""

    tech: requests.Session
    url: str
    statuses: list[int] = field(default_factory=list)
    unavailable: list[requests.Response] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # what no phone should ever get
    stopping: bool = False

    def phone(self) -> None:
        try:
            while not self.stopping:
                self.risks.append(self.report_until_answered()["risk_id"])
        except AssertionError as failure:  # said at the end, and in every wait meanwhile
            self.failures.append(str(failure))

    def said(self, what: str) -> str:
        return f"{what}; {self.failures[:3]}" if self.failures else what

    def report_until_answered(self) -> dict[str, Any]:
        """One risk reported as a phone would: the same key until answered."""
        return until_answered(self.tech, self.url, risk_report(), 201, self.noted, within=120)

    def noted(self, answer: requests.Response) -> None:
        self.statuses.append(answer.status_code)
        if answer.status_code == 503:
            self.unavailable.append(answer)


def reported_risks() -> int:
    return stored_of(os.environ["CASES_STORE_URL"], "UrgentRisk.Reported")


def alerted_risks(auditor: requests.Session, url: str) -> set[str]:
    """The risks the notifications service raised an alert for, every page."""
    return {a["risk_id"] for a in listed(auditor, f"{url}/alerts")}


def threads_of(containers: dict[str, ServiceContainer]) -> dict[str, set[Any]]:
    """Each container's long-running threads (relay, subscriptions, timers,
    consumers): the same ones afterwards means nothing was restarted."""
    return {name: set(c._managed_threads) for name, c in containers.items()}


def healthy(container: ServiceContainer) -> bool:
    address = container.config["WEB_SERVER_ADDRESS"]
    return requests.get(f"http://{address}/health", timeout=10).status_code == 200


@pytest.mark.parametrize("stopped_a_while", [False, True], ids=["restarted", "stopped a while"])
def test_the_county_comes_back_by_itself_after_its_store_restarts(
    county: County, cluster: PrivateCluster, stopped_a_while: bool
) -> None:
    tech = county.as_("tehnician.cluj")
    auditor = county.as_("auditor")
    cases = tech.get(f"{county.url}/cases", params={"stage": "intervention"}, timeout=30)
    load = Load(tech, f"{county.url}/cases/{cases.json()['items'][0]['case_id']}/urgent-risks")
    before = reported_risks()
    threads = threads_of(county.containers)

    phones = [eventlet.spawn(load.phone) for _ in range(PHONES)]
    eventually(
        lambda: len(load.risks) >= 2 * PHONES, 60, every=0.1, message=lambda: load.said("no load")
    )
    if stopped_a_while:
        cluster.stop("fast")
        told = len(load.unavailable)
        # the store is down under load: the phones are told to come back later
        eventually(
            lambda: len(load.unavailable) > told,
            30,
            every=0.1,
            message=lambda: load.said("no 503 while the store was down"),
        )
        cluster.start()
    else:
        cluster.restart("fast")
    answered = len(load.risks)
    eventually(
        lambda: len(load.risks) >= answered + 2 * PHONES,
        60,
        every=0.2,
        message=lambda: load.said("the county did not answer again once its store was back"),
    )
    load.stopping = True
    for phone in phones:
        phone.wait()

    assert not load.failures, load.failures
    assert set(load.statuses) <= ANSWERED | RETRIED  # never a 500
    assert all(a.headers.get("Retry-After") for a in load.unavailable)
    assert len(set(load.risks)) == len(load.risks)  # every request, its own risk
    assert reported_risks() - before == len(load.risks)  # each stored once
    # the same containers, the same threads: nothing was restarted
    assert all(c.started for c in county.containers.values())
    now = threads_of(county.containers)
    assert all(threads[name] <= now[name] for name in threads), "a thread was restarted"
    assert all(healthy(c) for c in county.containers.values())
    # what was stored after the restart was published and followed: the
    # alert of every risk, and of one reported now, reaches notifications
    last = load.report_until_answered()["risk_id"]
    wanted = {*load.risks, last}
    eventually(
        lambda: wanted <= alerted_risks(auditor, county.url),
        60,
        every=0.5,
        message=lambda: f"{len(wanted - alerted_risks(auditor, county.url))} risks never alerted",
    )
