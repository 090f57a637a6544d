"""Infrastructure settings, read from the environment only (DESIGN §6).

The broker (``AMQP_URI``), its TLS options (``AMQP_SSL``) and the exchange
(``EVENTS_EXCHANGE``) come through nameko's config, which
``deploy/nameko.yaml`` fills from the environment, so RPC, the relay and
subscriptions always share one broker, reached the same way.

TLS to PostgreSQL needs nothing here: the store URL's query
(``?sslmode=verify-full&sslrootcert=/path/ca.crt``) goes through SQLAlchemy
to libpq unchanged, for every engine the services open."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg2  # type: ignore[import-untyped]
import sqlalchemy.exc
from amqp.exceptions import AMQPError
from eventsourcing import persistence
from kombu.exceptions import OperationalError

DEFAULT_EXCHANGE = "coordonare.events"
DEAD_LETTER_EXCHANGE = "coordonare.dead-letter"
# What sending to a broker that cannot be reached raises (refused, reset,
# gone mid-publish; kombu gives up after its retries).
BROKER_UNREACHABLE: tuple[type[Exception], ...] = (OSError, OperationalError, AMQPError)
# What a store that cannot be reached raises (PostgreSQL restarting or out of
# reach, a connection cut, a deadlock), as each layer names it: the DB-API's
# OperationalError and InterfaceError, through psycopg2, SQLAlchemy and the
# library. Across nameko, only the name survives (``RemoteError.exc_type``).
STORE_UNREACHABLE: tuple[type[Exception], ...] = (
    persistence.OperationalError,
    persistence.InterfaceError,
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
)


def amqp_ssl(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """TLS options for a kombu connection to ``config["AMQP_URI"]``: None for
    ``amqp://``; for ``amqps://`` the ``AMQP_SSL`` mapping (py-amqp's:
    ``ca_certs``, ``certfile``, ``keyfile``…) with the broker's name checked
    against its certificate unless ``server_hostname`` says otherwise
    (kombu puts the URI's host in for ``None``)."""
    uri, options = config["AMQP_URI"], config.get("AMQP_SSL")
    if urlsplit(uri).scheme != "amqps":
        if options:
            # kombu would then speak TLS to a plain port, and fail obscurely.
            raise RuntimeError(
                "AMQP_SSL is set but AMQP_URI is not amqps://: use amqps://… "
                "(port 5671) for TLS, or unset AMQP_SSL"
            )
        return None
    if options is not None and not isinstance(options, Mapping):
        raise RuntimeError(
            "AMQP_SSL must be a mapping of TLS options, e.g. "
            "{ca_certs: /etc/coordonare/tls/ca.crt, server_hostname: null}"
        )
    return {"server_hostname": None} | dict(options or {})


def client_config(amqp_uri: str) -> dict[str, Any]:
    """The nameko config of a command-line client (the demo seeding,
    ``coordonare-act``): the broker account given, and ``AMQP_SSL`` from the
    environment as the services read it (YAML, e.g. ``{ca_certs: …}``)."""
    import yaml

    config: dict[str, Any] = {"AMQP_URI": amqp_uri, "serializer": "json"}
    options = yaml.safe_load(os.environ.get("AMQP_SSL") or "null")
    if options:
        config["AMQP_SSL"] = options
    amqp_ssl(config)  # the same checks as the services' own connections
    return config


@dataclass(frozen=True)
class Settings:
    store_url: str
    relay_batch: int
    relay_poll_seconds: float

    @classmethod
    def from_env(cls, service: str) -> Settings:
        """``STORE_URL`` names the service's own database (``postgresql://…``
        or ``sqlite:///…`` for an embedded run); ``<SERVICE>_STORE_URL`` wins
        when several services share one environment."""
        store_url = os.environ.get(f"{service.upper()}_STORE_URL") or os.environ.get("STORE_URL")
        if not store_url:
            raise RuntimeError(
                f"no event store configured for {service}: set STORE_URL "
                f"(or {service.upper()}_STORE_URL), e.g. "
                f"postgresql://postgres@127.0.0.1:5432/coordonare_{service}"
            )
        return cls(
            store_url=store_url,
            relay_batch=int(os.environ.get("RELAY_BATCH", "500")),
            relay_poll_seconds=float(os.environ.get("RELAY_POLL_SECONDS", "1.0")),
        )


@dataclass(frozen=True)
class Batching:
    """How a subscription that is not urgent consumes (``events.subscribe``):
    up to ``size`` events in one transaction, waiting at most ``linger``
    seconds after the first for the others while events keep coming
    (``deadline``). The declaration gives the defaults; ``CONSUME_BATCH``
    (1 turns batching off) and ``CONSUME_LINGER_SECONDS`` win, for every
    batched subscription of the process. One declared unbatched (urgent)
    stays so whatever they say."""

    size: int
    linger: float

    @classmethod
    def from_env(cls, declared: Batching) -> Batching:
        if declared.size == 1:
            return declared
        size = int(os.environ.get("CONSUME_BATCH") or declared.size)
        linger = float(os.environ.get("CONSUME_LINGER_SECONDS") or declared.linger)
        if size < 1 or linger < 0:
            raise RuntimeError(
                f"CONSUME_BATCH must be ≥ 1 and CONSUME_LINGER_SECONDS ≥ 0 (got {size}, {linger})"
            )
        return cls(size, linger)

    def deadline(self, now: float, last_taken: float) -> float:
        """When a batch begun ``now`` is taken. Under a steady flow (its
        first event came within ``linger`` of the last batch taken), after
        ``linger``: each transaction, acknowledgement and relay step then
        serves many events, not one or two (issue 17, docs/scale.md). After
        a quiet spell, at once: an event that comes alone waits for none."""
        return now + self.linger if now - last_taken < self.linger else now


# The connections a store's pool opens beyond its workers': the relay, the
# checkpointer and a subscription's own consuming thread each hold one.
OWN_THREADS = 5


def store_pool(environ: Mapping[str, str] = os.environ) -> int:
    """How many connections one store of a process may hold at once: one
    per nameko worker (``MAX_WORKERS``, which ``deploy/nameko.yaml`` reads;
    10 by default) and the process's own threads, or ``STORE_POOL_SIZE``.
    Fewer than the workers would stall them: a worker holding an aggregate's
    fast-forward lock (eventsourcing's ``Repository.get``) before its unit
    has a connection waits for one, while the workers holding every
    connection wait for that lock, until the pool's timeout (issue 17)."""
    workers = int(environ.get("MAX_WORKERS") or 10)
    size = int(environ.get("STORE_POOL_SIZE") or workers + OWN_THREADS)
    if size < workers:
        raise RuntimeError(
            f"STORE_POOL_SIZE ({size}) must be at least MAX_WORKERS ({workers}): "
            "a worker waiting for a connection another worker cannot give back would stall"
        )
    return size
