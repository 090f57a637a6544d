"""The gateway alone, without a network: one technician, Ana, and her
coordinator, Maria, signing in to its local issuer; a stand-in for the
services that answers every call; its RPC waits and its work for later in
the story's hands (``a_gateway``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.api import Gateway
from gateway.auth import TokenSettings, TokenVerifier
from gateway.calls import Settings
from gateway.idempotency import IdempotencyStore
from gateway.issuer import LocalIssuer, load_or_make_key, load_users
from gateway.refused import GatewayApplication
from gateway.route import EVERYONE, SOCIAL_WORKER, command

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
DELEGATE = command(
    "/technicians/{technician_id}/tasks",
    "coordination",
    "delegate_task",
    frozenset({SOCIAL_WORKER}),
    "",
    tag="t",
    created=True,
)


class SlowOutcome:
    def __init__(self, answer: Any = None) -> None:
        self.answer = answer or {"risk_id": "r-1", "status": "reported"}

    def result(self) -> Any:
        return self.answer


class SlowService:
    """Answers every call, and notes the command id each went under."""

    def __init__(self) -> None:
        self.command_ids: list[str | None] = []

    def call(
        self, service: str, operation: str, actor: dict, payload: dict, *, command: bool, **how: Any
    ):
        self.command_ids.append(how.get("command_id"))
        if operation == "coordination_of":  # Maria coordinates the technician
            return SlowOutcome({"technician_id": "tech-1", "coordinator_id": "sw-1"})
        return SlowOutcome()

    @property
    def calls(self) -> int:
        return len(self.command_ids)


def a_gateway(
    tmp_path: Path,
    waits: list[Any],
    later: list[Any],
    in_progress: float = 35,
    route: Any = REPORT,
    path: str = "/cases/c-1/urgent-risks",
    username: str = "ana",
    refusals: GatewayApplication | None = None,
):
    """The gateway of one technician, Ana, and her coordinator, Maria, whose
    RPC waits go as ``waits`` says (a ``Timeout``, or None: the answer
    came), and whose work for later (the late answer's completion) is kept
    in ``later``; ``post`` sends ``route`` on ``path`` as ``username``;
    its refusals are stored in ``refusals``."""
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
                    },
                    {
                        "username": "maria",
                        "password_hash": PasswordHasher().hash("demo-maria"),
                        "sub": "sw-1",
                        "role": "social_worker",
                        "municipality": None,
                    },
                ]
            }
        )
    )
    issuer = LocalIssuer(load_users(users), load_or_make_key(tmp_path / "k.pem"), SETTINGS)
    planned = iter(waits)

    def wait(outcome: Any, seconds: float) -> Any:
        slow = next(planned, None)
        if slow is not None:
            raise slow
        return outcome.result()

    store = IdempotencyStore(f"sqlite:///{tmp_path / 'keys.db'}", in_progress_seconds=in_progress)
    service = SlowService()
    gateway = Gateway(
        [route],
        TokenVerifier(SETTINGS, issuer.key_for),
        issuer=issuer,
        idempotency=store,
        settings=Settings(rpc_timeout_seconds=0.01),
        local={},
        wait=wait,
        later=later.append,
    ).bound(service, refusals)
    token = issuer.token(username, f"demo-{username}")["access_token"]

    def post() -> Any:
        environ = EnvironBuilder(
            method="POST",
            path=path,
            json={"category": "abuse"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"},
        ).get_environ()
        return gateway.handle(Request(environ), {})

    return post, service, store
