"""One failure stays one failure, and nothing is lost or done twice (issue
18): the demo county behind the gateway, its technicians reporting urgent
risks all at once, each request retried with its own ``Idempotency-Key``
until answered, while the cases service — a ``nameko run`` process under
``make run``'s supervisor — is killed (SIGKILL) once: before a command's
commit, after its commit before its reply, or after its reply.

Every request ends with its risk, each risk is stored once, no answer is a
500, the coordination service answers while cases is down, and the
supervisor brings cases back by itself."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import eventlet
import pytest
import requests
import sqlalchemy as sa

from deploy.supervise import Supervisor
from tests.support.gateway import County, county_behind_gateway, risk_report
from tests.support.services import start_process
from tests.support.waiting import eventually

CASES = "services.cases.service:CasesService"
REQUESTS = 24
ANSWERED = {201}
RETRIED = {409, 503, 504}  # in progress, unavailable, no answer in time: try again


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    # a short time limit: a request the killed service never answered is
    # retried within seconds, as a phone would
    with county_behind_gateway(
        amqp_uri, tmp_path_factory.mktemp("killed"), GATEWAY_RPC_TIMEOUT="4"
    ) as county:
        county.containers["cases"].stop()  # from here on, cases runs as a process
        yield county


@pytest.fixture
def supervised(amqp_uri: str, tmp_path: Path) -> Iterator[Any]:
    """Starts cases under the supervisor with a fault point, dying there once."""
    supervisor = Supervisor(first_pause=0.2, say=lambda _: None)
    ticking = eventlet.spawn(supervisor.run, lambda: False, 0.05)

    def start(fault: str) -> Any:
        env = {"COORDONARE_FAULT": fault, "COORDONARE_FAULT_ONCE": str(tmp_path / "died")}
        return supervisor.add(
            "cases",
            lambda: start_process(
                CASES, amqp_uri, os.environ["CASES_STORE_URL"], stderr=subprocess.DEVNULL, **env
            ),
        )

    yield start
    ticking.kill()
    for child in supervisor.children:
        if child.process is not None and child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
            child.process.wait(timeout=30)


def reported_risks() -> int:
    engine = sa.create_engine(os.environ["CASES_STORE_URL"])
    reported = sa.text("SELECT count(*) FROM cases_events WHERE topic LIKE '%UrgentRisk.Reported'")
    try:
        with engine.connect() as db:
            return int(db.execute(reported).scalar_one())
    finally:
        engine.dispose()


def report_until_answered(tech: requests.Session, url: str, seen: list[int]) -> dict:
    """One risk reported as a phone would: the same key until it is answered."""
    key = {"Idempotency-Key": f"load-{uuid.uuid4()}"}
    body = risk_report()
    deadline = time.monotonic() + 120
    while True:
        answer = tech.post(url, json=body, headers=key, timeout=30)
        seen.append(answer.status_code)
        if answer.status_code in ANSWERED:
            return answer.json()
        assert answer.status_code in RETRIED, answer.text
        assert time.monotonic() < deadline, "never answered"
        eventlet.sleep(min(float(answer.headers.get("Retry-After", "1")), 1.0))


@pytest.mark.parametrize(
    "fault", ["command.before_commit", "command.after_commit", "command.after_reply"]
)
def test_a_service_killed_under_load_loses_nothing_and_doubles_nothing(
    county: County, supervised: Any, fault: str
) -> None:
    cases = supervised(fault)
    tech = county.as_("tehnician.cluj")
    coordinator = county.as_("asistent.cluj")
    case_id = eventually(
        lambda: tech.get(f"{county.url}/cases", params={"stage": "intervention"}).json()["items"][
            0
        ]["case_id"],
        60,
        every=0.5,
        retrying=(KeyError, IndexError, requests.RequestException),
    )
    url = f"{county.url}/cases/{case_id}/urgent-risks"
    before = reported_risks()

    seen: list[int] = []
    load = [eventlet.spawn(report_until_answered, tech, url, seen) for _ in range(REQUESTS)]
    # the coordination service answers while cases is down
    eventually(lambda: cases.exits, 60, every=0.05, message="cases was never killed")
    assert cases.exits[0] == -signal.SIGKILL
    assert coordinator.get(f"{county.url}/municipalities", timeout=10).status_code == 200
    risks = [call.wait() for call in load]

    assert len({r["risk_id"] for r in risks}) == REQUESTS  # every request, its own risk
    assert reported_risks() - before == REQUESTS  # each stored once
    assert set(seen) <= ANSWERED | RETRIED  # never a 500
    assert cases.restarts >= 1 and cases.running  # back by itself
