"""Crash benchmark (``make bench``, issue 18): each service that takes
commands through the gateway killed (SIGKILL) under load, once at each fault
point — before its commit, after its commit before its reply, after its
reply — as ``tests/integration/test_killed_under_load.py`` does it
(``tests.support.killing``), with more requests: REQUESTS of them,
CONCURRENCY at a time, each retried with its own ``Idempotency-Key`` until
answered.

The demo county behind the gateway, every service in this process
(``tests.support.gateway.county_behind_gateway``) but the one killed, which
runs as a supervised ``nameko run`` process. For each service and fault
point it prints: requests, answered, retries, the statuses seen, duplicates
and losses (counted in the service's store: both must be 0), whether
another service answered meanwhile, how long the killed service took to
answer again (from its death to its first answer after the restart), and
the CPU per answered request: this process's (the gateway, the other
services, the clients) and the killed service's processes' (both starts
included).

Benches print, they assert no time; a duplicate, a loss or an answer that is
neither the command's nor one to retry (a 500) makes it exit non-zero."""

# ruff: noqa: E402
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # docs/adr/0004
# a service's store opened again in this process (killed, then back in it)
warnings.filterwarnings("ignore", message="This declarative base already contains")

import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import logging
import os
import resource
import tempfile
import time
from contextlib import ExitStack

from events.nameko import make_psycopg_green
from tests.bench.support import new_vhost, section, show
from tests.support.gateway import RETRIED, County, county_behind_gateway
from tests.support.killing import (
    FAULTS,
    GATEWAY_ENV,
    LOADS,
    RESTART_PAUSE,
    Outcome,
    killed_once,
    run_load,
)

REQUESTS = int(os.environ.get("BENCH_CRASH_REQUESTS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CRASH_CONCURRENCY", "50"))


def cpu() -> tuple[float, float]:
    """CPU seconds so far of this process, and of its children waited for
    (the killed service's processes, once they have exited)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def scenario(county: County, amqp_uri: str, tmp: Path, service: str, fault: str) -> bool:
    """One service killed at one fault point under the load; True if it
    lost nothing, doubled nothing and never answered a 500."""
    load = LOADS[service]
    section(f"{service}: {load.topic.strip('%')} by {load.user}, killed at {fault}")
    requests = load.requests(county, REQUESTS)  # while every service runs in this process
    here, there = cpu()
    try:
        with killed_once(county, service, fault, amqp_uri, tmp) as killed:
            outcome = run_load(county, load, requests, killed, CONCURRENCY)
    except AssertionError as failure:  # an answer that is no outcome, or none at all
        print(f"  FAILED: {failure}", flush=True)
        return False
    here_now, there_now = cpu()
    report(outcome, here_now - here, there_now - there)
    expected = {load.status} | RETRIED
    return (
        outcome.lost == 0
        and outcome.duplicates == 0
        and set(outcome.statuses) <= expected
        and outcome.bystander == 200
        and outcome.restarts >= 1
    )


def report(outcome: Outcome, cpu_here: float, cpu_killed: float) -> None:
    answered = max(outcome.answered, 1)
    statuses = "  ".join(f"{s}×{n}" for s, n in sorted(outcome.statuses.items()))
    show("requests", outcome.requests, "")
    show("answered", outcome.answered, "")
    show("retries", outcome.retries, "", "after a 409, 503 or 504")
    show("answers seen", sum(outcome.statuses.values()), "", statuses)
    show("duplicates", outcome.duplicates, "events", "in its store; must be 0")
    show("lost", outcome.lost, "requests", "without their event in its store; must be 0")
    show("killed, restarted", len(outcome.exits), "times", f"restarts: {outcome.restarts}")
    never = "never answered again" if outcome.down_for is None else ""
    pause = f"from its death; the supervisor waits {RESTART_PAUSE:g} s"
    show("answering again after", outcome.down_for or 0.0, "s", never or pause)
    show("… after its restart", outcome.starting_for or 0.0, "s", never or "its start-up")
    meanwhile = "before it was back" if outcome.bystander_while_down else "(it was back first)"
    show("another service answered", outcome.bystander, "status", meanwhile)
    show("load", outcome.seconds, "s", f"{outcome.requests / outcome.seconds:.1f} requests/s")
    show("CPU per answer, this process", cpu_here * 1000 / answered, "ms", "gateway, others")
    show("CPU per answer, killed service", cpu_killed * 1000 / answered, "ms", "2 starts incl.")


def main() -> int:
    logging.getLogger().setLevel(logging.ERROR)  # the services' warnings are expected here
    make_psycopg_green()
    print(
        f"Coordonare crash benchmark: {os.cpu_count()} cores, {REQUESTS} requests a scenario, "
        f"{CONCURRENCY} at a time, gateway time limit {GATEWAY_ENV['GATEWAY_RPC_TIMEOUT']} s",
        flush=True,
    )
    started = time.perf_counter()
    with ExitStack() as cleanup, tempfile.TemporaryDirectory() as tmp:
        amqp_uri = new_vhost(cleanup)
        county = cleanup.enter_context(county_behind_gateway(amqp_uri, Path(tmp), **GATEWAY_ENV))
        survived = {
            (service, fault): scenario(county, amqp_uri, Path(tmp), service, fault)
            for service in LOADS
            for fault in FAULTS
        }
    failed = [f"{service} at {fault}" for (service, fault), ok in survived.items() if not ok]
    section(f"{len(survived) - len(failed)} of {len(survived)} scenarios survived")
    show("took", time.perf_counter() - started, "s")
    if failed:
        print(f"  did not survive: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
