"""Coordination benchmark (``make bench``): delegate → accept → complete task
cycles through RPC with 20 concurrent clients against a real `nameko run`
coordination process, p50/p99 latency per command, beside the raw baseline
of a nameko RPC that does nothing (same broker, same clients). The store
baselines are the event-log benchmark's, printed just before this one.
Never asserted anywhere: it only prints figures."""

# ruff: noqa: E402
import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from events.nameko import make_psycopg_green

make_psycopg_green()

import logging
import os
import subprocess
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from nameko.exceptions import UnknownService

from tests.bench.support import (
    new_database,
    new_vhost,
    percentiles,
    section,
    show,
    technician_under_contract,
)
from tests.support.registry import ADMIN, CLUJ, bootstrap
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually

CLIENTS = 20
CYCLES_PER_CLIENT = 25
ECHO_CALLS_PER_CLIENT = 100
ROOT = Path(__file__).resolve().parents[2]


def start(entry: str, amqp_uri: str, store_url: str, cleanup: ExitStack, **extra_env: str) -> None:
    """``entry`` as its own `nameko run` process, stopped by ``cleanup``;
    ``extra_env`` adds to (or overrides) the environment given to it."""
    env = os.environ | {
        "AMQP_URI": amqp_uri,
        "STORE_URL": store_url,
        "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        "LOG_LEVEL": "ERROR",
        "MAX_WORKERS": str(CLIENTS),
    }
    env |= extra_env
    nameko = str(Path(sys.executable).with_name("nameko"))
    process = subprocess.Popen(
        [nameko, "run", "--config", "deploy/nameko.yaml", entry],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    cleanup.callback(stop)


def wait_for(rpc: Any, call: str, *args: Any) -> Any:
    return eventually(
        lambda: getattr(rpc, call)(*args),
        60,
        every=0.2,
        retrying=(UnknownService,),
        until=lambda _: True,
    )


def county(amqp_uri: str, count: int = CLIENTS) -> tuple[dict, list[dict]]:
    """One coordinator with an active contract for each of ``count`` technicians."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        c = rpc.coordination
        bootstrap(amqp_uri)  # the county admin, as the registry's bootstrap (ADR 12)
        c.register_municipality(ADMIN, CLUJ.command())
        head = c.register_staff(
            ADMIN,
            {"email": "sef@x.ro", "full_name": "Șef", "role": "spas_head", "municipality": "54975"},
        )
        head_actor = {"id": head["staff_id"], "role": "spas_head", "municipality": "54975"}
        sw = c.register_staff(
            ADMIN,
            {
                "email": "as@x.ro",
                "full_name": "AS",
                "role": "social_worker",
                "rnasr_code": "AS1",
                "experience_domains": ["poverty"],
            },
        )
        coordinator = {"id": sw["staff_id"], "role": "social_worker"}
        technicians = []
        for i in range(count):
            technicians.append(technician_under_contract(c, head_actor, coordinator, f"t{i}"))
    return coordinator, technicians


def cycles(amqp_uri: str, coordinator: dict, technician: dict, timings: dict) -> None:
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        c = rpc.coordination
        for _ in range(CYCLES_PER_CLIENT):
            started = time.perf_counter()
            sheet = c.delegate_task(
                coordinator,
                {
                    "technician_id": technician["id"],
                    "task_type": "home_visit",
                    "instructions": "Vizită",
                    "due_at": due,
                },
            )
            accepted = time.perf_counter()
            key = {"task_id": sheet["task_id"]}
            c.accept_task(technician, key)
            completed = time.perf_counter()
            c.complete_task(technician, key | {"result": "Efectuată"})
            done = time.perf_counter()
            timings["delegate_task"].append(accepted - started)
            timings["accept_task"].append(completed - accepted)
            timings["complete_task"].append(done - completed)
            timings["cycle"].append(done - started)


def echo(amqp_uri: str, timings: dict) -> None:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        wait_for(rpc.echo, "echo", 0)
        for i in range(ECHO_CALLS_PER_CLIENT):
            started = time.perf_counter()
            rpc.echo.echo(i)
            timings["echo"].append(time.perf_counter() - started)


def concurrently(work: Any, *args: Any) -> tuple[dict, float]:
    timings: dict = defaultdict(list)
    pool = eventlet.GreenPool(CLIENTS)
    started = time.perf_counter()
    for arg in args:
        pool.spawn(work, *arg, timings)
    pool.waitall()
    return timings, time.perf_counter() - started


def echo_baseline(amqp_uri: str) -> None:
    """The same clients calling an RPC that does nothing: the floor every
    figure of a benchmark stands on."""
    section("baseline: nameko RPC doing nothing")
    timings, seconds = concurrently(echo, *[(amqp_uri,)] * CLIENTS)
    show("echo calls", len(timings["echo"]) / seconds, "calls/s")
    percentiles("echo", timings["echo"])


def main() -> None:
    # while the services start, calls bounce (UnknownService) and py-amqp
    # warns about each; that is noise here
    logging.getLogger("amqp").setLevel(logging.ERROR)
    with ExitStack() as cleanup:
        amqp_uri = new_vhost(cleanup)
        store_url = new_database(cleanup)
        start("tests.bench.echo_service:EchoService", amqp_uri, store_url, cleanup)
        start("services.coordination.service:CoordinationService", amqp_uri, store_url, cleanup)
        print(
            f"Coordonare coordination benchmark: {os.cpu_count()} cores, {CLIENTS} clients, "
            f"{CLIENTS * CYCLES_PER_CLIENT} cycles of delegate → accept → complete",
            flush=True,
        )
        echo_baseline(amqp_uri)
        coordinator, technicians = county(amqp_uri)
        section("task cycles through RPC (coordination service, PostgreSQL)")
        timings, seconds = concurrently(cycles, *[(amqp_uri, coordinator, t) for t in technicians])
        cycles_done = len(timings["cycle"])
        show("cycles", cycles_done / seconds, "cycles/s", f"{cycles_done} in {seconds:.1f} s")
        show("commands", 3 * cycles_done / seconds, "cmds/s")
        for command in ("delegate_task", "accept_task", "complete_task"):
            percentiles(command, timings[command])


if __name__ == "__main__":
    main()
