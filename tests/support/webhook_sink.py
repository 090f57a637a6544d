"""A county system's webhook endpoint on loopback (stdlib http.server): it
records every POST, checks its signature with the shared secret through the
Standard Webhooks library, as an outside receiver would (not with any code of
ours), and answers as the test says: a status (200, 500, 404, …) or not at
all ("hangs").

Under eventlet's monkey patching the server's threads are green threads; it
serves while the test waits cooperatively (socket I/O, time.sleep).

    with WebhookSink(secret="whsec_…") as sink:
        sink.answer(500)  # or sink.hang(); 200 to start with
        WebhookChannel(timeout=0.5, policy=DEMO).send(sink.url, "whsec_…", message, "d-1")
        [hook] = sink.wait_for(1)
        assert hook.verified and hook.json["kind"] == "…"
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

from tests.support.waiting import eventually

# How long a hanging answer waits at most, if the sink is never stopped.
HANG_SECONDS = 60.0


@dataclass(frozen=True)
class ReceivedHook:
    path: str
    headers: dict[str, str]  # names as sent
    body: bytes  # as received, byte for byte
    verified: bool  # signature and timestamp good for the sink's secret

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler never holds up server_close
    sink: WebhookSink


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        sink = self.server.sink
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        hook = ReceivedHook(
            path=self.path,
            headers=dict(self.headers.items()),
            body=body,
            verified=_verified(sink.secret, body, dict(self.headers.items())),
        )
        sink.received.append(hook)  # recorded before answering: a hang is seen too
        status = sink.status
        if status is None:
            sink.released.wait(HANG_SECONDS)
            self.close_connection = True
            return  # no answer at all
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet test output


def _verified(secret: str, body: bytes, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    except Exception:  # not a whsec_ secret (yet): nothing verifies with it
        return False
    return True


class WebhookSink:
    def __init__(
        self, secret: str, status: int = 200, tls: ssl.SSLContext | None = None
    ) -> None:
        """``tls``: a server context (its certificate and key): the sink then
        speaks https, and ``url`` says so."""
        self.secret = secret
        self.status: int | None = status  # None: hang
        self.received: list[ReceivedHook] = []
        self.released = threading.Event()  # set on stop: hanging handlers return
        self._server = _Server(("127.0.0.1", 0), _Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.sink = self
        self.port = self._server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/hooks/coordonare"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def answer(self, status: int) -> None:
        """Answer each later POST with this status and an empty body."""
        self.status = status

    def hang(self) -> None:
        """Take each later POST and never answer it (until stop)."""
        self.status = None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedHook]:
        eventually(
            lambda: len(self.received) >= count,
            timeout,
            every=0.02,
            message=lambda: f"received {len(self.received)} of {count} webhooks",
        )
        return list(self.received)

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> WebhookSink:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
