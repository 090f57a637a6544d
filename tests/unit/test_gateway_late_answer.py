"""A command the service answers only after the gateway stopped waiting:
the client is told 504, its key stays claimed, and the answer that comes
later is kept for the retry, which then acts on nothing twice; an answer
that never comes is asked for again under the command's id; a relation the
gateway could not check in time is a 503 to try again (issue 18)."""

from __future__ import annotations

import json
import time
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
):
    """The gateway of one technician, Ana, and her coordinator, Maria, whose
    RPC waits go as ``waits`` says (a ``Timeout``, or None: the answer
    came), and whose work for later (the late answer's completion) is kept
    in ``later``; ``post`` sends ``route`` on ``path`` as ``username``."""
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
    ).bound(service)
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


def test_an_answer_that_comes_late_is_kept_for_the_retry(tmp_path: Path) -> None:
    later: list = []
    post, service, store = a_gateway(tmp_path, [Timeout()], later)
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


def test_an_answer_lost_for_good_is_asked_again_under_the_same_command(tmp_path: Path) -> None:
    """The first answer never comes (the service died after its commit, or
    the gateway that waited did). While it might still come, a retry is told
    to wait; past the time limit the retry sends the command again, under
    the same command id, so the service answers with what it recorded
    (``events.commands``) instead of acting a second time."""
    later: list = []
    post, service, store = a_gateway(tmp_path, [Timeout()], later, in_progress=0.2)
    assert post().status_code == 504
    later.clear()  # the late answer never arrives
    waiting = post()
    assert waiting.status_code == 409 and waiting.headers["Retry-After"] == "2"
    time.sleep(0.25)
    retried = post()
    assert retried.status_code == 201 and retried.json == {"risk_id": "r-1", "status": "reported"}
    first_id, second_id = service.command_ids
    assert first_id == second_id and first_id is not None
    replayed = post()  # and from then on, the kept answer
    assert replayed.headers["Idempotency-Replayed"] == "true" and service.calls == 2
    store.close()


def test_a_relation_unchecked_in_time_is_tried_again_and_never_a_500(tmp_path: Path) -> None:
    """Maria delegates a task to a technician: the gateway first asks the
    coordination service whether she coordinates them (``gateway.scope``).
    That service killed and not yet back, the question has no answer in
    time: a 503 with Retry-After, nothing sent, the key not taken; the retry
    is checked and sent (issue 18)."""
    later: list = []
    post, service, store = a_gateway(
        tmp_path, [Timeout()], later, route=DELEGATE, path="/technicians/tech-1/tasks",
        username="maria",
    )  # fmt: skip
    first = post()
    assert first.status_code == 503 and first.json["code"] == "service_unavailable"
    assert int(first.headers["Retry-After"]) > 0
    assert service.command_ids == [None]  # the relation asked; no command sent
    retried = post()
    assert retried.status_code == 201 and "Idempotency-Replayed" not in retried.headers
    assert service.calls == 3 and later == []  # asked again, then the command, once
    store.close()
