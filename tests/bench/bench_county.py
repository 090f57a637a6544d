"""The services on a county-scale data set (issue 17): run
``make county-data`` first (``deploy/county_data.py``), then

    python tests/bench/bench_county.py            # stores county_* (BENCH_COUNTY_PREFIX)

Prints, against the issue's aims (printed, never asserted):
- each service's start time (``nameko run`` → ``/health`` answers 200), and
  its RSS after start and after the queries (from ``/proc``);
- the first query of each service after start (its read models built from
  the whole store) — what a user waits for once, after a restart;
- p50/p99 of the technician's and the coordinator's list queries (their
  home pages' queries and the list of cases, one page and whole), over RPC
  with a signed identity as the gateway sends them;
- verify throughput: ``coordonare-verify`` over each store, events/s.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from deploy import stack as deployed
from deploy.county_data import SERVICE_NAMES, store_urls
from events.clock import local_today
from events.verify import open_recorder, verify_store
from tests.bench.gateway_stack import Stack, listening_port
from tests.bench.support import new_vhost, percentiles, section, show
from tests.support.signed import ClusterRpcProxy, trust_test_keys
from tests.support.waiting import eventually

PREFIX = os.environ.get("BENCH_COUNTY_PREFIX", "county")
PEOPLE = int(os.environ.get("BENCH_COUNTY_PEOPLE", "20"))  # technicians (and their coordinators)
ROUNDS = int(os.environ.get("BENCH_COUNTY_ROUNDS", "5"))
ENTRIES = {s.name: s.entry for s in deployed.SERVICES}
AIMS = {"start": 60.0, "rss": 300.0, "p99": 100.0, "verify": 100_000.0}


def events_in(store_url: str, service: str) -> int:
    """How many events the store holds (0: no such store, or empty)."""
    try:
        return open_recorder(service, store_url).max_notification_id() or 0
    except Exception:  # no such database: no county generated there
        return 0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def health(port: int) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_services(stack: Stack, amqp_uri: str) -> dict[str, float]:
    """One at a time, so each start is its own: seconds to /health."""
    urls = store_urls(PREFIX)
    keys = {
        "CASES_MASTER_KEY": deployed.local_key("CASES_MASTER_KEY", "cases-master.key", "cases"),
        "CASES_KEYS_URL": urls["cases_keys"],
        "NOTIFICATIONS_WEBHOOK_KEY": deployed.local_key(
            "NOTIFICATIONS_WEBHOOK_KEY", "notifications-webhook.key", "notifications"
        ),
    }
    started = {}
    for name in SERVICE_NAMES:
        began = time.perf_counter()
        env = {"AMQP_URI": amqp_uri, "STORE_URL": urls[name], "WEB_SERVER_ADDRESS": "127.0.0.1:0"}
        stack.start(name, ENTRIES[name], keys | env)
        port = listening_port(stack.pids[name], timeout=600)
        eventually(lambda port=port: health(port), 600, every=0.2, message=f"{name} /health")
        started[name] = time.perf_counter() - began
    return started


def people(rpc: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(technician, coordinator) actors of the first ``PEOPLE`` contracts."""
    system = {"id": "bench.county", "role": "system", "municipality": None}
    staff = rpc.coordination.list_staff(system, role="technician")[:PEOPLE]
    pairs = []
    for row in staff:
        technician = {"id": row["staff_id"], "role": "technician", "municipality": None}
        technician["municipality"] = rpc.coordination.get_staff(system, row["staff_id"])[
            "municipality"
        ]
        found = rpc.coordination.coordination_of(technician, row["staff_id"])
        coordinator = {"id": found["coordinator_id"], "role": "social_worker", "municipality": None}
        pairs.append((technician, coordinator))
    return pairs


