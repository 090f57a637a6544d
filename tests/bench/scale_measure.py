"""The scale benchmark's measuring: what one command costs the whole stack.

Each measurement runs the gateway benchmark's client process (50 clients)
between two idle moments of the stack, and divides what was spent between
them by the commands that succeeded (warm-up and stragglers included):
CPU from /proc per process, and PostgreSQL's transactions and tuples read
from ``pg_stat_database``. Counting from idle to idle also charges each
command with what it set off afterwards (its events relayed and consumed).

PostgreSQL 15 backends flush their statistics at most once a second; one
that went idle less than a second after its last flush waits for its idle
timer (PGSTAT_IDLE_INTERVAL, 10 s) and ``pg_stat_force_next_flush()`` only
flushes the calling backend's own; so the counters are read once the stack
has been idle for longer than that."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2

from tests.bench.gateway_client import cpu_ticks
from tests.bench.gateway_stack import ROOT, Stack
from tests.bench.support import PG_ADMIN_URL
from tests.support.signed import KEYS

# A long history slows each command down: a client waits that long for its
# answer (the gateway for the service's too), so a slow command is counted
# as done, not as an error whose cost would be charged to the others.
REQUEST_TIMEOUT = 300.0
IDLE = 0.1  # share of one core: the stack's processes and databases with no load
SETTLE_LIMIT = 60.0  # seconds to wait for that
STATS_FLUSH = 10.5  # seconds: PostgreSQL's idle backends report within 10 s
BROKER = "RabbitMQ (whole broker)"
NOT_STACK = ("client", "machine")  # the machine: every process, other sessions' too


@dataclass
class PerCommand:
    """One measurement's figures, per successful command."""

    throughput: float  # commands/s inside the window
    p50: float  # ms
    p99: float
    completed: int  # successes, warm-up and stragglers included
    errors: dict[str, int]
    cpu: dict[str, float]  # ms per command, by process (and "client")
    xacts: dict[str, float]  # PostgreSQL transactions per command, by database label
    returned: dict[str, float]  # tup_returned per command, by database label
    fetched: dict[str, float]  # tup_fetched per command
    others: float = 0.0  # % of one core that the machine's other processes used in the window
    examples: dict[str, str] = field(default_factory=dict)

    @property
    def stack_ms(self) -> float:
        """The stack's CPU: every process but the client's, PostgreSQL and the broker."""
        return sum(v for k, v in self.cpu.items() if k not in NOT_STACK)

    def total(self, figure: str) -> float:
        by_database: dict[str, float] = getattr(self, figure)
        return sum(by_database.values())


def pg_counters(databases: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """label -> (transactions, tup_returned, tup_fetched) so far."""
    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT datname, xact_commit + xact_rollback, tup_returned, tup_fetched"
                " FROM pg_stat_database WHERE datname = ANY(%s)",
                (list(databases.values()),),
            )
            found = {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in cur.fetchall()}
    finally:
        conn.close()
    return {label: found.get(name, (0, 0, 0)) for label, name in databases.items()}


