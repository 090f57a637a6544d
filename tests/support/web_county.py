"""The demo county behind the gateway, in a process of its own, for the
browser stories (which run unpatched by eventlet: ``tests/conftest.py``).

``python -m tests.support.web_county AMQP_URI TMP_DIR`` starts the county as
``tests.support.gateway.county_behind_gateway`` does, prints one JSON line
(the gateway's address and what was seeded), and stops it all when its
standard input closes: the test process's end stops it even if that process
is killed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests


@dataclass
class WebCounty:
    """What a browser story knows of the county: its address, what was
    seeded, and the API as any of its people (``as_``)."""

    url: str
    seeded: dict[str, Any]
    admin_url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            answer = requests.post(
                f"{self.url}/auth/token",
                json={"username": username, "password": f"demo-{username}"},
                timeout=10,
            )
            assert answer.status_code == 200, answer.text
            self.tokens[username] = answer.json()["access_token"]
        return self.tokens[username]

    def as_(self, username: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token(username)}"
        return session

    def user(self, username: str) -> dict[str, Any]:
        return next(u for u in self.seeded["users"] if u["username"] == username)


@contextmanager
def web_county(amqp_uri: str, tmp: Path, **gateway_env: str) -> Iterator[WebCounty]:
    env_args = [f"{name}={value}" for name, value in gateway_env.items()]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.web_county", amqp_uri, str(tmp), *env_args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"the county did not start (exit code {process.wait()})"
        ready = json.loads(line)
        yield WebCounty(ready["url"], ready["seeded"], ready["admin_url"])
    finally:
        assert process.stdin is not None
        process.stdin.close()  # the county stops
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    import eventlet

    eventlet.monkey_patch()
    from events.nameko import make_psycopg_green
    from tests.support.gateway import county_behind_gateway

    make_psycopg_green()
    amqp_uri, tmp, *settings = sys.argv[1:]
    gateway_env = dict(item.split("=", 1) for item in settings)
    with county_behind_gateway(amqp_uri, Path(tmp), **gateway_env) as county:
        ready = {"url": county.url, "seeded": county.seeded, "admin_url": county.admin_url}
        print(json.dumps(ready, default=str), flush=True)
        # wait, without blocking the hub, for the test process to close our stdin
        from eventlet.green import select

        while True:
            select.select([sys.stdin], [], [])
            if not sys.stdin.readline():
                break


if __name__ == "__main__":
    main()
