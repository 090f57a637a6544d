"""Rate limits: on signing in (per username and per client address), so a
password cannot be guessed at speed, and per person on the API, so one
token cannot flood the services. Over a limit: 429 with ``Retry-After``.

The counting is the ``limits`` library's moving window. Its storage is a
URI: ``memory://`` (the default) counts in each gateway replica alone, so
with N replicas behind a balancer a client gets up to N times the limit;
``redis://…`` or ``memcached://…`` share the counts between replicas.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from gateway.problems import Problem


@dataclass(frozen=True)
class ThrottleSettings:
    """Limits in the ``limits`` notation: "10/minute", "600 per 1 minute"."""

    login_per_username: str = "10/minute"
    login_per_address: str = "30/minute"
    per_person: str = "600/minute"
    storage: str = "memory://"
    # proxies in front of the gateway whose X-Forwarded-For is believed (0:
    # the socket's peer is the client)
    forwarded_hops: int = 0

    @classmethod
    def from_env(cls) -> ThrottleSettings:
        given = os.environ.get
        return cls(
            login_per_username=given("GATEWAY_LOGIN_LIMIT", cls.login_per_username),
            login_per_address=given("GATEWAY_LOGIN_ADDRESS_LIMIT", cls.login_per_address),
            per_person=given("GATEWAY_PERSON_LIMIT", cls.per_person),
            storage=given("GATEWAY_RATE_LIMIT_STORAGE", cls.storage),
            forwarded_hops=int(given("GATEWAY_FORWARDED_HOPS", "0")),
        )


class SweptMemoryStorage(MemoryStorage):
    """``limits``' memory storage, its expired entries swept every
    ``SWEEP_SECONDS`` instead of every 10 ms. The library starts a timer
    thread each 10 ms while it holds any entry, a minute after a person's
    last request: a third of a millisecond of the gateway's CPU per request
    under load, and 1 % of a core when idle (issue 17). The sweep only gives
    memory back: a window's count reads its entries' times, so limits and
    ``Retry-After`` are the same; a list holds at most a second more."""

    SWEEP_SECONDS = 1.0

    # the library's private hook (name-mangled); tests/unit/test_gateway_edges.py
    # proves this override is the one it calls
    def _MemoryStorage__schedule_expiry(self) -> None:
        if not self.timer.is_alive():
            sweep = self._MemoryStorage__expire_events  # type: ignore[attr-defined]
            self.timer = threading.Timer(self.SWEEP_SECONDS, sweep)
            self.timer.daemon = True
            self.timer.start()


def rate_storage(uri: str) -> Storage:
    if uri == "memory://":
        return SweptMemoryStorage()
    storage = storage_from_string(uri)
    assert isinstance(storage, Storage)  # a synchronous one: the URI is not async+…
    return storage


class Throttle:
    def __init__(self, settings: ThrottleSettings) -> None:
        self.settings = settings
        self.limiter = MovingWindowRateLimiter(rate_storage(settings.storage))
        self.login_username: RateLimitItem = parse(settings.login_per_username)
        self.login_address: RateLimitItem = parse(settings.login_per_address)
        self.person: RateLimitItem = parse(settings.per_person)

    def sign_in(self, address: str, username: str) -> None:
        """Every attempt counts, right or wrong: a guesser learns nothing
        from which attempts were refused."""
        self._hit(self.login_address, "login-address", address)
        self._hit(self.login_username, "login-username", username.strip().casefold())

    def request(self, person_id: str) -> None:
        self._hit(self.person, "person", person_id)

    def client_address(self, remote_addr: str | None, forwarded_for: str | None) -> str:
        """The client as the nearest trusted proxy saw it: with N hops, the
        N-th address from the right of X-Forwarded-For (what a client writes
        to its left is not believed)."""
        hops = self.settings.forwarded_hops
        if hops > 0 and forwarded_for:
            chain = [a.strip() for a in forwarded_for.split(",") if a.strip()]
            if len(chain) >= hops:
                return chain[-hops]
        return remote_addr or "unknown"

    def _hit(self, item: RateLimitItem, kind: str, key: str) -> None:
        if self.limiter.hit(item, kind, key):
            return
        reset_at, _ = self.limiter.get_window_stats(item, kind, key)
        raise too_many(max(1, math.ceil(reset_at - time.time())), kind)


WHAT = {
    "login-address": (
        "Prea multe încercări de autentificare de la această adresă. / "
        "Too many sign-in attempts from this address."
    ),
    "login-username": (
        "Prea multe încercări de autentificare pentru acest utilizator. / "
        "Too many sign-in attempts for this username."
    ),
    "person": "Prea multe cereri. / Too many requests.",
}


def too_many(retry_after: int, kind: str) -> Problem:
    problem = Problem(
        429,
        "too_many_requests",
        "Too many requests",
        f"{WHAT[kind]} Reîncercați peste {retry_after} s. / Retry in {retry_after} s.",
        retry_after=retry_after,
    )
    problem.headers["Retry-After"] = str(retry_after)
    return problem
