"""Replicas start safely: two replicas of a service started at the same
moment on a fresh store both come up. Each makes the store's tables if they
are missing (events, tracking, the unique aggregate index, the relay's
position), and two doing so at once must not make one of them crash."""

import os
import subprocess
import sys
import time
from collections.abc import Callable

# One replica's start, as events/nameko.py does it: the application, then its
# relay (which makes relay_positions). Both wait for the same instant, so
# their table creation overlaps.
REPLICA = """
import sys, time
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay
from services.coordination.application import CoordinationApplication
from services.coordination.published import publication_of

store_url, start_at = sys.argv[1], float(sys.argv[2])
time.sleep(max(start_at - time.time(), 0))
app = CoordinationApplication(store_url)
relay = OutboxRelay(
    "coordination", app, publication_of, ConfirmedPublisher("amqp://unused", "unused")
)
print("up at", relay.position)
app.close()
"""


def start_together(store_url: str, replicas: int = 2) -> list[tuple[int, str]]:
    """Starts the replicas as separate processes; their exit codes and output."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    # late enough for every interpreter to have imported everything
    start_at = f"{time.time() + 4.0:.3f}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, store_url, start_at],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(replicas)
    ]
    return [(p.wait(timeout=120), p.communicate()[0]) for p in processes]


def test_two_replicas_started_together_on_a_fresh_store_both_come_up(
    make_store: Callable[[], str],
) -> None:
    for _ in range(3):  # a race: a few fresh stores, so one lucky run proves nothing
        outcomes = start_together(make_store())
        for code, output in outcomes:
            assert code == 0, output
            assert "up at 0" in output, output
