"""A private vhost on the real broker, with a user of its own allowed
everything there and nothing elsewhere (no ``guest``), for a test module or
a benchmark run; removed when ``cleanup`` closes."""

from __future__ import annotations

import subprocess
import time
import uuid
from contextlib import ExitStack
from urllib.parse import urlsplit

from events import broker


def rabbitmqctl(*args: str, attempts: int = 3) -> None:
    """``rabbitmqctl`` (its own Erlang node each call), tried again when it
    fails: on a loaded machine its call to the broker's node can time out."""
    for attempt in range(1, attempts + 1):
        done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True)
        if done.returncode == 0:
            return
        if args[0].startswith("delete_") and "does not exist" in done.stderr:
            return  # an earlier attempt did it before timing out
        if attempt == attempts:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stderr.strip()}")
        time.sleep(attempt)


def private_vhost(base_uri: str, prefix: str, cleanup: ExitStack) -> str:
    """The AMQP URI of a new vhost ``<prefix>-<random>``. With credentials in
    ``base_uri`` (an account made for the caller) that user is given the
    vhost; without, a user named after the vhost is made for it."""
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    base = urlsplit(base_uri)
    user, password = base.username, base.password
    if user is None:
        user, password = name, uuid.uuid4().hex
        rabbitmqctl("add_user", user, password)
        cleanup.callback(rabbitmqctl, "delete_user", user)
    rabbitmqctl("add_vhost", name)
    cleanup.callback(rabbitmqctl, "delete_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
    return broker.account_uri(base_uri, user, password or "", name)
