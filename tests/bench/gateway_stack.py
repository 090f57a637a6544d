"""The gateway benchmark's stack: the services and the gateway as real
`nameko run` processes, the demo county seeded into them, and the
requests each client will send."""

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench.gateway_client import Connection, http_request
from tests.bench.support import new_database, new_vhost
from tests.support.casework import new_master_key
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
TECHNICIANS = ("tehnician.cluj", "tehnician2.cluj", "tehnician.floresti")
SERVICES = {
    "coordination": "services.coordination.service:CoordinationService",
    "cases": "services.cases.service:CasesService",
    "evaluations": "services.evaluations.service:EvaluationsService",
    "notifications": "services.notifications.service:NotificationsService",
    "echo": "tests.bench.echo_service:EchoService",  # the baseline RPC
}
GATEWAY = "gateway.service:GatewayService"
GATEWAY_MAX_WORKERS = "128"  # as deploy/stack.py


def listening_port(pid: int, timeout: float = 60) -> int:
    """The TCP port process ``pid`` serves the API on (its web servers, the
    public one and the admin one of /metrics, started on port 0: a port
    picked beforehand could be taken meanwhile by any other process of this
    shared machine, and eventlet's SO_REUSEPORT would then share it
    silently). The public one is the one that answers /live."""

    def live() -> int:
        for port in listening_ports(pid):
            with suppress(OSError):
                if call(port, "GET", "/live")[0] == 200:
                    return port
        return 0  # none yet (no process listens on port 0)

    return eventually(
        live, timeout, every=0.2, message=f"process {pid} serves /live on no TCP port"
    )


def listening_ports(pid: int) -> list[int]:
    """The TCP ports process ``pid`` listens on now."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                sockets.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in sockets:  # LISTEN
                ports.append(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


class Stack:
    """The `nameko run` processes, each logging to a file of ``logs``,
    stopped by ``cleanup`` (even on error)."""

    def __init__(self, logs: Path, cleanup: ExitStack) -> None:
        self.logs, self.cleanup = logs, cleanup
        self.pids: dict[str, int] = {}

    def start(self, name: str, entry: str, env: dict[str, str]) -> None:
        nameko = str(Path(sys.executable).with_name("nameko"))
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [nameko, "run", "--config", "deploy/nameko.yaml", entry],
            cwd=ROOT,
            env=os.environ | {"LOG_LEVEL": "WARNING"} | env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.pids[name] = process.pid

        def stop() -> None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()

        self.cleanup.callback(stop)

    def tails(self, lines: int = 15) -> None:
        """The end of every process's log: what went wrong, on error."""
        for name in self.pids:
            text = (self.logs / f"{name}.log").read_text(errors="replace").splitlines()
            print(f"--- {name}.log (last {lines} lines)", file=sys.stderr)
            print("\n".join(text[-lines:]), file=sys.stderr)


def seed_county(amqp_uri: str, users_file: Path) -> dict[str, Any]:
    from deploy.demo import proxy_rpc, seed, wait_for_services

    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as proxy:
        rpc = proxy_rpc(proxy)
        wait_for_services(rpc)
        return seed(rpc, users_file)