def queries(rpc: Any, me: dict[str, Any], coordinator: bool) -> dict[str, Callable[[], Any]]:
    """A person's home page's queries (gateway/web/pages: /azi, /acasa) and
    their list of cases (one page as the API gives it, and whole)."""
    if not coordinator:
        return {
            "technician: cases, whole": lambda: rpc.cases.list_cases(me, technician_id=me["id"]),
            "technician: cases, a page of 50": lambda: rpc.cases.list_cases(
                me, technician_id=me["id"], limit=50
            ),
            "technician: tasks": lambda: rpc.coordination.tasks_of_technician(me, me["id"]),
            "technician: overdue docs": lambda: rpc.cases.overdue_documents(me),
            "technician: open docs": lambda: rpc.cases.documents_of_technician(
                me, me["id"], open_only=True
            ),
            "technician: inbox": lambda: rpc.notifications.inbox(me, unread_only=True),
            # a page, as the gateway asks (`/me/reminders`: 50 by default)
            "technician: reminders coming": lambda: rpc.notifications.upcoming_reminders(
                me, limit=50
            ),
        }
    month = local_today().isoformat()[:7]
    oldest = rpc.cases.list_cases(me, limit=1)["items"]
    timeline = {  # read from the store when asked (ADR 19), not held by the view
        "coordinator: a case's timeline": lambda: rpc.cases.case_timeline(me, oldest[0]["case_id"])
    }
    return (timeline if oldest else {}) | {
        "coordinator: cases, a page of 50": lambda: rpc.cases.list_cases(me, limit=50),
        "coordinator: cases, whole": lambda: rpc.cases.list_cases(me),
        "coordinator: to validate": lambda: rpc.cases.validation_queue(me),
        "coordinator: overdue docs": lambda: rpc.cases.overdue_documents(me),
        "coordinator: urgent risks": lambda: rpc.cases.urgent_risks(me, open_only=True),
        "coordinator: hours (R6)": lambda: rpc.coordination.hours_of_coordinator(
            me, me["id"], month, below_only=True
        ),
    }


def time_queries(rpc: Any) -> None:
    pairs = people(rpc)
    samples: dict[str, list[float]] = {}
    firsts: dict[str, float] = {}
    for round_ in range(ROUNDS):
        for technician, coordinator in pairs:
            for me, is_coordinator in ((technician, False), (coordinator, True)):
                for label, query in queries(rpc, me, is_coordinator).items():
                    began = time.perf_counter()
                    query()
                    took = time.perf_counter() - began
                    if round_ == 0 and label not in firsts:
                        firsts[label] = took  # the service's read models built on first use
                    else:
                        samples.setdefault(label, []).append(took)
    section("  first query of each kind after start (read models built from the store), ms")
    for label, seconds in firsts.items():
        show(label, seconds * 1000, "ms")
    section(f"  list queries, {len(pairs)} technicians and coordinators × {ROUNDS} rounds")
    for label, taken in samples.items():
        percentiles(label, taken)
    worst = max(sorted(t)[min(len(t) - 1, int(len(t) * 0.99))] for t in samples.values())
    show("worst p99", worst * 1000, "ms", f"aim ≤ {AIMS['p99']:.0f} ms")


def verify_throughput() -> None:
    """What ``coordonare-verify`` does (``events.verify.verify_store``), timed
    without the interpreter's start."""
    urls = store_urls(PREFIX)
    total_events, total_seconds = 0, 0.0
    for name in SERVICE_NAMES:
        events = events_in(urls[name], name)
        began = time.perf_counter()
        verdict = verify_store(name, urls[name])
        seconds = time.perf_counter() - began
        state = "intact" if verdict.intact else "NOT INTACT"
        show(f"verify {name}", events / seconds, "events/s", f"{events:,} events, {state}")
        total_events, total_seconds = total_events + events, total_seconds + seconds
    show(
        "verify, all stores",
        total_events / total_seconds,
        "events/s",
        f"aim ≥ {AIMS['verify']:,.0f}",
    )


def main() -> None:
    logging.getLogger("amqp").setLevel(logging.ERROR)
    urls = store_urls(PREFIX)
    stored = {n: events_in(urls[n], n) for n in SERVICE_NAMES}
    if not stored["cases"]:  # `make bench` goes on with the other benchmarks
        print(f"Coordonare county benchmark: skipped, no county in {PREFIX}_* (make county-data)")
        return
    print(
        f"Coordonare county benchmark: stores {PREFIX}_*, {sum(stored.values()):,} events "
        f"({', '.join(f'{n} {c:,}' for n, c in stored.items())}), {os.cpu_count()} cores",
        flush=True,
    )
    trust_test_keys()
    with ExitStack() as cleanup:
        temporary = Path(tempfile.mkdtemp(prefix="coordonare-bench-county-"))
        cleanup.callback(shutil.rmtree, temporary, ignore_errors=True)
        stack = Stack(temporary, cleanup)
        try:
            amqp_uri = new_vhost(cleanup)
            started = start_services(stack, amqp_uri)
            section("  start (nameko run → /health 200) and RSS")
            for name, seconds in started.items():
                show(f"{name} start", seconds, "s", f"aim ≤ {AIMS['start']:.0f} s")
                show(f"{name} RSS after start", rss_mb(stack.pids[name]), "MB")
            with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=600) as rpc:
                time_queries(rpc)
            for name in SERVICE_NAMES:
                show(
                    f"{name} RSS after the queries",
                    rss_mb(stack.pids[name]),
                    "MB",
                    f"aim < {AIMS['rss']:.0f} MB",
                )
        except BaseException:
            stack.tails()
            raise
    section("  verify (coordonare-verify, one store after another)")
    verify_throughput()


if __name__ == "__main__":
    main()
