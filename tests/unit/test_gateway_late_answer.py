"""A command the service answers only after the gateway stopped waiting:
the client is told 504, its key stays claimed, and the answer that comes
later is kept for the retry, which then acts on nothing twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.api import Gateway
from gateway.auth import TokenSettings, TokenVerifier
from gateway.calls import Settings, Timeout
from gateway.idempotency import IdempotencyStore
from gateway.issuer import LocalIssuer, load_or_make_key, load_users
from gateway.route import EVERYONE, command

SETTINGS = TokenSettings(None, "coordonare", "role", "municipality")
REPORT = command(
    "/cases/{case_id}/urgent-risks",
    "cases",
    "report_urgent_risk",
    EVERYONE,
    "",
    tag="t",
    created=True,
)


class SlowOutcome:
    def result(self) -> Any:
        return {"risk_id": "r-1", "status": "reported"}


class SlowService:
    def __init__(self) -> None:
        self.calls = 0

    def call(self, service: str, operation: str, actor: dict, payload: dict, *, command: bool):
        self.calls += 1
        return SlowOutcome()


def test_an_answer_that_comes_late_is_kept_for_the_retry(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    users.write_text(
        json.dumps(
            {
                "users": [
                    {
                        "username": "ana",
                        "password_hash": PasswordHasher().hash("demo-ana"),
                        "sub": "tech-1",
                        "role": "technician",
                        "municipality": "54975",
                    }
                ]
            }
        )
    )
    issuer = LocalIssuer(load_users(users), load_or_make_key(tmp_path / "k.pem"), SETTINGS)
    later: list = []
    waits = iter([Timeout(), None])

    def wait(outcome: Any, seconds: float) -> Any:
        slow = next(waits)
        if slow is not None:
            raise slow
        return outcome.result()

    store = IdempotencyStore(f"sqlite:///{tmp_path / 'keys.db'}")
    service = SlowService()
    gateway = Gateway(
        [REPORT],
        TokenVerifier(SETTINGS, issuer.key_for),
        issuer=issuer,
        idempotency=store,
        settings=Settings(rpc_timeout_seconds=0.01),
        local={},
        wait=wait,
        later=later.append,
    ).bound(service)
    token = issuer.token("ana", "demo-ana")["access_token"]

    def post() -> Any:
        environ = EnvironBuilder(
            method="POST",
            path="/cases/c-1/urgent-risks",
            json={"category": "abuse"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"},
        ).get_environ()
        return gateway.handle(Request(environ), {})

    first = post()
    assert first.status_code == 504 and first.json["code"] == "upstream_timeout"
    assert post().json["code"] == "request_in_progress"  # the outcome is not known yet
    (complete,) = later
    complete()  # the service's answer arrives
    retried = post()
    assert retried.status_code == 201 and retried.headers["Idempotency-Replayed"] == "true"
    assert retried.json == {"risk_id": "r-1", "status": "reported"}
    assert service.calls == 1
    store.close()
