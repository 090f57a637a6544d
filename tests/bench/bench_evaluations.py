"""Evaluations benchmark (``make bench``) against real `nameko run`
coordination and evaluations processes, beside the raw baseline of a nameko
RPC that does nothing (same broker, same clients):

- the employer report: 100 technicians, each under a signed contract and
  with 8 completed evaluations (1 initial, 7 periodic, a month apart from the
  contract's first day), written through RPC by their coordinators and
  themselves; then ``employer_report`` over the whole county by the county
  admin, first right after the evaluations service restarted (cold: its read
  models catch up from the store) and then warm, p50/p99 over 20 calls;
- writing and reading evaluations with 20 concurrent clients, on that same
  store: 20 technicians more, each with an open evaluation, each client
  their coordinator cycling through three writes (record_observation,
  record_evaluation_section, and the technician's record_self_assessment)
  and two reads (get_evaluation, technician_record), p50/p99 per call.

The report runs first so that it covers exactly the 100 technicians. Never
asserted anywhere: it only prints figures."""

# ruff: noqa: E402
import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import json
import logging
import os
import time
from contextlib import ExitStack
from datetime import date, timedelta
from typing import Any

from eventlet.queue import LightQueue
from nameko.exceptions import RemoteError, UnknownService

from deploy.evaluation_forms import SHEET, grid_rows
from events.clock import local_today
from tests.bench.bench_coordination import (
    CLIENTS,
    concurrently,
    echo_baseline,
    percentiles,
    start,
)
from tests.bench.support import (
    new_database,
    new_vhost,
    section,
    show,
    technician_under_contract,
)
from tests.support.evaluating import evaluate, retry_while
from tests.support.registry import ADMIN, CLUJ, bootstrap
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually

REPORT_TECHNICIANS = 100
EVALUATIONS_EACH = 8  # 1 initial + 7 periodic
PER_COORDINATOR = 10  # technicians each coordinator has a contract with
SETUP_WORKERS = 20  # concurrent RPC clients that build the county
WARM_REPORTS = 20
CYCLES_PER_CLIENT = 25
CONTRACT_STARTS = date(2026, 1, 1)
WRITES = ("record_observation", "record_evaluation_section", "record_self_assessment")
READS = ("get_evaluation", "technician_record")


# -- set-up -----------------------------------------------------------------------
def in_parallel(amqp_uri: str, work: Any, items: list[Any], workers: int = SETUP_WORKERS) -> list:
    """``work(rpc, item)`` for every item, by ``workers`` clients with an RPC
    proxy each; the results in the items' order."""
    todo: LightQueue = LightQueue()
    for index, item in enumerate(items):
        todo.put((index, item))
    results: list[Any] = [None] * len(items)

    def client() -> None:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
            while not todo.empty():
                index, item = todo.get()
                results[index] = work(rpc, item)

    for thread in [eventlet.spawn(client) for _ in range(min(workers, len(items)))]:
        thread.wait()  # re-raises what went wrong in it
    return results


