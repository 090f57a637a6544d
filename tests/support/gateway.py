"""The whole county behind the HTTP gateway, as ``make run`` gives it: the
four services and the gateway in-process on databases and a vhost of their
own, the demo county seeded (deploy/demo.py), its users logging in to the
gateway's local issuer. One per test module: seeding takes a few seconds."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import eventlet
import pytest
import requests
from nameko.containers import ServiceContainer

from deploy.demo import proxy_rpc, seed, wait_for_services
from gateway.problems import unregister_service_errors
from gateway.service import GatewayService
from services.cases.service import CasesService
from services.coordination.service import CoordinationService
from services.evaluations.service import EvaluationsService
from services.notifications.service import NotificationsService
from tests.bench.support import PG_ADMIN_URL, new_database
from tests.support.casework import new_master_key
from tests.support.services import free_port, nameko_config
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually
from tests.support.web_county import WebCounty

# subscribers first: their queues exist before the events they want
SERVICES = (NotificationsService, EvaluationsService, CasesService, CoordinationService)


# Rate limits no test of a whole county trips by its own pace (the limits
# themselves are tested in test_gateway_jwks.py); a module may set its own.
UNLIMITED = {
    "GATEWAY_PERSON_LIMIT": "100000/minute",
    "GATEWAY_LOGIN_LIMIT": "100000/minute",
    "GATEWAY_LOGIN_ADDRESS_LIMIT": "100000/minute",
}


def risk_report() -> dict[str, Any]:
    """A technician's urgent-risk report, observed now, as the stories send it."""
    return {
        "category": "neglect",
        "observations": "Copilul a fost găsit singur acasă, fără hrană.",
        "called_112": False,
        "observed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


# -- a phone's requests ----------------------------------------------------------------
RETRIED = frozenset({409, 503, 504})  # in progress, unavailable, no answer in time: try again
# Client-side: longer than the gateway's own RPC time limit, so that its 504
# (and not a client timeout) says a request is to be sent again.
CLIENT_TIMEOUT = 60
ANSWER_WITHIN = 180  # seconds a request may take, retries included, before the story fails


def until_answered(
    session: requests.Session,
    url: str,
    body: dict[str, Any],
    status: int,
    noted: Callable[[requests.Response], object] = lambda _: None,
    within: float = ANSWER_WITHIN,
) -> dict[str, Any]:
    """One request as a phone sends it: the same key until it is answered
    ``status``, each answer ``noted``, waiting as ``Retry-After`` says (a
    second at most). An answer neither ``status`` nor one to retry fails the
    story, as does no answer ``within`` seconds."""
    key = str(uuid.uuid4())
    deadline = time.monotonic() + within
    while True:
        answer = post(session, url, body, key)
        noted(answer)
        if answer.status_code == status:
            return dict(answer.json())
        assert answer.status_code in RETRIED, f"{answer.status_code} {answer.text}"
        assert time.monotonic() < deadline, f"never answered: {url}"
        eventlet.sleep(min(float(answer.headers.get("Retry-After", "1")), 1.0))


def post(session: requests.Session, url: str, body: dict[str, Any], key: str) -> requests.Response:
    headers = {"Idempotency-Key": f"load-{key}"}
    return session.post(url, json=body, headers=headers, timeout=CLIENT_TIMEOUT)


def listed(session: requests.Session, url: str, **params: str) -> list[dict[str, Any]]:
    """Every item of a paged list, page after page."""
    items: list[dict[str, Any]] = []
    query: dict[str, str] = params | {"limit": "200"}
    while True:
        page = session.get(url, params=query, timeout=CLIENT_TIMEOUT)
        page.raise_for_status()
        items += page.json()["items"]
        if not page.json().get("next_cursor"):
            return items
        query = params | {"limit": "200", "cursor": page.json()["next_cursor"]}


@dataclass
class County(WebCounty):
    """The county in this process: its services' RPC as well."""

    rpc: Any = None
    containers: dict[str, ServiceContainer] = field(default_factory=dict)


@contextmanager
def county_behind_gateway(
    amqp_uri: str,
    tmp: Path,
    *,
    broker: str | None = None,
    pg_admin_url: str = PG_ADMIN_URL,
    **gateway_env: str,
) -> Iterator[County]:
    """``broker``: the AMQP URI the services and the gateway use (by default
    ``amqp_uri``), e.g. a ``tests.support.proxy.CuttableProxy`` in front of
    it; the seeding and the county's ``rpc`` go to ``amqp_uri`` directly, so
    a story's own calls never depend on what it does to ``broker``. The
    stores' databases are made on the server of ``pg_admin_url``: the
    machine's by default, or a cluster of the test's own
    (``tests.support.private_pg``) for a story that restarts it."""
    services_uri = broker or amqp_uri
    with ExitStack() as cleanup, pytest.MonkeyPatch.context() as env:
        for service in ("coordination", "cases", "evaluations", "notifications", "gateway"):
            env.setenv(f"{service.upper()}_STORE_URL", new_database(cleanup, pg_admin_url))
        env.setenv("CASES_KEYS_URL", new_database(cleanup, pg_admin_url))
        env.setenv("CASES_MASTER_KEY", new_master_key())
        env.setenv("NOTIFICATIONS_WEBHOOK_KEY", new_master_key())
        env.setenv("RELAY_POLL_SECONDS", "0.2")
        users_file = tmp / "users.json"
        in_process = {s.name: ServiceContainer(s, nameko_config(services_uri)) for s in SERVICES}

        def stop(name: str) -> None:
            in_process[name].stop()  # the one in place by then: a story may replace it

        for name, container in in_process.items():
            container.start()
            cleanup.callback(stop, name)
        with ClusterRpcProxy(nameko_config(amqp_uri), timeout=30) as proxy:
            rpc = proxy_rpc(proxy)
            wait_for_services(rpc)
            seeded = seed(rpc, users_file)
            env.setenv("GATEWAY_USERS_FILE", str(users_file))
            admin = f"127.0.0.1:{free_port()}"
            env.setenv("GATEWAY_ADMIN_ADDRESS", admin)
            for name, value in (UNLIMITED | gateway_env).items():
                env.setenv(name, value)
            port = free_port()
            gateway = ServiceContainer(
                GatewayService, nameko_config(services_uri, port) | {"max_workers": 60}
            )
            gateway.start()
            cleanup.callback(unregister_service_errors)
            cleanup.callback(gateway.stop)
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url)
            yield County(url, seeded, admin_url=f"http://{admin}", rpc=rpc, containers=in_process)


def wait_healthy(url: str, seconds: float = 30, path: str = "/health") -> None:
    eventually(
        lambda: requests.get(f"{url}{path}", timeout=5).status_code == 200,
        seconds,
        every=0.2,
        retrying=(requests.ConnectionError,),
        message="the gateway did not become healthy",
    )
