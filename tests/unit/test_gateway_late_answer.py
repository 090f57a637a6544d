"""A command the service answers only after the gateway stopped waiting:
the client is told 504, its key stays claimed, and the answer that comes
later is kept for the retry, which then acts on nothing twice; an answer
that never comes is asked for again under the command's id; a relation the
gateway could not check in time is a 503 to try again (issue 18)."""

from __future__ import annotations

import time
from pathlib import Path

from gateway.calls import Timeout
from tests.support.gateway_alone import DELEGATE, a_gateway


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
