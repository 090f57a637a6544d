"""Cases benchmark (``make bench``): draft → submit → validate document cycles
through RPC with 20 concurrent clients against real `nameko run` coordination
and cases processes, p50/p99 latency per command, beside the raw baseline of
a nameko RPC that does nothing (same broker, same clients). Each client is a
technician with an active contract with the one coordinator of the county,
who validates every document. While that load runs, a technician of their own
reports an urgent risk every 0.2 s, and an outside subscriber (plain kombu,
bound as ``docs/events.md`` says) stamps each ``UrgentRiskReported`` event as
it arrives: p50/p99 from just before the RPC call to that arrival, under the
load and with no load. Never asserted anywhere: it only prints figures."""

# ruff: noqa: E402
import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import logging
import os
import time
from contextlib import ExitStack, suppress

from eventlet.event import Event
from nameko.exceptions import RemoteError

from tests.bench.bench_coordination import (
    CLIENTS,
    concurrently,
    county,
    echo_baseline,
    start,
    wait_for,
)
from tests.bench.support import Arrivals, new_database, new_vhost, percentiles, section, show
from tests.support.casework import ago, new_master_key, referral, wait_for_coordination
from tests.support.registry import ADMIN
from tests.support.signed import ClusterRpcProxy

RISK_REPORTED = "ro.coordonare.cases.UrgentRiskReported.v1"
RISK_INTERVAL = 0.2  # seconds between the starts of two reports
RISKS_UNDER_LOAD = 75  # the load runs for as long as these take (~15 s)
RISKS_IDLE = 40
RAMP_UP = 1.0  # seconds the load runs before the first report under it


# -- set-up: a case for each technician -----------------------------------------
def casework(amqp_uri: str) -> tuple[dict, list[dict], list[str]]:
    """The county of bench_coordination with one technician more (the
    reporter, last), each technician with a case they referred and their
    coordinator opened."""
    # the cases service must be up, its subscription queue bound, before the
    # coordination service publishes the county; a refusal is an answer too
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc, suppress(RemoteError):
        wait_for(rpc.cases, "list_cases", ADMIN)
    coordinator, technicians = county(amqp_uri, CLIENTS + 1)
    case_ids = []
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        cases = rpc.cases
        for technician in technicians:
            wait_for_coordination({"cases": cases}, technician, timeout=60)
            case = cases.refer_case(technician, referral({}))
            key = {"case_id": case["case_id"]}
            cases.record_initial_evaluation(technician, key | {"findings": "Absențe repetate."})
            cases.open_case(coordinator, key | {"rationale": "Risc de abandon școlar."})
            case_ids.append(case["case_id"])
    return coordinator, technicians, case_ids


# -- the load and the reporter --------------------------------------------------
def documents(
    amqp_uri: str, coordinator: dict, technician: dict, case_id: str, until: Event, timings: dict
) -> None:
    """Cycles until ``until`` is sent."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        c = rpc.cases
        while not until.ready():
            started = time.perf_counter()
            document = c.draft_document(
                technician,
                {
                    "case_id": case_id,
                    "kind": "observation_sheet",
                    "content": {"text": "Vizită la domiciliu; copilul era acasă."},
                    "occurred_at": ago(hours=1),
                },
            )
            drafted = time.perf_counter()
            key = {"document_id": document["document_id"]}
            c.submit_document(technician, key)
            submitted = time.perf_counter()
            c.validate_document(coordinator, key)
            done = time.perf_counter()
            timings["draft_document"].append(drafted - started)
            timings["submit_document"].append(submitted - drafted)
            timings["validate_document"].append(done - submitted)
            timings["cycle"].append(done - started)


def report_risks(
    amqp_uri: str, reporter: dict, case_id: str, count: int, delay: float = 0.0
) -> dict[str, tuple[float, float]]:
    """``count`` reports, one every RISK_INTERVAL: risk_id -> perf_counter()
    just before its RPC call and when its reply came."""
    reported = {}
    eventlet.sleep(delay)
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        for _ in range(count):
            started = time.perf_counter()
            risk = rpc.cases.report_urgent_risk(
                reporter,
                {
                    "case_id": case_id,
                    "category": "neglect",
                    "observations": "Copilul singur acasă, fără hrană.",
                    "called_112": False,
                    "observed_at": ago(minutes=10),
                },
            )
            reported[risk["risk_id"]] = (started, time.perf_counter())
            eventlet.sleep(max(0.0, RISK_INTERVAL - (time.perf_counter() - started)))
    return reported


def risk_figures(arrivals: Arrivals, reported: dict[str, tuple[float, float]]) -> None:
    arrived = arrivals.latencies(reported)
    show("reports", len(reported), "reports", f"{len(arrived)} events arrived")
    percentiles("report_urgent_risk (RPC reply)", [r - s for s, r in reported.values()])
    percentiles("report → outside arrival", arrived)


def main() -> None:
    # while the services start, calls bounce (UnknownService) and py-amqp
    # warns about each; that is noise here
    logging.getLogger("amqp").setLevel(logging.ERROR)
    with ExitStack() as cleanup:
        amqp_uri = new_vhost(cleanup)
        coordination_store = new_database(cleanup)
        cases_store = new_database(cleanup)
        start("tests.bench.echo_service:EchoService", amqp_uri, coordination_store, cleanup)
        start(
            "services.cases.service:CasesService",
            amqp_uri,
            cases_store,
            cleanup,
            CASES_MASTER_KEY=new_master_key(),
            CASES_KEYS_URL=new_database(cleanup),
            MAX_WORKERS=str(CLIENTS + 1),  # the load's clients and the reporter
        )
        start(
            "services.coordination.service:CoordinationService",
            amqp_uri,
            coordination_store,
            cleanup,
        )
        arrivals = Arrivals(amqp_uri, cleanup, RISK_REPORTED, lambda data: data["risk_id"])
        print(
            f"Coordonare cases benchmark: {os.cpu_count()} cores, {CLIENTS} clients "
            "(technicians of one coordinator), cycles of draft → submit → validate",
            flush=True,
        )
        echo_baseline(amqp_uri)

        coordinator, technicians, case_ids = casework(amqp_uri)
        reporter, reporter_case = technicians.pop(), case_ids.pop()
        report_risks(amqp_uri, reporter, reporter_case, 1)  # warm-up, not counted

        section("urgent risk → outside subscriber, no load")
        reported = report_risks(amqp_uri, reporter, reporter_case, RISKS_IDLE)
        risk_figures(arrivals, reported)

        until = Event()
        reporting = eventlet.spawn(
            report_risks, amqp_uri, reporter, reporter_case, RISKS_UNDER_LOAD, RAMP_UP
        )
        reporting.link(lambda _: until.send())
        clients = zip(technicians, case_ids, strict=True)
        timings, seconds = concurrently(
            documents, *[(amqp_uri, coordinator, t, c, until) for t, c in clients]
        )
        reported = reporting.wait()

        section("document cycles through RPC (cases service, PostgreSQL)")
        cycles_done = len(timings["cycle"])
        show("cycles", cycles_done / seconds, "cycles/s", f"{cycles_done} in {seconds:.1f} s")
        show("commands", 3 * cycles_done / seconds, "cmds/s")
        for command in ("draft_document", "submit_document", "validate_document"):
            percentiles(command, timings[command])
        section(f"urgent risk → outside subscriber, under that load (every {RISK_INTERVAL} s)")
        risk_figures(arrivals, reported)


if __name__ == "__main__":
    main()