def register_county(amqp_uri: str) -> dict:
    """Cluj-Napoca and its SPAS head; the head's actor."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        c = rpc.coordination
        bootstrap(amqp_uri)  # the county admin, as the registry's bootstrap (ADR 12)
        c.register_municipality(ADMIN, CLUJ.command())
        head = c.register_staff(
            ADMIN,
            {"email": "sef@x.ro", "full_name": "Șef", "role": "spas_head", "municipality": "54975"},
        )
    return {"id": head["staff_id"], "role": "spas_head", "municipality": "54975"}


def coordinated(amqp_uri: str, head: dict, prefix: str, count: int) -> list[tuple[dict, dict]]:
    """``count`` technicians, each with a contract signed by the head and by
    their coordinator (one social worker per PER_COORDINATOR technicians,
    experienced in the technicians' beneficiary category, R5): (coordinator,
    technician) actors."""

    def social_worker(rpc: Any, i: int) -> dict:
        sw = rpc.coordination.register_staff(
            ADMIN,
            {
                "email": f"{prefix}as{i}@x.ro",
                "full_name": f"AS {prefix}{i}",
                "role": "social_worker",
                "rnasr_code": f"AS-{prefix.upper()}{i}",
                "experience_domains": ["poverty"],
            },
        )
        return {"id": sw["staff_id"], "role": "social_worker"}

    def technician(rpc: Any, item: tuple[int, dict]) -> tuple[dict, dict]:
        i, coordinator = item
        c = rpc.coordination
        tech = technician_under_contract(
            c, head, coordinator, f"{prefix}t{i}", CONTRACT_STARTS.isoformat()
        )
        return coordinator, tech

    coordinators = in_parallel(amqp_uri, social_worker, list(range(-(-count // PER_COORDINATOR))))
    return in_parallel(
        amqp_uri, technician, [(i, coordinators[i // PER_COORDINATOR]) for i in range(count)]
    )


def evaluation_days() -> list[str]:
    """A month apart from the contract's first day (closer when today is
    too near it): increasing, within the contract, none in the future."""
    step = min(30, (local_today() - CONTRACT_STARTS).days // EVALUATIONS_EACH)
    return [
        (CONTRACT_STARTS + timedelta(days=14 + i * step)).isoformat()
        for i in range(EVALUATIONS_EACH)
    ]


def evaluated(rpc: Any, pair: tuple[dict, dict]) -> int:
    """The technician's 8 evaluations, whole and signed by both; their RPC calls."""
    coordinator, technician = pair
    world = {
        "evaluations": rpc.evaluations,
        "expert_actor": coordinator,
        "tech_actor": technician,
        "tech": {"staff_id": technician["id"]},
    }
    for k, day in enumerate(evaluation_days()):
        evaluate(
            world,
            kind="initial" if k == 0 else "periodic",
            observed=grid_rows(1 + k // 2, teamwork=min(4, 2 + k // 3)),
            self_assessed=grid_rows(min(4, 2 + k // 3)),
            evaluated_on=day,
        )
    return 13 + 7 * (EVALUATIONS_EACH - 1)  # initial: 7 sections; periodic: 1


# -- the employer report ----------------------------------------------------------
def wait_until_listening(amqp_uri: str) -> None:
    """Until the evaluations service answers, with a call it refuses before
    reading anything (a malformed date), so its read models stay cold."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:

        def refused() -> bool:
            try:
                rpc.evaluations.employer_report(ADMIN, None, None, "not a date")
            except RemoteError:
                return True
            return False

        eventually(
            refused,
            60,
            every=0.2,
            retrying=(UnknownService,),
            message="the evaluations service did not start",
        )


def report_figures(amqp_uri: str) -> None:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        started = time.perf_counter()
        report = rpc.evaluations.employer_report(ADMIN)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(WARM_REPORTS):
            started = time.perf_counter()
            rpc.evaluations.employer_report(ADMIN)
            warm.append(time.perf_counter() - started)
    summary = report["summary"]
    show("technicians in the report", summary["technicians"], "")
    show("evaluations completed in it", summary["evaluations_completed"], "")
    show("report size (JSON)", len(json.dumps(report)) // 1024, "KiB")
    show("employer_report, cold", cold * 1000, "ms", "first call after a restart")
    percentiles(f"employer_report, warm ({WARM_REPORTS} calls)", warm)


# -- writing and reading evaluations ---------------------------------------------
def opened(rpc: Any, pair: tuple[dict, dict]) -> str:
    coordinator, technician = pair
    evaluation = retry_while(
        "ContractNotSigned",
        rpc.evaluations.open_evaluation,
        coordinator,
        {"technician_id": technician["id"], "kind": "initial"},
    )
    return evaluation["evaluation_id"]


def cycles(
    amqp_uri: str, coordinator: dict, technician: dict, evaluation_id: str, timings: dict
) -> None:
    key = {"evaluation_id": evaluation_id}
    calls = {
        "record_observation": lambda e, i: e.record_observation(
            coordinator, key | {"rows": grid_rows(1 + i % 4)}
        ),
        "record_evaluation_section": lambda e, i: e.record_evaluation_section(
            coordinator, key | {"section": "competencies", "content": SHEET["competencies"]}
        ),
        "record_self_assessment": lambda e, i: e.record_self_assessment(
            technician, key | {"rows": grid_rows(1 + (i + 1) % 4)}
        ),
        "get_evaluation": lambda e, i: e.get_evaluation(coordinator, evaluation_id),
        "technician_record": lambda e, i: e.technician_record(coordinator, technician["id"]),
    }
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        for i in range(CYCLES_PER_CLIENT):
            for name, call in calls.items():
                started = time.perf_counter()
                call(rpc.evaluations, i)
                elapsed = time.perf_counter() - started
                timings[name].append(elapsed)
                timings["write" if name in WRITES else "read"].append(elapsed)


def main() -> None:
    # while the services start, calls bounce (UnknownService) and py-amqp
    # warns about each; that is noise here
    logging.getLogger("amqp").setLevel(logging.ERROR)
    with ExitStack() as cleanup:
        amqp_uri = new_vhost(cleanup)
        coordination_store = new_database(cleanup)
        evaluations_store = new_database(cleanup)
        start("tests.bench.echo_service:EchoService", amqp_uri, coordination_store, cleanup)
        first_run = cleanup.enter_context(ExitStack())
        entry = "services.evaluations.service:EvaluationsService"
        start(entry, amqp_uri, evaluations_store, first_run)
        # its subscription queue bound before the coordination service publishes
        wait_until_listening(amqp_uri)
        start(
            "services.coordination.service:CoordinationService",
            amqp_uri,
            coordination_store,
            cleanup,
        )
        print(
            f"Coordonare evaluations benchmark: {os.cpu_count()} cores, {CLIENTS} clients",
            flush=True,
        )
        echo_baseline(amqp_uri)

        section(
            f"employer report: {REPORT_TECHNICIANS} technicians × {EVALUATIONS_EACH} "
            f"evaluations ({evaluation_days()[0]} … {evaluation_days()[-1]}), county admin"
        )
        head = register_county(amqp_uri)
        started = time.perf_counter()
        pairs = coordinated(amqp_uri, head, "r", REPORT_TECHNICIANS)
        staffed = time.perf_counter() - started
        show("set-up: staff and contracts", staffed, "s", f"{SETUP_WORKERS} clients")
        started = time.perf_counter()
        calls = sum(in_parallel(amqp_uri, evaluated, pairs))
        written = time.perf_counter() - started
        show(
            "set-up: evaluations written",
            written,
            "s",
            f"{calls} calls, {calls / written:.0f} calls/s, {SETUP_WORKERS} clients",
        )
        first_run.close()  # a new process, its read models empty
        start(entry, amqp_uri, evaluations_store, cleanup)
        wait_until_listening(amqp_uri)
        report_figures(amqp_uri)

        pairs = coordinated(amqp_uri, head, "w", CLIENTS)
        evaluation_ids = in_parallel(amqp_uri, opened, pairs)
        section(
            f"evaluations written and read through RPC ({CLIENTS} clients × "
            f"{CYCLES_PER_CLIENT} cycles of {len(WRITES)} writes + {len(READS)} reads)"
        )
        clients = [(amqp_uri, c, t, e) for (c, t), e in zip(pairs, evaluation_ids, strict=True)]
        timings, seconds = concurrently(cycles, *clients)
        writes, reads = len(timings["write"]), len(timings["read"])
        show("write calls", writes / seconds, "calls/s", f"{writes} in {seconds:.1f} s")
        show("read calls", reads / seconds, "calls/s", f"{reads} in {seconds:.1f} s")
        show("all calls", (writes + reads) / seconds, "calls/s")
        percentiles("writes", timings["write"])
        percentiles("reads", timings["read"])
        for name in (*WRITES, *READS):
            percentiles(name, timings[name])


if __name__ == "__main__":
    main()
