"""Gateway benchmark (``make bench``): the HTTP gateway end to end against the
four services and the gateway as real `nameko run` processes, on databases
and a vhost of their own, seeded with the demo county (``deploy/demo.py``).

With CLIENTS concurrent clients, each for SECONDS after WARM_UP:

a. commands through the gateway: technicians drafting documents on their
   cases (POST /cases/{case_id}/documents, a write to the cases store),
   without and with an Idempotency-Key (a write to the gateway's store too);
b. the same command over raw nameko RPC, no gateway: the baseline;
c. the gateway's own cost: GET /me (authenticated, answered without a
   service) and GET /cases/{case_id} (authenticated, one RPC);
d. the raw RPC baselines: cases.get_case (the query of c) and an RPC that
   does nothing (``echo_service``, as in the other benchmarks).

The clients run in a process of their own (the machine has 2 cores shared
by everything): CLIENTS eventlet green threads, each with one keep-alive
HTTP/1.1 connection over a plain socket sending pre-built requests (no
http.client, no requests: as little Python per request as can be), or each
with its own ClusterRpcProxy. Beside each figure: the CPU each process used
(the client's too, to show it is not the bottleneck; PostgreSQL's backends
of these databases; the whole broker; every other process of the machine),
as a share of one core and per request. Before each measurement the stack
is let finish the previous one's events. Last, the aim, and the stack's
CPU per command against the CPU the aim allows.

Never asserted anywhere: it only prints figures, beside the aim."""

# ruff: noqa: E402
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # docs/adr/0004

import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import json
import os
import subprocess
import time
from contextlib import ExitStack
from typing import Any

from tests.bench.gateway_client import client_main, cpu_ticks, http_request
from tests.bench.gateway_stack import (
    GATEWAY_MAX_WORKERS,
    ROOT,
    Stack,
    draft,
    run_on_a_stack,
    start_county,
    workers,
)
from tests.bench.support import percentiles, section, show
from tests.support.signed import KEYS

CLIENTS = 50
SECONDS = float(os.environ.get("BENCH_SECONDS", "12"))  # each measurement
WARM_UP = 2.0  # seconds before each, not counted
AIM = 1000  # commands/s, the aim


