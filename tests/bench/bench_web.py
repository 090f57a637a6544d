"""Web app benchmark (``make bench``): how long the gateway takes to answer
the pages people open most — the technician's home (``/azi``), the
coordinator's home (``/acasa``) and a case page (``/cazuri/<id>``) — p50
and p95, one client on loopback (so the time is the server's: the gateway,
its RPCs and the services' queries).

Two counties, both behind the gateway with every service in this process
(``tests.support.gateway.county_behind_gateway``) on databases and a vhost
of their own:

a. the demo county (``deploy/demo.py``) as seeded;
b. the same with TECHNICIANS more technicians under contract with the demo
   coordinator (``asistent.cluj``) and CASES cases referred among them and
   ``tehnician.cluj`` through the services' RPC, as the other benchmarks
   seed: the coordinator's home then covers the whole county's caseload.

A page not built yet answers 404 (the API's): its status is printed beside
its figures. Never asserted: it only prints."""

# ruff: noqa: E402
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # docs/adr/0004

import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import logging
import os
import re
import statistics
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from typing import Any

import requests
from eventlet.greenpool import GreenPool

from events.nameko import make_psycopg_green
from services.coordination.contracts.rules import OBLIGATIONS
from tests.bench.support import new_vhost, section, show
from tests.support.casework import referral, wait_for_coordination
from tests.support.gateway import County, county_behind_gateway
from tests.support.signed import ClusterRpcProxy

TECHNICIANS = int(os.environ.get("BENCH_WEB_TECHNICIANS", "50"))
CASES = int(os.environ.get("BENCH_WEB_CASES", "5000"))
SAMPLES = int(os.environ.get("BENCH_WEB_SAMPLES", "60"))
SEEDERS = 20  # concurrent RPC clients while seeding


def signed_in(url: str, username: str) -> requests.Session:
    """A browser's session, signed in through the sign-in page."""
    browser = requests.Session()
    form = browser.get(f"{url}/intrare").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', form)
    assert nonce, "the sign-in page has no form"
    answer = browser.post(
        f"{url}/intrare",
        data={"nonce": nonce.group(1), "username": username, "password": f"demo-{username}"},
        allow_redirects=False,
    )
    assert answer.status_code == 303, f"{username} could not sign in: {answer.status_code}"
    return browser


def page_times(browser: requests.Session, url: str, label: str) -> None:
    browser.get(url, allow_redirects=False)  # warm-up: caches, connections
    samples, statuses = [], Counter()
    for _ in range(SAMPLES):
        started = time.perf_counter()
        answer = browser.get(url, allow_redirects=False)
        samples.append(time.perf_counter() - started)
        statuses[answer.status_code] += 1
    ms = sorted(s * 1000 for s in samples)
    note = "status " + ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
    show(f"{label} p50", statistics.median(ms), "ms", note)
    show(f"{label} p95", ms[min(len(ms) - 1, int(len(ms) * 0.95))], "ms")


def measure(county: County, title: str) -> None:
    section(title)
    case_id = county.seeded["walkthrough"]["case_id"]
    technician = signed_in(county.url, "tehnician.cluj")
    coordinator = signed_in(county.url, "asistent.cluj")
    page_times(technician, f"{county.url}/azi", "/azi (tehnician.cluj)")
    page_times(coordinator, f"{county.url}/acasa", "/acasa (asistent.cluj)")
    page_times(technician, f"{county.url}/cazuri/{case_id}", "case page (technician)")
    page_times(coordinator, f"{county.url}/cazuri/{case_id}", "case page (coordinator)")


def actor(county: County, username: str) -> dict[str, Any]:
    user = next(u for u in county.seeded["users"] if u["username"] == username)
    return {"id": user["sub"], "role": user["role"], "municipality": user["municipality"]}


def technician_under_contract(
    coordination: Any, admin: dict, head: dict, coordinator: dict, name: str
) -> dict[str, Any]:
    """A technician of Cluj registered by the demo's county admin, and a
    contract with ``coordinator`` signed by both (as tests/bench/support.py,
    whose admin the demo county does not know)."""
    tech = coordination.register_staff(
        admin,
        {
            "email": f"{name}@x.ro",
            "full_name": name.upper(),
            "role": "technician",
            "municipality": "54975",
            "beneficiary_categories": ["poverty", "school_dropout_risk"],
        },
    )
    contract = coordination.draft_contract(
        head,
        {
            "technician_id": tech["staff_id"],
            "coordinator_id": coordinator["id"],
            "legal_form": "service_contract",
            "obligations": {p: list(o) for p, o in OBLIGATIONS.items()},
            "hours_per_month": 40,
            "starts_on": "2026-01-01",
        },
    )
    key = {"contract_id": contract["contract_id"]}
    coordination.sign_contract(head, key)
    coordination.sign_contract(coordinator, key)
    return {"id": tech["staff_id"], "role": "technician", "municipality": "54975"}


def grow(county: County, amqp_uri: str) -> None:
    """TECHNICIANS technicians of the demo coordinator, CASES cases."""
    admin, head = actor(county, "judet"), actor(county, "sef.cluj")
    coordinator = actor(county, "asistent.cluj")
    started = time.perf_counter()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
        technicians = [
            technician_under_contract(rpc.coordination, admin, head, coordinator, f"bench.tech{i}")
            for i in range(TECHNICIANS)
        ]
        for technician in technicians:
            wait_for_coordination({"cases": rpc.cases}, technician, timeout=60)
    technicians.append(actor(county, "tehnician.cluj"))

    def refer(i: int) -> None:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=60) as rpc:
            for n in range(i, CASES, SEEDERS):
                rpc.cases.refer_case(technicians[n % len(technicians)], referral({}))

    pool = GreenPool(SEEDERS)
    for i in range(SEEDERS):
        pool.spawn(refer, i)
    pool.waitall()
    show(
        "seeded",
        CASES,
        "cases",
        f"{len(technicians)} technicians, {time.perf_counter() - started:.0f} s",
    )


def main() -> None:
    logging.getLogger("amqp").setLevel(logging.ERROR)
    make_psycopg_green()
    print(
        f"Coordonare web app benchmark: {os.cpu_count()} cores, one client, "
        f"{SAMPLES} requests a page",
        flush=True,
    )
    with ExitStack() as cleanup, tempfile.TemporaryDirectory() as tmp:
        amqp_uri = new_vhost(cleanup)
        county = cleanup.enter_context(county_behind_gateway(amqp_uri, Path(tmp)))
        measure(county, "a. the demo county")
        grow(county, amqp_uri)
        measure(county, f"b. {TECHNICIANS} technicians more, {CASES} cases more")


if __name__ == "__main__":
    main()
