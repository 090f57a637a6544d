"""What the benchmarks share: aligned output, and databases and vhosts of
their own that an ExitStack removes, even on error."""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack, suppress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import eventlet
import kombu
import psycopg2

from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN
from tests.support.signed import trust_test_keys
from tests.support.vhosts import private_vhost
from tests.support.waiting import eventually

# The benchmarks run the services as the tests do: trusting the run's own keys.
trust_test_keys()

PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_BASE = os.environ.get("BENCH_AMQP_BASE", "amqp://127.0.0.1:5672")


# -- output ------------------------------------------------------------------
def show(label: str, value: float, unit: str, note: str = "") -> None:
    """One aligned figure; counts (ints) line up with the units digit of rates."""
    number = f"{value:>10,}  " if isinstance(value, int) else f"{value:>12,.1f}"
    print(f"  {label:<36} {number}  {unit:<9} {note}".rstrip(), flush=True)


def section(title: str) -> None:
    print(title, flush=True)


def percentiles(label: str, samples: list[float]) -> None:
    """p50 and p99 of ``samples`` (seconds), in ms."""
    ms = sorted(s * 1000 for s in samples)
    show(f"{label} p50".lstrip(), statistics.median(ms), "ms")
    show(f"{label} p99".lstrip(), ms[min(len(ms) - 1, int(len(ms) * 0.99))], "ms")


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def timed(action: Callable[[], Any]) -> float:
    """Seconds ``action()`` took."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# -- infrastructure: own databases and vhost, removed by the ExitStack --------
def admin_sql(sql: str, admin_url: str = PG_ADMIN_URL) -> Any:
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone() if cur.description else None
    finally:
        conn.close()


def new_database(cleanup: ExitStack, admin_url: str = PG_ADMIN_URL) -> str:
    """A fresh database on the server of ``admin_url`` (the machine's by
    default), dropped (connections and all) when ``cleanup`` closes."""
    name = f"coordonare_bench_{uuid.uuid4().hex[:12]}"
    admin_sql(f'CREATE DATABASE "{name}"', admin_url)
    cleanup.callback(admin_sql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin_url)
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def new_vhost(cleanup: ExitStack) -> str:
    """A fresh vhost and a user of its own (no guest), deleted when ``cleanup``
    closes; returns its AMQP URI (BENCH_AMQP_BASE with credentials: that user)."""
    return private_vhost(AMQP_BASE, "coordonare-bench", cleanup)


def technician_under_contract(
    coordination: Any, head: dict, coordinator: dict, name: str, starts_on: str = "2026-01-01"
) -> dict:
    """A technician of Cluj registered, and a contract with ``coordinator``
    drafted and signed by both; the technician's actor dict."""
    from services.coordination.contracts.rules import OBLIGATIONS

    tech = coordination.register_staff(
        ADMIN,
        {
            "email": f"{name}@x.ro",
            "full_name": name.upper(),
            "role": "technician",
            "municipality": "54975",
            "beneficiary_categories": ["poverty"],
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
            "starts_on": starts_on,
        },
    )
    key = {"contract_id": contract["contract_id"]}
    coordination.sign_contract(head, key)
    coordination.sign_contract(coordinator, key)
    return {"id": tech["staff_id"], "role": "technician", "municipality": "54975"}


class Arrivals:
    """The outside subscriber of ``tests/support/outside.py`` (its queue and
    bindings), consumed by push rather than polled so that each event is
    stamped the moment it first arrives: key(data) -> perf_counter()."""

    def __init__(
        self, amqp_uri: str, cleanup: ExitStack, routing_key: str, key: Callable[[dict], str]
    ) -> None:
        self.key = key
        self.outside = OutsideSubscriber(amqp_uri, routing_key)
        cleanup.callback(self.outside.close)
        self.arrived: dict[str, float] = {}
        self.consumer = kombu.Consumer(
            self.outside.bound.channel, [self.outside.queue], on_message=self._arrive
        )
        self.consumer.consume()
        self.stopping = False
        self.thread = eventlet.spawn(self._drain)
        cleanup.callback(self._stop)

    def _arrive(self, message: kombu.Message) -> None:
        stamp = time.perf_counter()
        self.arrived.setdefault(self.key(json.loads(message.body)["data"]), stamp)
        message.ack()

    def _drain(self) -> None:
        while not self.stopping:
            try:
                self.outside.connection.drain_events(timeout=0.5)
            except TimeoutError:  # socket.timeout, since 3.10
                continue

    def _stop(self) -> None:
        self.stopping = True
        self.thread.wait()
        self.consumer.cancel()

    def latencies(self, reported: dict[str, Any], timeout: float = 30) -> list[float]:
        """Seconds from each report's start to its event's arrival."""
        with suppress(AssertionError):  # the missing ones are counted below
            eventually(lambda: reported.keys() <= self.arrived.keys(), timeout, every=0.05)
        missing = len(reported.keys() - self.arrived.keys())
        if missing:
            print(f"  ({missing} of {len(reported)} events never arrived)", flush=True)
        return [self.arrived[r] - t for r, (t, _) in reported.items() if r in self.arrived]
