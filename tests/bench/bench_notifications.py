"""Notifications benchmark (``make bench``): an urgent risk stored → the alert
in the coordinator's inbox and in their mailbox, p50/p99, with no load and
under a background load of about 200 other events per second, against real
`nameko run` coordination, cases and notifications processes (each on its
own database) and a real SMTP server on loopback, beside the raw baseline of
a nameko RPC that does nothing (same broker, same clients).

The county is bench_cases's: one coordinator (a social worker whose e-mail is
on file with the notifications service) and 21 technicians under contract,
each with a case they referred and the coordinator opened. The last
technician reports an urgent risk every 0.25 s; each latency runs from the
report's RPC reply (the risk is stored in the cases service) to:

- bus: the ``NotificationCreated`` event of the coordinator's notification
  arriving at an outside subscriber (plain kombu, pushed, stamped on
  arrival). The notification is stored in the same transaction as its inbox
  delivery and published after it commits, so by then it is in the inbox:
  this is the figure to read for the inbox, and it costs the service nothing;
- inbox: the notification first seen in ``notifications.inbox`` of the
  coordinator, which a green thread polls every 100 ms (``BENCH_INBOX_POLL``),
  stamped by the poll's reply: a cross-check, coarse by the poll's interval.
  Polling faster steals the service's own time (each poll returns the whole
  inbox): at 20 ms, its backlog under load was three times as long;
- mailbox: the mail's arrival at the SMTP server (stamped as the server
  appends it to ``Mailbox.received``). Mail goes out on the service's timer,
  which ticks every second, so this includes up to a second of waiting.

The background load: the other 20 technicians' clients, together paced to
200 commands/s (``BENCH_LOAD_RATE``), each cycling through a case document
(draft → submit → validate, cases service) and a task (delegate → accept →
complete, coordination service), which the notifications service also
follows (reminders). The achieved rate is read from the two stores (events
stored per second over the reports' window), the reports' own events
included; the no-load figure shows how many of them those are. On a small
machine the services cannot take the whole load: the achieved rate is
printed, with the load's own RPC latency. Never asserted anywhere: it only
prints figures."""

# ruff: noqa: E402
import eventlet

eventlet.monkey_patch()

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import logging
import os
import time
import warnings
from collections import defaultdict
from contextlib import ExitStack, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from eventlet.event import Event
from nameko.exceptions import RemoteError

from services.notifications.domain import alert_id, notification_id
from tests.bench.bench_cases import casework
from tests.bench.bench_coordination import CLIENTS, echo_baseline, start, wait_for
from tests.bench.support import Arrivals, new_database, new_vhost, percentiles, rate, section, show
from tests.support.casework import ago, new_master_key
from tests.support.published import stored_count
from tests.support.registry import ADMIN, until_known
from tests.support.signed import ClusterRpcProxy
from tests.support.smtp import Mailbox
from tests.support.waiting import eventually

REPORTS = 40  # in each phase
REPORT_INTERVAL = 0.25  # seconds between the starts of two reports
LOAD_RATE = float(os.environ.get("BENCH_LOAD_RATE", "200"))  # commands/s, all clients
LOAD_CLIENTS = CLIENTS
RAMP_UP = 2.0  # seconds the load runs before the first report under it
INBOX_POLL = float(os.environ.get("BENCH_INBOX_POLL", "0.1"))  # seconds between two polls
ARRIVAL_TIMEOUT = 60.0
NOTIFICATION_CREATED = "ro.coordonare.notifications.NotificationCreated.*"
COORDINATOR_EMAIL = "coordonator@dgaspc-cj.ro"


