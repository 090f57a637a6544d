"""The gateway benchmark's client side, run as a process of its own
(``bench_gateway.py --client``): green threads each with one keep-alive
HTTP/1.1 connection or its own RPC proxy, recording every request, and the
CPU each process of the machine used."""

import json
import logging
import os
import socket
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import eventlet
from nameko.exceptions import RemoteError

from events.acting import Signer
from events.identity import SigningKey
from tests.support.signed import TEST_ISSUER, ClusterRpcProxy


class Connection:
    """One keep-alive HTTP/1.1 connection: a request is bytes sent, the
    answer its status and body (Content-Length or chunked)."""

    def __init__(self, host: str, port: int, timeout: float = 60) -> None:
        self.address, self.timeout = (host, port), timeout
        self.open()

    def open(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=self.timeout)
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
    timeout = spec.get("timeout", 60)  # seconds one request may take
    with ExitStack() as stack:
        if spec["kind"] == "http":
            host, port = spec["host"], spec["port"]
            for requests in spec["requests"]:
                connection = Connection(host, port, timeout)
                stack.callback(connection.close)
                clients.append((http_worker, connection, requests))
        else:
            config = {"AMQP_URI": spec["amqp_uri"]}
            # the key the stack trusts is the parent's (each process makes its own)
            signer = Signer(SigningKey.from_file(TEST_ISSUER, spec["test_key"]))
            for call in spec["calls"]:
                proxy = stack.enter_context(ClusterRpcProxy(config, timeout=timeout, signer=signer))
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
        self.completed = 0  # every success, warm-up and stragglers included

    def window(self, start: float, end: float) -> None:
        self.start, self.end = start, end

    def done(self, started: float, finished: float, error: str | None, detail: str = "") -> None:
        if error is not None:  # counted in the warm-up too
            self.errors[error] += 1
            self.examples.setdefault(error, detail[:300])
        else:
            self.completed += 1
            if self.start <= finished <= self.end:
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
            "completed": self.completed,
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
