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
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from nameko.exceptions import RemoteError

from tests.bench.support import new_database, new_vhost, percentiles, section, show
from tests.support.casework import new_master_key
from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually

CLIENTS = 50
SECONDS = float(os.environ.get("BENCH_SECONDS", "12"))  # each measurement
WARM_UP = 2.0  # seconds before each, not counted
AIM = 1000  # commands/s, the aim
ROOT = Path(__file__).resolve().parents[2]
TECHNICIANS = ("tehnician.cluj", "tehnician2.cluj", "tehnician.floresti")
SERVICES = {
    "coordination": "services.coordination.service:CoordinationService",
    "cases": "services.cases.service:CasesService",
    "evaluations": "services.evaluations.service:EvaluationsService",
    "notifications": "services.notifications.service:NotificationsService",
    "echo": "tests.bench.echo_service:EchoService",  # the baseline of d
}
GATEWAY = "gateway.service:GatewayService"
GATEWAY_MAX_WORKERS = "128"  # as deploy/stack.py


# -- the client side: a process of its own ---------------------------------------
class Connection:
    """One keep-alive HTTP/1.1 connection: a request is bytes sent, the
    answer its status and body (Content-Length or chunked)."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.open()

    def open(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")

    def close(self) -> None:
        self.reader.close()
        self.sock.close()

    def reopen(self) -> None:
        self.close()
        self.open()

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        line = self.reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        status = int(line.split(b" ", 2)[1])
        length, chunked, closing = None, False, False
        while True:
            line = self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                closing = b"close" in value.lower()
        if chunked:
            body = self._chunks()
        elif length is not None:
            body = self.reader.read(length)
        else:
            body, closing = self.reader.read(), True
        if closing:
            self.reopen()
        return status, body

    def _chunks(self) -> bytes:
        parts = []
        while True:
            size = int(self.reader.readline().split(b";")[0], 16)
            if size == 0:
                while self.reader.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.reader.read(size))
            self.reader.readline()


def http_request(
    method: str,
    path: str,
    address: str,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {address}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    payload = b""
    if body is not None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def cpu_ticks(pids: dict[str, int], databases: list[str]) -> dict[str, float]:
    """CPU seconds used so far by each process of ``pids``, this one
    ("client"), PostgreSQL's backends serving ``databases`` ("PostgreSQL"),
    the broker, shared by every vhost ("RabbitMQ") and the whole machine
    ("machine": busy seconds summed over its cores)."""
    used = {name: _cpu_of(pid) for name, pid in pids.items()}
    own = os.times()
    used["client"] = own.user + own.system
    used["PostgreSQL"] = used["RabbitMQ (whole broker)"] = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if command.startswith("postgres:") and any(f" {d} " in command for d in databases):
            used["PostgreSQL"] += _cpu_of(int(entry.name))
        elif "beam.smp" in command and "rabbit" in command:
            used["RabbitMQ (whole broker)"] += _cpu_of(int(entry.name))
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["machine"] = (sum(cpu[:8]) - cpu[3] - cpu[4]) / TICK  # all but idle and iowait
    return used


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0


def client_main() -> None:
    """Runs the measurement that stdin describes; its figures on stdout (JSON)."""
    spec = json.load(sys.stdin)
    logging.getLogger("amqp").setLevel(logging.ERROR)
    clients, record = [], Recorder()
    with ExitStack() as stack:
        if spec["kind"] == "http":
            host, port = spec["host"], spec["port"]
            for requests in spec["requests"]:
                connection = Connection(host, port)
                stack.callback(connection.close)
                clients.append((http_worker, connection, requests))
        else:
            config = {"AMQP_URI": spec["amqp_uri"]}
            for call in spec["calls"]:
                proxy = stack.enter_context(ClusterRpcProxy(config, timeout=60))
                clients.append((rpc_worker, proxy, call))
        started = time.perf_counter()
        record.window(started + spec["warm_up"], started + spec["warm_up"] + spec["seconds"])
        sampler = eventlet.spawn(record.sample_cpu, spec["pids"], spec["databases"])
        pool = eventlet.GreenPool(len(clients))
        for worker, *args in clients:
            pool.spawn(worker, *args, spec.get("idempotent", False), record)
        pool.waitall()
        sampler.wait()
    json.dump(record.figures(), sys.stdout)


class Recorder:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.examples: dict[str, str] = {}
        self.cpu: dict[str, float] = {}
        self.cpu_seconds = 0.0

    def window(self, start: float, end: float) -> None:
        self.start, self.end = start, end

    def done(self, started: float, finished: float, error: str | None, detail: str = "") -> None:
        if error is not None:  # counted in the warm-up too
            self.errors[error] += 1
            self.examples.setdefault(error, detail[:300])
        elif self.start <= finished <= self.end:
            self.latencies.append(finished - started)

    def sample_cpu(self, pids: dict[str, int], databases: list[str]) -> None:
        eventlet.sleep(max(0.0, self.start - time.perf_counter()))
        first, at = cpu_ticks(pids, databases), time.perf_counter()
        eventlet.sleep(max(0.0, self.end - time.perf_counter()))
        last, self.cpu_seconds = cpu_ticks(pids, databases), time.perf_counter() - at
        self.cpu = {name: last[name] - first[name] for name in last}

    def figures(self) -> dict[str, Any]:
        return {
            "latencies": self.latencies,
            "seconds": self.end - self.start,
            "errors": dict(self.errors),
            "examples": self.examples,
            "cpu": self.cpu,
            "cpu_seconds": self.cpu_seconds,
        }


def http_worker(
    connection: Connection, requests: list[str], idempotent: bool, record: Recorder
) -> None:
    """Sends its requests in turn until the window ends; with ``idempotent``,
    each with an Idempotency-Key of its own."""
    prepared = [r.encode() for r in requests]
    marker = b"\r\n\r\n"
    sent = 0
    while (started := time.perf_counter()) < record.end:
        request = prepared[sent % len(prepared)]
        if idempotent:
            head, _, body = request.partition(marker)
            key = f"\r\nIdempotency-Key: bench-{id(connection):x}-{sent}".encode()
            request = head + key + marker + body
        sent += 1
        try:
            status, body = connection.exchange(request)
        except OSError as exc:
            record.done(started, time.perf_counter(), type(exc).__name__, str(exc))
            connection.reopen()
            continue
        finished = time.perf_counter()
        if 200 <= status < 300:
            record.done(started, finished, None)
        else:
            record.done(started, finished, f"HTTP {status}", body.decode("utf-8", "replace"))


def rpc_worker(proxy: Any, call: list, idempotent: bool, record: Recorder) -> None:
    service, method, args, kwargs = call
    target = getattr(getattr(proxy, service), method)
    while (started := time.perf_counter()) < record.end:
        try:
            target(*args, **kwargs)
        except RemoteError as exc:
            record.done(started, time.perf_counter(), exc.exc_type, str(exc.value))
            continue
        except Exception as exc:
            record.done(started, time.perf_counter(), type(exc).__name__, str(exc))
            continue
        record.done(started, time.perf_counter(), None)


# -- the stack: processes, databases, vhost -----------------------------------------
def listening_port(pid: int, timeout: float = 60) -> int:
    """The TCP port process ``pid`` serves the API on (its web servers, the
    public one and the admin one of /metrics, started on port 0: a port
    picked beforehand could be taken meanwhile by any other process of this
    shared machine, and eventlet's SO_REUSEPORT would then share it
    silently). The public one is the one that answers /live."""

    def live() -> int | None:
        for port in listening_ports(pid):
            with suppress(OSError):
                if call(port, "GET", "/live")[0] == 200:
                    return port
        return None

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
    # while the services start, calls bounce (UnknownService) and py-amqp
    # warns about each; that is noise here
    logging.getLogger("amqp").setLevel(logging.ERROR)
    with ExitStack() as cleanup:
        temporary = Path(tempfile.mkdtemp(prefix="coordonare-bench-gateway-"))
        cleanup.callback(shutil.rmtree, temporary, ignore_errors=True)
        stack = Stack(temporary, cleanup)
        try:
            run(stack, temporary, cleanup)
        except BaseException:
            stack.tails()
            raise


def run(stack: Stack, temporary: Path, cleanup: ExitStack) -> None:
    began = time.perf_counter()
    amqp_uri = new_vhost(cleanup)
    databases = []

    def database() -> str:
        url = new_database(cleanup)
        databases.append(url.rsplit("/", 1)[1])
        return url

    keys = {
        "CASES_MASTER_KEY": new_master_key(),
        "CASES_KEYS_URL": database(),
        "NOTIFICATIONS_WEBHOOK_KEY": new_master_key(),
    }
    for name, entry in SERVICES.items():
        env = {
            "AMQP_URI": amqp_uri,
            "STORE_URL": database(),
            "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        }
        stack.start(name, entry, keys | env)
    users_file = temporary / "users.json"
    walkthrough = seed_county(amqp_uri, users_file)["walkthrough"]
    stack.start(
        "gateway",
        GATEWAY,
        {
            "AMQP_URI": amqp_uri,
            "GATEWAY_STORE_URL": database(),
            "GATEWAY_USERS_FILE": str(users_file),
            "MAX_WORKERS": GATEWAY_MAX_WORKERS,
            "WEB_SERVER_ADDRESS": "127.0.0.1:0",
            "GATEWAY_ADMIN_ADDRESS": "127.0.0.1:0",
            # the benchmark measures the gateway, not its rate limits
            "GATEWAY_PERSON_LIMIT": "1000000/minute",
            "GATEWAY_LOGIN_LIMIT": "1000000/minute",
            "GATEWAY_LOGIN_ADDRESS_LIMIT": "1000000/minute",
        },
    )
    port = listening_port(stack.pids["gateway"])
    wait_for_health(port)
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
