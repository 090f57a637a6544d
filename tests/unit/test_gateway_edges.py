"""The gateway's edges without a network: the identity provider's keys
refetched at most once a minute for key ids it does not know (and after a
minute, a rotated key is found), the client's address behind trusted
proxies, and the rate limits' answer."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway import auth
from gateway.auth import ProviderKeys
from gateway.problems import Problem
from gateway.throttle import SweptMemoryStorage, Throttle, ThrottleSettings

OLD = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NEW = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return public | {"kid": kid, "use": "sig", "alg": "RS256"}


class Provider:
    """Stands in for ``PyJWKClient``: publishes ``keys``, counts fetches."""

    def __init__(self) -> None:
        self.keys = [jwk(OLD, "old")]
        self.fetches = 0

    def get_signing_keys(self, refresh: bool = False) -> list[jwt.PyJWK]:
        self.fetches += 1
        return list(jwt.PyJWKSet.from_dict({"keys": self.keys}).keys)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(monkeypatch) -> tuple[ProviderKeys, Provider, Clock]:
    clock = Clock()
    monkeypatch.setattr(auth.time, "monotonic", clock)
    keys = ProviderKeys("https://sso.example/certs")
    provider = Provider()
    keys.client = provider  # type: ignore[assignment]
    return keys, provider, clock


def signed(key: rsa.RSAPrivateKey, kid: str) -> str:
    return jwt.encode({"sub": "x"}, key, algorithm="RS256", headers={"kid": kid})


def test_unknown_key_ids_refetch_at_most_once_a_minute_then_a_rotated_key_is_found(world):
    keys, provider, clock = world
    assert keys.key_for(signed(OLD, "old")) is not None
    assert provider.fetches == 1
    provider.keys.append(jwk(NEW, "new"))  # the provider rotates
    for _ in range(50):  # within the minute: the new kid is unknown, no refetch
        with pytest.raises(jwt.InvalidKeyError):
            keys.key_for(signed(NEW, "new"))
        clock.now += 1.0
    assert provider.fetches == 1
    clock.now += 10.0  # a minute after the last fetch
    assert keys.key_for(signed(NEW, "new")) is not None
    assert provider.fetches == 2
    for n in range(100):  # made-up ids, many a minute: one fetch a minute at most
        with pytest.raises(jwt.InvalidKeyError):
            keys.key_for(signed(NEW, f"made-up-{n}"))
        clock.now += 3.0
    assert provider.fetches == 2 + 4  # at 60, 120, 180 and 240 s: one a minute


def test_known_keys_are_fetched_again_when_their_lifespan_is_over(world):
    keys, provider, clock = world
    keys.key_for(signed(OLD, "old"))
    clock.now += 299
    keys.key_for(signed(OLD, "old"))
    assert provider.fetches == 1
    clock.now += 2
    keys.key_for(signed(OLD, "old"))
    assert provider.fetches == 2


def test_a_provider_that_does_not_answer_is_not_asked_again_within_the_minute(world):
    keys, provider, clock = world
    keys.key_for(signed(OLD, "old"))

    def down(refresh: bool = False) -> list[jwt.PyJWK]:
        provider.fetches += 1
        raise jwt.PyJWKClientConnectionError("down")

    provider.get_signing_keys = down  # type: ignore[method-assign]
    clock.now += 301  # the keys' lifespan is over; the provider is down
    assert keys.key_for(signed(OLD, "old")) is not None  # the keys it had still serve
    for _ in range(30):
        with pytest.raises(jwt.InvalidKeyError):
            keys.key_for(signed(NEW, "new"))
        clock.now += 1
    assert provider.fetches == 2


def test_the_clients_address_is_the_one_the_trusted_proxy_saw():
    direct = Throttle(ThrottleSettings())
    assert direct.client_address("10.0.0.9", "6.6.6.6") == "10.0.0.9"  # no proxy trusted
    behind = Throttle(ThrottleSettings(forwarded_hops=1))
    # what the client wrote itself (left) is not believed; the ingress appended the peer
    assert behind.client_address("10.0.0.9", "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert behind.client_address("10.0.0.9", None) == "10.0.0.9"


def test_over_the_limit_a_429_problem_with_retry_after():
    throttle = Throttle(ThrottleSettings(per_person="2/minute"))
    throttle.request("ana")
    throttle.request("ana")
    with pytest.raises(Problem) as refused:
        throttle.request("ana")
    problem = refused.value
    assert (problem.status, problem.code) == (429, "too_many_requests")
    assert 1 <= int(problem.headers["Retry-After"]) <= 60
    throttle.request("ion")  # another person is not held back


def test_expired_counts_are_swept_a_second_apart_not_every_10_ms():
    throttle = Throttle(ThrottleSettings(per_person="2/second"))
    storage = throttle.limiter.storage
    assert isinstance(storage, SweptMemoryStorage)
    time.sleep(0.05)  # the library's first timer, started with the storage, has run
    throttle.request("ana")
    # the library called this storage's schedule, not its own 10 ms one
    assert storage.timer.interval == SweptMemoryStorage.SWEEP_SECONDS
    storage.timer.cancel()
    storage.SWEEP_SECONDS = 0.05  # (this test's patience)
    throttle.request("ana")
    with pytest.raises(Problem):
        throttle.request("ana")
    time.sleep(1.1)  # both entries expired; nothing swept them yet
    throttle.request("ana")  # counted by the times: allowed again, and a sweep due
    time.sleep(0.3)
    assert sum(len(entries) for entries in storage.events.values()) == 1