def call(
    port: int, method: str, path: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    connection = Connection("127.0.0.1", port)
    try:
        status, answer = connection.exchange(
            http_request(method, path, f"127.0.0.1:{port}", token, body)
        )
    finally:
        connection.close()
    try:
        return status, json.loads(answer) if answer else None
    except ValueError:  # not JSON: an answer of the server's, not the gateway's
        return status, answer.decode("utf-8", "replace")


def wait_for_health(port: int, timeout: float = 60) -> None:
    last: tuple[int, Any] = (0, None)

    def healthy() -> bool:
        nonlocal last
        try:
            last = call(port, "GET", "/health")
        except OSError as exc:
            last = (0, str(exc))
        return last[0] == 200

    eventually(
        healthy,
        timeout,
        every=0.2,
        message=lambda: f"the gateway's /health is still {last[0]}: {last[1]}",
    )


def draft(case_id: str) -> dict[str, Any]:
    """A document to draft (contracts/commands/cases/draft_document)."""
    return {
        "case_id": case_id,
        "kind": "observation_sheet",
        "content": {"text": "Vizită la domiciliu; copilul era acasă."},
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    }


def workers(port: int, users_file: Path) -> list[dict[str, Any]]:
    """Each demo technician under contract, logged in, with the cases they may
    draft documents on (one draft tried on each, as the walkthrough does)."""
    users = {u["username"]: u for u in json.loads(users_file.read_text())["users"]}
    found = []
    for username in TECHNICIANS:
        status, answer = call(
            port, "POST", "/auth/token", body={"username": username, "password": f"demo-{username}"}
        )
        if status != 200:
            raise RuntimeError(f"{username} cannot log in: {status} {answer}")
        token = answer["access_token"]
        status, listed = call(port, "GET", "/cases", token)
        if status != 200:
            raise RuntimeError(f"GET /cases as {username}: {status} {listed}")
        user = users[username]
        actor = {"id": user["sub"], "role": user["role"], "municipality": user["municipality"]}
        for case in listed["items"]:
            path = f"/cases/{case['case_id']}/documents"
            status, answer = call(port, "POST", path, token, draft(case["case_id"]))
            if status == 201:
                found.append({"token": token, "actor": actor, "case_id": case["case_id"]})
            else:
                print(f"  ({username} may not draft on a case at {case['stage']}: {status})")
    if not found:
        raise RuntimeError("no technician of the demo county may draft a document")
    return found


@dataclass
class County:
    """The started stack: its vhost, the gateway's port, the demo users, and
    its databases (label -> database name; each service's store by its name)."""

    amqp_uri: str
    port: int = 0
    users_file: Path = Path()
    walkthrough: dict[str, Any] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    store_urls: dict[str, str] = field(default_factory=dict)


def start_county(
    stack: Stack, temporary: Path, cleanup: ExitStack, gateway_env: dict[str, str] | None = None
) -> County:
    """The services (and the echo service), each on a store of its own, on a
    vhost of its own; the demo county seeded; then the gateway (with
    ``gateway_env`` added to its environment), healthy."""
    county = County(new_vhost(cleanup))

    def database(label: str) -> str:
        url = new_database(cleanup)
        county.databases[label] = url.rsplit("/", 1)[1]
        return url

    keys = {
        "CASES_MASTER_KEY": new_master_key(),
        "CASES_KEYS_URL": database("cases keys"),
        "NOTIFICATIONS_WEBHOOK_KEY": new_master_key(),
    }
    for name, entry in SERVICES.items():
        county.store_urls[name] = database(name)
        env = {
            "AMQP_URI": county.amqp_uri,
            "STORE_URL": county.store_urls[name],
            "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        }
        stack.start(name, entry, keys | env)
    county.users_file = temporary / "users.json"
    county.walkthrough = seed_county(county.amqp_uri, county.users_file)["walkthrough"]
    stack.start(
        "gateway",
        GATEWAY,
        {
            "AMQP_URI": county.amqp_uri,
            "GATEWAY_STORE_URL": database("gateway"),
            "GATEWAY_USERS_FILE": str(county.users_file),
            "MAX_WORKERS": GATEWAY_MAX_WORKERS,
            "WEB_SERVER_ADDRESS": "127.0.0.1:0",
            "GATEWAY_ADMIN_ADDRESS": "127.0.0.1:0",
            # the benchmarks measure the gateway, not its rate limits
            "GATEWAY_PERSON_LIMIT": "1000000/minute",
            "GATEWAY_LOGIN_LIMIT": "1000000/minute",
            "GATEWAY_LOGIN_ADDRESS_LIMIT": "1000000/minute",
        }
        | (gateway_env or {}),
    )
    county.port = listening_port(stack.pids["gateway"])
    wait_for_health(county.port)
    return county


def run_on_a_stack(name: str, run: Callable[[Stack, Path, ExitStack], None]) -> None:
    """A benchmark's ``run(stack, temporary, cleanup)`` on a stack of its own,
    its folder removed after; on failure the processes' last lines."""
    # while the services start, calls bounce (UnknownService) and py-amqp
    # warns about each; that is noise here
    logging.getLogger("amqp").setLevel(logging.ERROR)
    with ExitStack() as cleanup:
        temporary = Path(tempfile.mkdtemp(prefix=f"coordonare-bench-{name}-"))
        cleanup.callback(shutil.rmtree, temporary, ignore_errors=True)
        stack = Stack(temporary, cleanup)
        try:
            run(stack, temporary, cleanup)
        except BaseException:
            stack.tails()
            raise
