"""Scale benchmark (``make bench``, issue 17): what one command costs, and
whether that cost stays flat as the stores' history grows.

The stack of the gateway benchmark (the four services, the echo service and
the gateway as real `nameko run` processes, on databases and a vhost of
their own, the demo county seeded). Measured at 50 clients:

a. the gateway command: POST /cases/{case_id}/documents (a draft);
b. the same command over raw nameko RPC (cases.draft_document).

For each: commands/s, p50/p99, the stack's CPU-ms per command split by
process (from /proc), PostgreSQL transactions and tuples read per command
(``pg_stat_database`` of the stack's databases), from idle to idle (see
``scale_measure``). Then the floors of the same run (an echo RPC, the gateway
hop, a raw save, a chained save) and the ratio to them, beside the aims.

All of it again at each size of SCALE_SIZES (default 1e3,1e5,1e6) stored
events in each service's store: filler written through the store's own
recorder in big batches (``scale_filler``), the services running, the fill
time printed, then the stack let relay the new history before measuring.
Last, a table of every per-command figure against the history's size, flat
or not (±20 %). BENCH_SECONDS: each measurement's window (default 10).
The fill is the long part: one filler process writes about 11,000 events/s
on an idle machine, 700 with the machine shared by other sessions (then
the 10^6 fill took 22 minutes); SCALE_SIZES=1e3,1e5 runs in about 8.

Never asserted anywhere: it only prints figures, beside the aims."""

# ruff: noqa: E402
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # docs/adr/0004

import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from events.nameko import make_psycopg_green

make_psycopg_green()  # as the services run

import json
import os
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from sqlalchemy.exc import SAWarning

from tests.bench.event_log_store import ChainedApplication, Dot, RawApplication
from tests.bench.gateway_client import client_main, http_request
from tests.bench.gateway_stack import (
    ROOT,
    County,
    Stack,
    draft,
    run_on_a_stack,
    start_county,
    workers,
)
from tests.bench.scale_filler import fill, unrelayed
from tests.bench.scale_measure import (
    REQUEST_TIMEOUT,
    Meter,
    PerCommand,
    save_floor,
)
from tests.bench.scale_report import floors_and_aims, human, per_command, scale_table
from tests.bench.support import new_database, section, show

CLIENTS = 50
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SIZES = [int(float(s)) for s in os.environ.get("SCALE_SIZES", "1e3,1e5,1e6").split(",")]
STORES = ("coordination", "cases", "evaluations", "notifications")  # the services' own
FLOOR_SAVES = 2_000  # each of the raw and the chained save
RELAY_LIMIT = 1_800.0  # seconds the stack may take to relay a fill's history

# Every chained store after the first in one process re-declares the library's
# tracking record class; harmless, and not what this benchmark is about.
warnings.filterwarnings("ignore", "This declarative base already contains", SAWarning)


def main() -> None:
    run_on_a_stack("scale", run)


def run(stack: Stack, temporary: Path, cleanup: ExitStack) -> None:
    began = time.perf_counter()
    # the gateway waits for a slow command as long as the clients do
    waits = {"GATEWAY_RPC_TIMEOUT": f"{REQUEST_TIMEOUT:.0f}"}
    county = start_county(stack, temporary, cleanup, waits)
    technicians = workers(county.port, county.users_file)
    print(
        f"Coordonare scale benchmark: {os.cpu_count()} cores, {CLIENTS} clients, "
        f"{SECONDS:.0f} s each after 2 s of warm-up; history sizes "
        f"{', '.join(human(s) for s in SIZES)} stored events in each service's store",
        flush=True,
    )
    print(
        f"  stack up and demo county seeded in {time.perf_counter() - began:.0f} s; "
        f"{len(technicians)} (technician, case) pairs. Per command = spent from idle to idle "
        "(events relayed and consumed after the window included) / commands that succeeded",
        flush=True,
    )
    meter = Meter(stack, county.databases, temporary, __file__, SECONDS)
    specs = commands(county, technicians)
    results: dict[tuple[int, str], PerCommand] = {}
    for size in SIZES:
        section(f"== {human(size)} stored events in each service's store")
        grow(county, size)
        show("the relays covered the history in", relay(county), "s")
        for label, spec in specs.items():
            section(f"  {label}")
            results[(size, label)] = meter.measure(spec)
            per_command(results[(size, label)])
        if size == SIZES[0]:
            measured = {label: results[(size, label)] for label in specs}
            floors(meter, county, technicians, measured, cleanup)
    if len(SIZES) > 1:
        scale_table(results, SIZES)
    print(f"the whole run took {(time.perf_counter() - began) / 60:.1f} min", flush=True)