class Meter:
    """Measures commands against the running stack, each measurement by a
    client process of its own (``script --client``)."""

    def __init__(
        self, stack: Stack, databases: dict[str, str], logs: Path, script: str, seconds: float
    ) -> None:
        self.stack, self.databases, self.logs = stack, databases, logs
        self.script, self.seconds, self.warm_up = script, seconds, 2.0
        self.background = 0.0

    def busy(self, interval: float = 0.5) -> float:
        """The stack's share of one core (its processes and databases) just now."""
        names = list(self.databases.values())
        first, at = cpu_ticks(self.stack.pids, names), time.perf_counter()
        time.sleep(interval)
        last, spent = cpu_ticks(self.stack.pids, names), time.perf_counter() - at
        return sum(last[k] - first[k] for k in [*self.stack.pids, "PostgreSQL"]) / spent

    def settle(self, limit: float = SETTLE_LIMIT) -> float:
        """Waits until the stack is idle (below 10 % of a core: the previous
        load's events consumed), at most ``limit`` seconds, then for its
        statistics to be flushed; the seconds waited in all. A stack whose
        background work grows with history never idles: ``self.background``
        says how busy it still was (share of one core)."""
        started = time.perf_counter()
        self.background = self.busy()
        while time.perf_counter() - started < limit and self.background >= IDLE:
            self.background = self.busy()
        time.sleep(STATS_FLUSH)
        return time.perf_counter() - started

    def measure(self, spec: dict[str, Any]) -> PerCommand:
        busy = self.settle() - STATS_FLUSH
        if self.background >= IDLE:
            print(
                f"    (the stack never went idle: {100 * self.background:.0f} % of a core with no"
                f" load after {busy:.0f} s; that background work is charged to the commands)",
                flush=True,
            )
        elif busy > 3:
            print(f"    (the stack was busy before this measurement for {busy:.0f} s)", flush=True)
        names = list(self.databases.values())
        cpu_before, pg_before = cpu_ticks(self.stack.pids, names), pg_counters(self.databases)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures = self._client(spec)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.settle()
        cpu_after, pg_after = cpu_ticks(self.stack.pids, names), pg_counters(self.databases)
        count = max(figures["completed"], 1)
        cpu = {k: 1000 * (cpu_after[k] - cpu_before[k]) / count for k in cpu_after}
        cpu["client"] = (
            1000
            * sum(
                getattr(children, f) - getattr(children_before, f) for f in ("ru_utime", "ru_stime")
            )
            / count
        )

        def delta(index: int) -> dict[str, float]:
            return {
                label: (pg_after[label][index] - pg_before[label][index]) / count
                for label in self.databases
            }

        ms = sorted(s * 1000 for s in figures["latencies"]) or [0.0]
        window = figures["cpu"]  # what each process used in the window alone
        others = window.pop("machine", 0.0) - sum(window.values())
        return PerCommand(
            throughput=len(figures["latencies"]) / figures["seconds"],
            p50=statistics.median(ms),
            p99=ms[min(len(ms) - 1, int(len(ms) * 0.99))],
            completed=figures["completed"],
            errors=figures["errors"],
            examples=figures["examples"],
            cpu=cpu,
            xacts=delta(0),
            returned=delta(1),
            fetched=delta(2),
            others=100 * others / (figures["cpu_seconds"] or figures["seconds"]),
        )

    def _client(self, spec: dict[str, Any]) -> dict[str, Any]:
        spec = spec | {
            "warm_up": self.warm_up,
            "seconds": self.seconds,
            "pids": self.stack.pids,
            "databases": list(self.databases.values()),
            "test_key": str(KEYS / "tests.pem"),
            "timeout": REQUEST_TIMEOUT,
        }
        errors = self.logs / "client.log"
        with errors.open("wb") as stderr:
            done = subprocess.run(
                [sys.executable, self.script, "--client"],
                cwd=ROOT,
                input=json.dumps(spec).encode(),
                stdout=subprocess.PIPE,
                stderr=stderr,
                timeout=self.seconds + self.warm_up + 2 * REQUEST_TIMEOUT,
            )
        if done.returncode != 0:
            sys.stderr.write(errors.read_text(errors="replace"))
            raise RuntimeError(f"the client process failed ({done.returncode})")
        result: dict[str, Any] = json.loads(done.stdout)
        return result


def save_floor(database: str, save: Callable[[], object], count: int) -> dict[str, float]:
    """CPU-ms per call of ``save`` (this process and the PostgreSQL backends
    of ``database``) and its PostgreSQL transactions, over ``count`` calls."""
    labels = {"store": database}
    time.sleep(STATS_FLUSH)
    before, pg_before = cpu_ticks({}, [database]), pg_counters(labels)
    for _ in range(count):
        save()
    time.sleep(STATS_FLUSH)
    after, pg_after = cpu_ticks({}, [database]), pg_counters(labels)
    return {
        "ms": 1000 * sum(after[k] - before[k] for k in ("client", "PostgreSQL")) / count,
        "xacts": (pg_after["store"][0] - pg_before["store"][0]) / count,
    }


def cores() -> int:
    return os.cpu_count() or 1
