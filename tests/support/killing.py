"""One service of the county behind the gateway killed under load (issue
18), for the story (``tests/integration/test_killed_under_load.py``) and the
bench (``tests/bench/bench_crash.py``).

The service is taken out of this process and run as ``make run`` runs it: a
``nameko run`` process under ``deploy.supervise.Supervisor``, dying once
(SIGKILL, ``events.faults``) at a fault point. Meanwhile one of its users
sends one command many times at once through the gateway, each request
retried with its own ``Idempotency-Key`` until answered, as a phone would.
Each answer names what its command stored; the service's store is then read
directly: every answer's event is there once, and no other."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import eventlet
import requests
from eventlet.greenpool import GreenPool
from nameko.containers import ServiceContainer

from deploy.supervise import Child, Supervisor
from events.clock import local_today
from tests.support.gateway import (
    CLIENT_TIMEOUT,
    SERVICES,
    County,
    listed,
    post,
    risk_report,
    until_answered,
)
from tests.support.published import aggregates_stored_since, stored_count
from tests.support.services import nameko_config, start_process
from tests.support.waiting import eventually

FAULTS = ("command.before_commit", "command.after_commit", "command.after_reply")
ENTRIES = {s.name: f"{s.__module__}:{s.__name__}" for s in SERVICES}
# The county's gateway with a short time limit: a request the killed service
# never answered is retried within seconds, as a phone would.
GATEWAY_ENV = {"GATEWAY_RPC_TIMEOUT": "4"}
# The supervisor's pause before it starts the killed service again. Longer
# than that limit: every request in flight is answered 504 and sent again
# under its key, its command then waiting twice in the service's queue (as
# first sent, as sent again) for the restarted process. Longer than the
# gateway remembers who coordinates whom (10 s, ``gateway.scope.Relations``):
# while coordination is down, the requests that name a technician are
# checked again, and must be told to try again, not given a 500.
RESTART_PAUSE = 11.0

Request = tuple[str, dict[str, Any]]  # path, body


@dataclass(frozen=True)
class Load:
    """A command a real user sends under load, each request storing one
    event of ``topic`` on the aggregate its answer names (``id_field``)."""

    service: str
    user: str
    status: int  # the answer of a request that acted
    id_field: str
    topic: str  # a ``LIKE`` pattern of the stored event's topic
    requests: Callable[[County, int], list[Request]]  # made while every service runs
    bystander: tuple[str, str]  # (user, path): another service's query, to answer meanwhile


@dataclass
class Outcome:
    """What a load through a killed service came to."""

    requests: int
    answers: list[dict[str, Any]]
    statuses: Counter[int]
    stored: list[str]  # aggregate ids of the ``topic`` events stored meanwhile, repeats kept
    id_field: str
    exits: list[int]
    restarts: int
    running: bool
    bystander: int  # the other service's answer, asked once the killed one had died
    bystander_while_down: bool  # … given before the killed one answered again
    down_for: float | None  # seconds from its death to its first answer after the restart
    starting_for: float | None  # … from the restart to that answer
    seconds: float

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def retries(self) -> int:
        return sum(self.statuses.values()) - self.answered

    @property
    def matched(self) -> int:
        """Requests whose own outcome is in the store."""
        return len({a[self.id_field] for a in self.answers} & set(self.stored))

    @property
    def lost(self) -> int:
        """Requests without their own stored outcome: never answered,
        answered but not stored, or given another request's outcome."""
        return self.requests - self.matched

    @property
    def duplicates(self) -> int:
        """Stored events beyond one per request: a command done twice."""
        return len(self.stored) - self.matched


# -- the four services' loads --------------------------------------------------------
def delegated_tasks(county: County, n: int) -> list[Request]:
    """The coordinator delegates monitoring visits to the technician they coordinate."""
    technician = county.user("tehnician.cluj")["sub"]
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    task = {
        "task_type": "monitoring_visit",
        "instructions": "Vizită de monitorizare: frecvența școlară și hrana copiilor.",
        "due_at": due,
        "priority": "normal",
    }
    return [(f"/technicians/{technician}/tasks", task)] * n


def urgent_risks(county: County, n: int) -> list[Request]:
    """The technician reports urgent risks on a case of theirs in intervention."""
    tech = county.as_("tehnician.cluj")
    case_id = eventually(
        lambda: tech.get(f"{county.url}/cases", params={"stage": "intervention"}).json()["items"][
            0
        ]["case_id"],
        60,
        every=0.5,
        retrying=(KeyError, IndexError, requests.RequestException),
    )
    return [(f"/cases/{case_id}/urgent-risks", risk_report()) for _ in range(n)]


def checklists(county: County, n: int) -> list[Request]:
    """The coordinator completes observation checklists (E.1) of the technician."""
    technician = county.user("tehnician.cluj")["sub"]
    checklist = {
        "activity": "home_visit",
        "observed": "after",
        "observed_on": (local_today() - timedelta(days=1)).isoformat(),
        "items": [
            {"criterion": "confidentiality_respected", "result": "met"},
            {"criterion": "documented_on_time", "result": "not_met", "note": "3 zile"},
        ],
    }
    path = f"/technicians/{technician}/checklists"
    # the evaluations service learns of the contract from coordination's events
    coordinator = county.as_("asistent.cluj")
    eventually(
        lambda: post(coordinator, f"{county.url}{path}", checklist, str(uuid.uuid4())).status_code,
        60,
        every=0.5,
        until=lambda status: status == 201,
        message="the evaluations service never let the coordinator evaluate",
    )
    return [(path, checklist)] * n