def commands(county: County, technicians: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The client specs of a. and b.: each client drafts on its own (technician, case)."""
    mine = [technicians[i % len(technicians)] for i in range(CLIENTS)]
    address = f"127.0.0.1:{county.port}"
    http = {"kind": "http", "host": "127.0.0.1", "port": county.port}
    requests = [
        [
            http_request(
                "POST", f"/cases/{w['case_id']}/documents", address, w["token"], draft(w["case_id"])
            ).decode()
        ]
        for w in mine
    ]
    calls = [["cases", "draft_document", [w["actor"], draft(w["case_id"])], {}] for w in mine]
    return {
        "gateway command": http | {"requests": requests},
        "raw RPC command": {"kind": "rpc", "amqp_uri": county.amqp_uri, "calls": calls},
    }


def grow(county: County, size: int) -> None:
    """Fills each service's store up to ``size`` events, all four at once
    (a process each: the filler's own CPU and PostgreSQL's overlap)."""
    started = time.perf_counter()
    fillers = {
        service: subprocess.Popen(
            [sys.executable, __file__, "--fill", service, county.store_urls[service], str(size)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        for service in STORES
    }
    added = 0
    for service, process in fillers.items():
        out, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"filling the {service} store failed ({process.returncode})")
        before, count, seconds = json.loads(out)
        added += count
        note = f"{before:,} before" + (f", {count / seconds:,.0f} events/s" if count else "")
        show(f"filled {service}", count, "events", note)
    spent = time.perf_counter() - started
    show("fill took", spent, "s", f"{added / spent:,.0f} events/s over the four stores")


def relay(county: County) -> float:
    """Waits until every relay has covered its store's history (at most
    RELAY_LIMIT); the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < RELAY_LIMIT:
        if not any(unrelayed(s, county.store_urls[s]) for s in STORES):
            break
        time.sleep(1.0)
    return time.perf_counter() - started


def floors(
    meter: Meter,
    county: County,
    technicians: list[dict[str, Any]],
    measured: dict[str, PerCommand],
    cleanup: ExitStack,
) -> None:
    """What the command's parts cost alone, in this run; then the aims."""
    section("  floor: echo.echo, a nameko RPC doing nothing")
    echoes = [["echo", "echo", [i], {}] for i in range(CLIENTS)]
    echo = meter.measure({"kind": "rpc", "amqp_uri": county.amqp_uri, "calls": echoes})
    per_command(echo)
    section("  floor: GET /me, the gateway hop (authenticated, no RPC)")
    address = f"127.0.0.1:{county.port}"
    http = {"kind": "http", "host": "127.0.0.1", "port": county.port}
    tokens = {w["token"] for w in technicians}
    me = [[http_request("GET", "/me", address, t).decode()] for t in sorted(tokens)]
    hop = meter.measure(http | {"requests": [me[i % len(me)] for i in range(CLIENTS)]})
    per_command(hop)
    saves = {}
    for name, kind in (("raw", RawApplication), ("chained", ChainedApplication)):
        url = new_database(cleanup)
        app = kind(url)
        try:
            app.save(Dot())  # the table and the connection ready
            saves[name] = save_floor(url.rsplit("/", 1)[1], save_a_dot(app), FLOOR_SAVES)
        finally:
            app.close()
    ms = {"echo": echo.stack_ms, "hop": hop.stack_ms} | {k: v["ms"] for k, v in saves.items()}
    floors_and_aims(measured, ms, {k: v["xacts"] for k, v in saves.items()})


def save_a_dot(app: RawApplication | ChainedApplication) -> Callable[[], object]:
    return lambda: app.save(Dot())


if __name__ == "__main__":
    if sys.argv[1:] == ["--client"]:
        client_main()
    elif sys.argv[1:2] == ["--fill"]:
        service, store_url, target = sys.argv[2:5]
        json.dump(fill(service, store_url, int(target)), sys.stdout)
    else:
        main()
