"""Running services for integration tests: in-process nameko containers, or
real `nameko run` processes for the crash tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from nameko.exceptions import UnknownService

from tests.support.signed import ClusterRpcProxy
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nameko_config(amqp_uri: str, port: int | None = None) -> dict:
    return {
        "AMQP_URI": amqp_uri,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{port or free_port()}",
        "serializer": "json",
    }


def start_process(
    entry: str, amqp_uri: str, store_url: str, stderr: int | None = None, **env: str
) -> subprocess.Popen:
    """``nameko run`` of one service, as deploy/stack.py starts it."""
    environment = (
        os.environ
        | {
            "AMQP_URI": amqp_uri,
            "STORE_URL": store_url,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
            "RELAY_POLL_SECONDS": "0.2",
            "LOG_LEVEL": "WARNING",
        }
        | env
    )
    nameko = str(Path(sys.executable).with_name("nameko"))
    return subprocess.Popen(
        [nameko, "run", "--config", "deploy/nameko.yaml", entry],
        cwd=ROOT,
        env=environment,
        stderr=stderr,
    )


def call(amqp_uri: str, command: str, *args: object, correlation_id: str | None = None) -> object:
    """``coordination.<command>(*args)`` over RPC, waiting for the service to
    listen; returns the result, or the exception (the callee may not live to
    answer: the crash tests kill it)."""
    context = {"correlation_id": correlation_id} if correlation_id else None
    with ClusterRpcProxy(nameko_config(amqp_uri), context_data=context, timeout=15) as rpc:

        def answer() -> object:
            try:
                return getattr(rpc.coordination, command)(*args)
            except UnknownService:  # not listening yet: asked again
                raise
            except Exception as exc:
                return exc

        return eventually(answer, 30, every=0.2, retrying=(UnknownService,), until=lambda _: True)
