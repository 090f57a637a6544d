"""Replicas start safely: two replicas of a service started at the same
moment on a fresh store both come up. Each makes the store's tables if they
are missing (events, tracking, the unique aggregate index, the relay's
position; the cases service's key table too), and two doing so at once must
not make one of them crash."""

import base64
import os
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy.engine import make_url

from services.cases.master_keys import keys_url_for

# One replica's start, as events/nameko.py does it: the application, then its
# relay (which makes relay_positions). Both wait for the same instant, so
# their table creation overlaps.
REPLICA = """
import importlib, sys, time
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay

service, store_url, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
application = importlib.import_module(f"services.{service}.application")
published = importlib.import_module(f"services.{service}.published")
factory = getattr(application, f"{service.capitalize()}Application")
time.sleep(max(start_at - time.time(), 0))
app = factory(store_url)
relay = OutboxRelay(
    service, app, published.publication_of, ConfirmedPublisher("amqp://unused", "unused")
)
print("up at", relay.position)
app.close()
"""


def start_together(service: str, store_url: str, replicas: int = 2) -> list[tuple[int, str]]:
    """Starts the replicas as separate processes; their exit codes and output."""
    env = {
        **os.environ,
        "PYTHONPATH": os.getcwd(),
        "CASES_MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    # late enough for every interpreter to have imported everything
    start_at = f"{time.time() + 4.0:.3f}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, service, store_url, start_at],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(replicas)
    ]
    return [(p.wait(timeout=120), p.communicate()[0]) for p in processes]


def both_come_up(outcomes: list[tuple[int, str]]) -> None:
    for code, output in outcomes:
        assert code == 0, output
        assert "up at 0" in output, output


def test_two_replicas_started_together_on_a_fresh_store_both_come_up(
    make_store: Callable[..., str],
) -> None:
    for _ in range(3):  # a race: a few fresh stores, so one lucky run proves nothing
        both_come_up(start_together("coordination", make_store()))


def test_two_cases_replicas_also_make_the_key_table_together(
    make_store: Callable[..., str],
) -> None:
    for _ in range(2):
        store = make_store()
        make_store(make_url(keys_url_for(store)).database)  # the key database, empty
        both_come_up(start_together("cases", store))