# -- stamping arrivals: notification id -> perf_counter() ----------------------------
class StampedMail(list):
    """``Mailbox.received`` that notes when each mail was appended to it (the
    SMTP server's DATA handler appends every mail it accepts)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    def append(self, mail: Any) -> None:
        stamp = time.perf_counter()
        message_id = (mail.message_id or "").strip("<>").partition("@")[0]
        self.arrived.setdefault(message_id, stamp)
        super().append(mail)


class InboxWatch:
    """Polls the coordinator's inbox from a green thread of its own; each
    notification is stamped by the reply of the first poll that has it."""

    def __init__(self, amqp_uri: str, actor: dict, cleanup: ExitStack) -> None:
        self.arrived: dict[str, float] = {}
        self.round_trips: list[float] = []
        self.stopping = False
        self.thread = eventlet.spawn(self._poll, amqp_uri, actor)
        cleanup.callback(self._stop)

    def _poll(self, amqp_uri: str, actor: dict) -> None:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
            while not self.stopping:
                started = time.perf_counter()
                inbox = rpc.notifications.inbox(actor)
                stamp = time.perf_counter()
                self.round_trips.append(stamp - started)
                for entry in inbox:
                    self.arrived.setdefault(entry["notification_id"], stamp)
                eventlet.sleep(max(0.0, INBOX_POLL - (time.perf_counter() - started)))

    def _stop(self) -> None:
        self.stopping = True
        self.thread.wait()


# -- the reports ---------------------------------------------------------------------
def report_risks(amqp_uri: str, reporter: dict, case_id: str, count: int) -> dict[str, float]:
    """``count`` reports, one every REPORT_INTERVAL: risk_id -> perf_counter()
    when its RPC reply came (the risk is stored)."""
    replied = {}
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        for _ in range(count):
            started = time.perf_counter()
            risk = rpc.cases.report_urgent_risk(
                reporter,
                {
                    "case_id": case_id,
                    "category": "abuse",
                    "observations": "Urme de lovituri pe brațe.",
                    "called_112": False,
                    "observed_at": ago(minutes=10),
                },
            )
            replied[risk["risk_id"]] = time.perf_counter()
            eventlet.sleep(max(0.0, REPORT_INTERVAL - (time.perf_counter() - started)))
    return replied


def alert_notification(risk_id: str, coordinator: dict) -> str:
    """The id of the coordinator's notification of the alert for this risk
    (deterministic: one per source, recipient and purpose)."""
    return str(notification_id(str(alert_id(risk_id)), coordinator["id"], "alert"))


def latencies(
    replied: dict[str, float], coordinator: dict, arrived: dict[str, float], what: str
) -> list[float]:
    """Seconds from each reply to the arrival, waiting for stragglers."""
    expected = {alert_notification(r, coordinator): t for r, t in replied.items()}
    with suppress(AssertionError):  # the missing ones are counted below
        eventually(lambda: expected.keys() <= arrived.keys(), ARRIVAL_TIMEOUT, every=0.05)
    missing = len(expected.keys() - arrived.keys())
    if missing:
        print(f"  ({missing} of {len(expected)} never reached the {what})", flush=True)
    return [arrived[n] - t for n, t in expected.items() if n in arrived]


class Stores:
    """Events stored so far by the cases and coordination services (and, apart,
    the notifications service): the stores' highest notification ids."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls

    def counts(self) -> tuple[float, dict[str, int]]:
        return time.perf_counter(), {s: stored_count(u, s) for s, u in self.urls.items()}


def phase(
    title: str,
    amqp_uri: str,
    world: dict[str, Any],
    stores: Stores,
    load: dict[str, list] | None = None,
) -> None:
    coordinator, mail, inbox, bus = (
        world["coordinator"],
        world["mail"],
        world["inbox"],
        world["bus"],
    )
    before_at, before = stores.counts()
    replied = report_risks(amqp_uri, world["reporter"], world["case_id"], REPORTS)
    after_at, after = stores.counts()
    on_bus = latencies(replied, coordinator, bus.arrived, "bus")
    in_inbox = latencies(replied, coordinator, inbox.arrived, "inbox")
    mailed = latencies(replied, coordinator, mail.arrived, "mailbox")

    section(title)
    seconds = after_at - before_at
    others = sum(after[s] - before[s] for s in ("cases", "coordination"))
    show(
        "events stored, cases + coordination",
        rate(others, seconds),
        "events/s",
        f"{others} in {seconds:.1f} s, the reports' own included",
    )
    told = after["notifications"] - before["notifications"]
    show("events stored, notifications", rate(told, seconds), "events/s", f"{told}")
    if load is not None:
        calls = sum(1 for t in load["calls"] if before_at <= t <= after_at)
        show("background commands", rate(calls, seconds), "cmds/s", f"{LOAD_CLIENTS} clients")
        percentiles("background command (RPC)", load["latency"])
    show("urgent-risk reports", len(replied), "reports", f"one every {REPORT_INTERVAL} s")
    percentiles("risk stored → NotificationCreated", on_bus)
    percentiles(f"risk stored → inbox poll ({INBOX_POLL * 1000:.0f} ms)", in_inbox)
    percentiles("risk stored → in the mailbox", mailed)