def notifications_read(county: County, n: int) -> list[Request]:
    """The coordinator marks urgent-risk alerts of their inbox read; as many
    risks are reported first as the inbox lacks."""
    coordinator = county.as_("asistent.cluj")

    def unread() -> list[str]:
        return [
            item["notification_id"]
            for item in listed(coordinator, f"{county.url}/me/inbox", unread_only="true")
        ]

    lacking = n - len(unread())
    if lacking > 0:
        tech = county.as_("tehnician.cluj")
        reports = urgent_risks(county, lacking)
        list(
            GreenPool(24).imap(
                lambda r: until_answered(tech, county.url + r[0], r[1], 201), reports
            )
        )
    found = eventually(unread, 120, every=0.5, until=lambda ids: len(ids) >= n)
    return [(f"/me/inbox/{notification}/read", {}) for notification in found[:n]]


MUNICIPALITIES = ("asistent.cluj", "/municipalities")
LOADS = {
    "coordination": Load(
        "coordination", "asistent.cluj", 201, "task_id", "%TaskSheet.Delegated",
        delegated_tasks, ("tehnician.cluj", "/cases?stage=intervention"),
    ),
    "cases": Load(
        "cases", "tehnician.cluj", 201, "risk_id", "%UrgentRisk.Reported",
        urgent_risks, MUNICIPALITIES,
    ),
    "evaluations": Load(
        "evaluations", "asistent.cluj", 201, "checklist_id", "%Checklist.Completed",
        checklists, MUNICIPALITIES,
    ),
    "notifications": Load(
        "notifications", "asistent.cluj", 200, "notification_id", "%Notification.Read",
        notifications_read, MUNICIPALITIES,
    ),
}  # fmt: skip


# -- the service, killed once ------------------------------------------------------------
@contextmanager
def killed_once(
    county: County, service: str, fault: str, amqp_uri: str, tmp: Path
) -> Iterator[Child]:
    """``service`` out of this process, as a supervised ``nameko run``
    process that dies at ``fault`` the first time it gets there; back in
    this process afterwards, for the next story."""
    in_process = county.containers[service]
    in_process.stop()
    supervisor = Supervisor(first_pause=RESTART_PAUSE, say=lambda _: None)
    ticking = eventlet.spawn(supervisor.run, lambda: False, 0.05)
    env = {
        "COORDONARE_FAULT": fault,
        "COORDONARE_FAULT_ONCE": str(tmp / f"{service}-{fault}-died"),
    }
    store = os.environ[f"{service.upper()}_STORE_URL"]
    child = supervisor.add(
        service,
        lambda: start_process(ENTRIES[service], amqp_uri, store, stderr=subprocess.DEVNULL, **env),
    )
    try:
        yield child
    finally:
        ticking.kill()
        if child.running:
            assert child.process is not None
            child.process.send_signal(signal.SIGTERM)
            child.process.wait(timeout=60)
        again = ServiceContainer(in_process.service_cls, nameko_config(amqp_uri))
        again.start()
        county.containers[service] = again  # (county_behind_gateway stops it at the end)


# -- the load ---------------------------------------------------------------------------
def run_load(
    county: County, load: Load, requests_: list[Request], child: Child, concurrency: int
) -> Outcome:
    """``requests_`` sent ``concurrency`` at a time by ``load.user``, each
    until answered, while ``child`` dies and comes back."""
    session = county.as_(load.user)
    store = os.environ[f"{load.service.upper()}_STORE_URL"]
    since = stored_count(store, load.service)
    seen: list[tuple[float, int]] = []  # (monotonic time, status) of every answer

    def noted(answer: requests.Response) -> None:
        seen.append((time.monotonic(), answer.status_code))

    started = time.monotonic()
    pool = GreenPool(concurrency)
    sent = [(session, county.url + path, body, load.status, noted) for path, body in requests_]
    running = eventlet.spawn(lambda: list(pool.starmap(until_answered, sent)))
    try:
        eventually(lambda: child.exits, 120, every=0.05, message=f"{load.service} was never killed")
        died = time.monotonic()
        user, path = load.bystander
        bystander = county.as_(user).get(f"{county.url}{path}", timeout=CLIENT_TIMEOUT)
        bystander_at = time.monotonic()
        answers = running.wait()
    finally:  # a request that failed ends the others: none goes on into the next story
        for request in [running, *pool.coroutines_running]:
            request.kill()
    seconds = time.monotonic() - started
    # the restart's start is later than the death noticed: answers after it are the new process's
    again = [t for t, status in seen if status == load.status and t > child.started_at]
    back = min(again) if child.restarts and again else None
    return Outcome(
        requests=len(requests_),
        answers=answers,
        statuses=Counter(status for _, status in seen),
        stored=aggregates_stored_since(store, since, load.topic, load.service),
        id_field=load.id_field,
        exits=list(child.exits),
        restarts=child.restarts,
        running=child.running,
        bystander=bystander.status_code,
        bystander_while_down=back is not None and bystander_at < back,
        down_for=back - died if back is not None else None,
        starting_for=back - child.started_at if back is not None else None,
        seconds=seconds,
    )
