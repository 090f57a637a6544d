"""A store that is down is a 503 with ``Retry-After``, never a 500 (issue
18): a service's (its answer says its store failed under the call) and the
gateway's own (the idempotency keys'); and a background job of the gateway
that failed on it leaves the gateway running. The whole county through a
PostgreSQL restart: tests/integration/test_store_restart.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from nameko.exceptions import RemoteError

from gateway.idempotency import IdempotencyStore
from gateway.problems import Problem, ServiceError
from gateway.service import surviving, wait


class Failed:
    """A call whose service answered with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def result(self) -> Any:
        raise self.error


@pytest.mark.parametrize("kind", ["OperationalError", "InterfaceError"])
def test_a_service_whose_store_failed_says_try_again(kind: str) -> None:
    lost = RemoteError(kind, "server closed the connection unexpectedly")
    with pytest.raises(Problem) as told:
        wait(Failed(lost), 5)
    assert told.value.status == 503 and told.value.code == "service_unavailable"
    assert int(told.value.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "error",
    [RemoteError("ValueError", "a bug"), ServiceError("events.errors.Conflict", "taken")],
    ids=["a fault", "a refusal"],
)
def test_any_other_answer_stays_what_it_was(error: Exception) -> None:
    with pytest.raises(RemoteError) as raised:
        wait(Failed(error), 5)
    assert raised.value is error


def test_the_gateways_own_store_down_says_try_again(tmp_path: Path) -> None:
    store = IdempotencyStore(f"sqlite:///{tmp_path / 'keys.db'}")
    store.close()
    # a server that is not there: no socket in an empty directory
    store.engine = sa.create_engine(f"postgresql://postgres@/keys?host={tmp_path}")
    for step in (
        lambda: store.claim("tech-1", "k-1", "print"),
        lambda: store.answer("tech-1", "k-1", 201, "{}"),
        lambda: store.release("tech-1", "k-1"),
    ):
        with pytest.raises(Problem) as told:
            step()
        assert told.value.status == 503 and told.value.headers["Retry-After"]
    store.close()


def test_a_background_job_that_failed_leaves_the_gateway_running() -> None:
    """nameko stops the whole gateway when a thread of its own raises."""
    done: list[str] = []

    def keep_late_answer() -> None:
        done.append("tried")
        raise sa.exc.OperationalError("UPDATE idempotent_requests", {}, OSError("down"))

    surviving(keep_late_answer)()  # raises nothing
    assert done == ["tried"]