# -- the background load ----------------------------------------------------------------
def background(
    amqp_uri: str,
    coordinator: dict,
    technician: dict,
    case_id: str,
    offset: float,
    until: Event,
    load: dict[str, list],
) -> None:
    """A document cycle then a task cycle, again and again until ``until``
    is sent, one command every LOAD_CLIENTS / LOAD_RATE seconds."""
    interval = LOAD_CLIENTS / LOAD_RATE
    next_at = time.perf_counter() + offset
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()

    def paced(call: Any, *args: Any) -> Any:
        nonlocal next_at
        eventlet.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        result = call(*args)
        done = time.perf_counter()
        load["latency"].append(done - started)
        load["calls"].append(done)
        next_at = max(next_at + interval, done - interval)  # no catching up in bursts
        return result

    with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
        cases, coordination = rpc.cases, rpc.coordination
        while not until.ready():
            document = paced(
                cases.draft_document,
                technician,
                {
                    "case_id": case_id,
                    "kind": "observation_sheet",
                    "content": {"text": "Vizită la domiciliu; copilul era acasă."},
                    "occurred_at": ago(hours=1),
                },
            )
            key = {"document_id": document["document_id"]}
            paced(cases.submit_document, technician, key)
            paced(cases.validate_document, coordinator, key)
            sheet = paced(
                coordination.delegate_task,
                coordinator,
                {
                    "technician_id": technician["id"],
                    "task_type": "home_visit",
                    "instructions": "Vizită",
                    "due_at": due,
                },
            )
            task = {"task_id": sheet["task_id"]}
            paced(coordination.accept_task, technician, task)
            paced(coordination.complete_task, technician, task | {"result": "Efectuată"})


def main() -> None:
    # while the services start, calls bounce (UnknownService) and py-amqp
    # warns about each; that is noise here
    logging.getLogger("amqp").setLevel(logging.ERROR)
    # each store count opens a recorder, which declares its tracking table again
    warnings.filterwarnings("ignore", "This declarative base already contains")
    with ExitStack() as cleanup:
        amqp_uri = new_vhost(cleanup)
        stores = Stores(
            {
                "coordination": new_database(cleanup),
                "cases": new_database(cleanup),
                "notifications": new_database(cleanup),
            }
        )
        mailbox = Mailbox()
        cleanup.callback(mailbox.stop)
        mail = mailbox.received = StampedMail()
        workers = str(LOAD_CLIENTS + 2)  # the load's clients, the reporter, the watch
        start("tests.bench.echo_service:EchoService", amqp_uri, stores.urls["cases"], cleanup)
        # the subscribers first: their queues bound before the county is published
        start(
            "services.notifications.service:NotificationsService",
            amqp_uri,
            stores.urls["notifications"],
            cleanup,
            NOTIFICATIONS_WEBHOOK_KEY=new_master_key(),
            MAX_WORKERS=workers,
            **mailbox.env(),
        )
        start(
            "services.cases.service:CasesService",
            amqp_uri,
            stores.urls["cases"],
            cleanup,
            CASES_MASTER_KEY=new_master_key(),
            CASES_KEYS_URL=new_database(cleanup),
            MAX_WORKERS=workers,
        )
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc, suppress(RemoteError):
            wait_for(rpc.notifications, "inbox", ADMIN)
            wait_for(rpc.cases, "list_cases", ADMIN)
        start(
            "services.coordination.service:CoordinationService",
            amqp_uri,
            stores.urls["coordination"],
            cleanup,
            MAX_WORKERS=workers,
        )
        print(
            f"Coordonare notifications benchmark: {os.cpu_count()} cores; urgent risk "
            f"stored → the coordinator's inbox and mailbox, {REPORTS} reports a phase",
            flush=True,
        )
        echo_baseline(amqp_uri)

        coordinator, technicians, case_ids = casework(amqp_uri)
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
            until_known(  # the notifications service learns of the admin by events
                lambda: rpc.notifications.set_contact(
                    ADMIN, {"staff_id": coordinator["id"], "email": COORDINATOR_EMAIL}
                )
            )
        world = {
            "coordinator": coordinator,
            "reporter": technicians.pop(),
            "case_id": case_ids.pop(),
            "mail": mail,
            "inbox": InboxWatch(amqp_uri, coordinator, cleanup),
            "bus": Arrivals(
                amqp_uri, cleanup, NOTIFICATION_CREATED, lambda data: data["notification_id"]
            ),
        }
        warm_up = report_risks(amqp_uri, world["reporter"], world["case_id"], 1)  # not counted
        latencies(warm_up, coordinator, mail.arrived, "mailbox")

        phase("urgent risk → inbox and mailbox, no load", amqp_uri, world, stores)

        until = Event()
        load: dict[str, list] = defaultdict(list)
        interval = LOAD_CLIENTS / LOAD_RATE
        clients = [
            eventlet.spawn(
                background, amqp_uri, coordinator, t, c, i * interval / LOAD_CLIENTS, until, load
            )
            for i, (t, c) in enumerate(zip(technicians, case_ids, strict=True))
        ]
        try:
            eventlet.sleep(RAMP_UP)
            phase(
                f"urgent risk → inbox and mailbox, under a background load of {LOAD_RATE:.0f} "
                "commands/s",
                amqp_uri,
                world,
                stores,
                load,
            )
        finally:
            until.send()
            for client in clients:
                client.wait()
        section("polling the inbox (both phases)")
        percentiles("inbox poll round trip", world["inbox"].round_trips)


if __name__ == "__main__":
    main()