# -- measuring ----------------------------------------------------------------------------
class Bench:
    """Measurements, each by a client process of its own, and their figures."""

    def __init__(self, stack: Stack, databases: list[str], logs: Path) -> None:
        self.stack, self.databases, self.logs = stack, databases, logs

    def measure(self, spec: dict[str, Any]) -> dict[str, Any]:
        spec = spec | {
            "warm_up": WARM_UP,
            "seconds": SECONDS,
            "pids": self.stack.pids,
            "databases": self.databases,
            "test_key": str(KEYS / "tests.pem"),
        }
        errors = self.logs / "client.log"
        with errors.open("wb") as stderr:
            done = subprocess.run(
                [sys.executable, __file__, "--client"],
                cwd=ROOT,
                input=json.dumps(spec).encode(),
                stdout=subprocess.PIPE,
                stderr=stderr,
                timeout=SECONDS + WARM_UP + 120,
            )
        if done.returncode != 0:
            sys.stderr.write(errors.read_text(errors="replace"))
            raise RuntimeError(f"the client process failed ({done.returncode})")
        return json.loads(done.stdout)

    def settle(self, limit: float = 30.0) -> None:
        """Waits until the stack is idle again (the previous load's events
        consumed): its processes and databases below 10% of a core."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            first, at = cpu_ticks(self.stack.pids, self.databases), time.perf_counter()
            time.sleep(0.5)
            last, spent = cpu_ticks(self.stack.pids, self.databases), time.perf_counter() - at
            busy = sum(last[k] - first[k] for k in [*self.stack.pids, "PostgreSQL"])
            if busy / spent < 0.1:
                break
        waited = time.perf_counter() - started
        if waited > 1.5:
            print(f"    (the stack was busy with the previous load's events {waited:.0f} s)")

    def report(self, label: str, unit: str, spec: dict[str, Any]) -> dict[str, float]:
        """Measures; prints throughput, p50, p99, errors and CPU use (each
        process's share of one core, and per request); returns the
        throughput and the stack's CPU per request (ms: ours, PostgreSQL's
        backends and the whole broker's)."""
        self.settle()
        figures = self.measure(spec)
        ms = sorted(s * 1000 for s in figures["latencies"])
        seconds = figures["seconds"]
        throughput = len(ms) / seconds
        show(label, throughput, unit, f"{len(ms):,} in {seconds:.1f} s")
        if ms:
            percentiles("", figures["latencies"])
        show("errors", sum(figures["errors"].values()), "", "non-2xx or failed, warm-up included")
        for error, count in sorted(figures["errors"].items()):
            print(f"    {count:,} × {error}: {figures['examples'][error]}", flush=True)
        cpu, wall = figures["cpu"], figures["cpu_seconds"] or seconds
        machine = cpu.pop("machine")
        used = {k: v for k, v in cpu.items() if v / wall >= 0.005}
        others = machine - sum(cpu.values())
        shares = ", ".join(f"{k} {100 * v / wall:.0f}" for k, v in used.items())
        print(
            f"    cpu, % of one core: {shares}; other processes {100 * others / wall:.0f};"
            f" machine {100 * machine / wall:.0f} of {100 * (os.cpu_count() or 1)}",
            flush=True,
        )
        if ms:
            each = ", ".join(f"{k} {1000 * v / len(ms):.1f}" for k, v in used.items())
            print(f"    cpu per {unit.split('/')[0][:-1]}, ms: {each}", flush=True)
        stack = sum(v for k, v in cpu.items() if k != "client")
        return {"throughput": throughput, "stack_ms": 1000 * stack / max(len(ms), 1)}


def background(seconds: float = 2.0) -> float:
    """The machine's busy share (% of one core) with no load of ours."""
    first, started = cpu_ticks({}, [])["machine"], time.perf_counter()
    time.sleep(seconds)
    return 100 * (cpu_ticks({}, [])["machine"] - first) / (time.perf_counter() - started)


def main() -> None:
    run_on_a_stack("gateway", run)


def run(stack: Stack, temporary: Path, cleanup: ExitStack) -> None:
    began = time.perf_counter()
    county = start_county(stack, temporary, cleanup)
    amqp_uri, port, users_file = county.amqp_uri, county.port, county.users_file
    databases, walkthrough = list(county.databases.values()), county.walkthrough
    technicians = workers(port, users_file)
    print(
        f"Coordonare gateway benchmark: {os.cpu_count()} cores, {CLIENTS} clients, "
        f"{SECONDS:.0f} s each after {WARM_UP:.0f} s of warm-up",
        flush=True,
    )
    print(
        f"  stack up and demo county seeded in {time.perf_counter() - began:.0f} s: "
        f"{len(technicians)} (technician, case) pairs, walkthrough case {walkthrough['case_id']}; "
        f"services max_workers {os.environ.get('MAX_WORKERS', '10')} (deploy/nameko.yaml), "
        f"gateway {GATEWAY_MAX_WORKERS}",
        flush=True,
    )
    print(
        f"  client: a process of its own, {CLIENTS} eventlet green threads, each with one "
        "keep-alive HTTP/1.1 socket (pre-built requests) or its own ClusterRpcProxy",
        flush=True,
    )
    print(
        f"  machine busy before any load: {background():.0f}% of one core "
        "(other processes on this machine count in every figure below)",
        flush=True,
    )
    bench = Bench(stack, databases, temporary)
    address = f"127.0.0.1:{port}"
    mine = [technicians[i % len(technicians)] for i in range(CLIENTS)]
    http = {"kind": "http", "host": "127.0.0.1", "port": port}
    rpc = {"kind": "rpc", "amqp_uri": amqp_uri}

    def drafts(who: dict[str, Any]) -> list[str]:
        path = f"/cases/{who['case_id']}/documents"
        return [http_request("POST", path, address, who["token"], draft(who["case_id"])).decode()]

    def asks(path: str) -> dict[str, Any]:
        return http | {
            "requests": [
                [http_request("GET", path.format(**w), address, w["token"]).decode()] for w in mine
            ]
        }

    commands: dict[str, dict[str, float]] = {}
    section("a. commands through the gateway: POST /cases/{case_id}/documents (draft_document)")
    spec = http | {"requests": [drafts(w) for w in mine]}
    commands["through the gateway"] = bench.report("commands", "cmds/s", spec)
    section("   the same, each with an Idempotency-Key (+ a write to the gateway's store)")
    spec |= {"idempotent": True}
    commands["through the gateway, Idempotency-Key"] = bench.report("commands", "cmds/s", spec)

    section("b. the same command over raw nameko RPC, no gateway (cases.draft_document)")
    calls = [["cases", "draft_document", [w["actor"], draft(w["case_id"])], {}] for w in mine]
    commands["raw RPC, no gateway"] = bench.report("commands", "cmds/s", rpc | {"calls": calls})

    section("c. the gateway's own cost: GET /me (authenticated, no service)")
    bench.report("requests", "reqs/s", asks("/me"))
    section("   GET /cases/{case_id} (authenticated, one RPC: cases.get_case)")
    bench.report("requests", "reqs/s", asks("/cases/{case_id}"))

    section("d. raw RPC baselines, no gateway: cases.get_case (the query of c)")
    calls = [["cases", "get_case", [w["actor"]], {"case_id": w["case_id"]}] for w in mine]
    bench.report("calls", "calls/s", rpc | {"calls": calls})
    section("   echo.echo: a nameko RPC doing nothing (the other benchmarks' baseline)")
    calls = [["echo", "echo", [i], {}] for i in range(CLIENTS)]
    bench.report("calls", "calls/s", rpc | {"calls": calls})

    cores = os.cpu_count() or 1
    section(f"aim: {AIM:,} commands/s on this {cores}-core machine")
    for label, figures in commands.items():
        throughput = figures["throughput"]
        verdict = "reached" if throughput >= AIM else f"NOT reached ({throughput / AIM:.0%} of it)"
        show(label, throughput, "cmds/s", verdict)
    section(
        f"  the stack's CPU per command (its processes, their databases, the broker) against "
        f"the {1000 * cores / AIM:.1f} ms the aim allows:"
    )
    for label, figures in commands.items():
        ceiling = f"{1000 * cores / figures['stack_ms']:,.0f} cmds/s at most on an idle machine"
        show(label, figures["stack_ms"], "ms", ceiling)


if __name__ == "__main__":
    if sys.argv[1:] == ["--client"]:
        client_main()
    else:
        main()
