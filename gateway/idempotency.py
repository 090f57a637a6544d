"""Idempotency keys on POST (``Idempotency-Key`` header): a retried request
with the same key never acts twice; it gets the first answer again.

Keys are per person and kept ``GATEWAY_IDEMPOTENCY_HOURS`` (24 by default)
in the gateway's own database (``GATEWAY_STORE_URL``: PostgreSQL, or SQLite
for an embedded run), so every gateway replica sees them and a restart
forgets none. A key is claimed before the command is forwarded; the answer
is stored when it comes.

A retry while the first request may still be waiting for its answer (within
the RPC time limit) is ``409 request_in_progress``. Past it, the answer was
lost (the service died after its commit, or the gateway did): the retry takes
the key over and sends the command again, under the same command id
(``gateway.calls.Claim``), so the service answers with the outcome it
recorded, or acts if the command never reached its store (issue 18,
``events.commands``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from events.config import STORE_UNREACHABLE
from events.schema import schema_lock
from gateway.problems import Problem, unavailable

log = logging.getLogger(__name__)
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft expects

metadata = sa.MetaData()
requests = sa.Table(
    "idempotent_requests",
    metadata,
    sa.Column("principal", sa.String(200), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=True),  # null: outcome not yet known
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The same request: same method, path and JSON content (key order and
    spacing aside)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body.decode("latin-1")
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str) -> str:
    if not KEY.match(key):
        raise Problem(
            400,
            "invalid_idempotency_key",
            "Bad request",
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )
    return key


@contextmanager
def reachable() -> Iterator[None]:
    """The store failing under a request (PostgreSQL restarting or out of
    reach) as the 503 it is, not a 500: a claim not made acted on nothing;
    an answer not kept leaves its key claimed, and the retry that takes it
    over gets the service's recorded outcome (``events.commands``)."""
    try:
        yield
    except STORE_UNREACHABLE as error:
        log.warning("the idempotency keys' store failed: %s", error)
        raise unavailable("the gateway's store cannot be reached now; try again shortly") from None


class IdempotencyStore:
    def __init__(self, url: str, keep_hours: float = 24, in_progress_seconds: float = 35) -> None:
        pooled = {} if url.startswith("sqlite") else {"pool_size": 20, "max_overflow": 20}
        self.engine = sa.create_engine(url, pool_pre_ping=True, **pooled)
        self.keep = timedelta(hours=keep_hours)
        # as long as the first request may still be waiting for its answer
        self.in_progress = timedelta(seconds=in_progress_seconds)
        self._insert = (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert
        with schema_lock(self.engine):  # two gateway replicas may start together
            metadata.create_all(self.engine)

    def claim(self, principal: str, key: str, print_: str) -> Answer | None:
        """None: the key is now this request's to act on. Otherwise the stored
        answer of the first request with this key."""
        now = datetime.now(UTC)
        insert = self._insert(requests).values(
            principal=principal, key=key, fingerprint=print_, created_at=now
        )
        with reachable(), self.engine.begin() as db:
            if db.execute(insert.on_conflict_do_nothing()).rowcount == 1:
                return None
            row = db.execute(
                sa.select(requests).where(requests.c.principal == principal, requests.c.key == key)
            ).one()
        if row.fingerprint != print_:
            raise Problem(
                422,
                "idempotency_key_reused",
                "Idempotency key reused",
                "this Idempotency-Key was used for a different request; use a new key",
            )
        if row.status is None:
            if self._taken_over(principal, key, row.created_at, now):
                return None
            problem = Problem(
                409,
                "request_in_progress",
                "Request in progress",
                "the first request with this Idempotency-Key has no known outcome yet; "
                "try again shortly",
            )
            problem.headers["Retry-After"] = "2"
            raise problem
        return Answer(row.status, row.body)

    def _taken_over(self, principal: str, key: str, claimed: datetime, now: datetime) -> bool:
        """The key is this request's now, when its first request's answer is
        past waiting for (and no other retry took it over first)."""
        at = claimed if claimed.tzinfo is not None else claimed.replace(tzinfo=UTC)  # SQLite
        if now - at < self.in_progress:
            return False
        with reachable(), self.engine.begin() as db:
            taken = db.execute(
                sa.update(requests)
                .where(
                    requests.c.principal == principal,
                    requests.c.key == key,
                    requests.c.status.is_(None),
                    requests.c.created_at == claimed,
                )
                .values(created_at=now)
            )
        return taken.rowcount == 1

    def answer(self, principal: str, key: str, status: int, body: str) -> None:
        with reachable(), self.engine.begin() as db:
            db.execute(
                sa.update(requests)
                .where(requests.c.principal == principal, requests.c.key == key)
                .values(status=status, body=body)
            )

    def release(self, principal: str, key: str) -> None:
        """The command certainly did not act (the gateway failed before or the
        service refused with an internal error): a retry may act."""
        with reachable(), self.engine.begin() as db:
            db.execute(
                sa.delete(requests).where(requests.c.principal == principal, requests.c.key == key)
            )

    def forget_old(self) -> int:
        with self.engine.begin() as db:
            deleted = db.execute(
                sa.delete(requests).where(requests.c.created_at < datetime.now(UTC) - self.keep)
            )
        return deleted.rowcount

    def close(self) -> None:
        self.engine.dispose()
