"""Production's way in: the county's identity provider (a Keycloak, say)
issues the tokens and publishes its keys at a JWKS URL; the gateway, with no
local issuer, verifies against those keys, reads the role from the claim
the county configures, and offers no login of its own. At the edges: rate
limits, the security headers, no library text in a 401, ``/metrics`` off the
public port, and the provider's keys refetched at most once a minute for a
key id it does not know."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from nameko.containers import ServiceContainer

from gateway.auth import NOT_VALID
from gateway.problems import unregister_service_errors
from gateway.service import GatewayService
from tests.bench.support import new_database
from tests.support.gateway import wait_healthy
from tests.support.services import free_port, nameko_config

ISSUER = "https://sso.cj.example/realms/dgaspc"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class IdentityProvider(BaseHTTPRequestHandler):
    """Serves the realm's public keys, as Keycloak does at .../certs, and
    counts how often it is asked."""

    fetches = 0

    def do_GET(self) -> None:
        IdentityProvider.fetches += 1
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        body = json.dumps({"keys": [jwk | {"kid": "realm-key", "use": "sig", "alg": "RS256"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Gateway:
    url: str
    admin: str  # the admin address: /metrics


@pytest.fixture(scope="module")
def gateway(amqp_uri) -> Iterator[Gateway]:
    provider = ThreadingHTTPServer(("127.0.0.1", 0), IdentityProvider)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    jwks_url = f"http://127.0.0.1:{provider.server_port}/realms/dgaspc/certs"
    with ExitStack() as cleanup, pytest.MonkeyPatch.context() as env:
        cleanup.callback(provider.shutdown)
        env.setenv("GATEWAY_STORE_URL", new_database(cleanup))
        env.delenv("GATEWAY_USERS_FILE", raising=False)
        env.setenv("GATEWAY_JWKS_URL", jwks_url)
        env.setenv("GATEWAY_JWT_ISSUER", ISSUER)
        env.setenv("GATEWAY_ROLE_CLAIM", "realm_access.roles")
        env.setenv("GATEWAY_MUNICIPALITY_CLAIM", "siruta")
        admin = f"127.0.0.1:{free_port()}"
        env.setenv("GATEWAY_ADMIN_ADDRESS", admin)
        # low limits, to reach them: each test below is a different person
        env.setenv("GATEWAY_PERSON_LIMIT", "20/minute")
        env.setenv("GATEWAY_LOGIN_LIMIT", "3/minute")
        env.setenv("GATEWAY_LOGIN_ADDRESS_LIMIT", "6/minute")
        config = nameko_config(amqp_uri)
        container = ServiceContainer(GatewayService, config)
        container.start()
        cleanup.callback(unregister_service_errors)
        cleanup.callback(container.stop)
        url = f"http://{config['WEB_SERVER_ADDRESS']}"
        wait_healthy(url, path="/live")
        yield Gateway(url, f"http://{admin}")


def token(key: rsa.RSAPrivateKey = KEY, kid: str = "realm-key", **claims: Any) -> str:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": "coordonare", "sub": "f3b1", "iat": now, "exp": now + 300}
    return jwt.encode(base | claims, key, algorithm="RS256", headers={"kid": kid})


def bearer(**claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(**claims)}"}


def test_a_token_of_the_countys_identity_provider_is_verified_by_its_keys(gateway: Gateway) -> None:
    head = token(siruta="57706", realm_access={"roles": ["offline_access", "spas_head"]})
    me = requests.get(f"{gateway.url}/me", headers={"Authorization": f"Bearer {head}"}, timeout=10)
    assert me.status_code == 200, me.text
    assert me.json() == {"id": "f3b1", "role": "spas_head", "municipality": "57706"}


def test_a_token_it_did_not_sign_or_for_another_realm_is_refused(gateway: Gateway) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad in (
        token(stranger, realm_access={"roles": ["county_admin"]}),
        token(iss="https://other.example/realms/x", realm_access={"roles": ["county_admin"]}),
        token(realm_access={"roles": ["system"]}),
    ):
        answer = requests.get(
            f"{gateway.url}/me", headers={"Authorization": f"Bearer {bad}"}, timeout=10
        )
        assert answer.status_code == 401 and answer.json()["code"] == "invalid_token"


def test_no_local_login_where_the_identity_provider_logs_people_in(gateway: Gateway) -> None:
    login = requests.post(
        f"{gateway.url}/auth/token", json={"username": "a", "password": "b"}, timeout=10
    )
    assert login.status_code == 404 and login.json()["code"] == "no_local_issuer"


def test_a_service_that_is_not_running_is_a_503_not_a_hang(gateway: Gateway) -> None:
    """No service runs behind this gateway: the broker says so at once."""
    head = token(siruta="57706", realm_access={"roles": ["spas_head"]})
    answer = requests.get(
        f"{gateway.url}/cases", headers={"Authorization": f"Bearer {head}"}, timeout=30
    )
    assert answer.status_code == 503 and answer.json()["code"] == "service_unavailable"
    assert "cases" in answer.json()["detail"]


def test_tokens_naming_unknown_keys_make_at_most_one_refetch_a_minute(gateway: Gateway) -> None:
    """A key id the provider does not publish (made up, or from a rotation
    not yet seen) may make the gateway ask again, but not for every token."""
    head = {"siruta": "57706", "realm_access": {"roles": ["spas_head"]}}
    assert requests.get(f"{gateway.url}/me", headers=bearer(**head), timeout=10).ok
    before = IdentityProvider.fetches
    for n in range(25):
        answer = requests.get(
            f"{gateway.url}/me", headers=bearer(kid=f"made-up-{n}", sub=f"kid{n}", **head),
            timeout=10,
        )
        assert answer.status_code == 401 and answer.json()["detail"] == NOT_VALID
    assert IdentityProvider.fetches - before <= 1
    assert requests.get(f"{gateway.url}/me", headers=bearer(**head), timeout=10).ok


def test_a_401_says_a_fixed_text_never_the_librarys(gateway: Gateway) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for authorization in (
        "Bearer not.a.token",
        "Bearer eyJhbGciOiJub25lIn0.e30.",
        f"Bearer {token(stranger, realm_access={'roles': ['auditor']})}",
        f"Bearer {token(aud='elsewhere', realm_access={'roles': ['auditor']})}",
    ):
        answer = requests.get(
            f"{gateway.url}/me", headers={"Authorization": authorization}, timeout=10
        )
        assert answer.status_code == 401, answer.text
        assert answer.json()["detail"] == NOT_VALID


def test_every_answer_carries_hsts_and_nosniff(gateway: Gateway) -> None:
    answers = [
        requests.get(f"{gateway.url}/me", headers=bearer(sub="hdr", realm_access={
            "roles": ["auditor"]}), timeout=10),
        requests.get(f"{gateway.url}/me", timeout=10),
        requests.get(f"{gateway.url}/no/such/route", timeout=10),
        requests.get(f"{gateway.url}/live", timeout=10),
        requests.get(f"{gateway.admin}/metrics", timeout=10),
    ]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff", answer.url
        assert answer.headers["Strict-Transport-Security"].startswith("max-age="), answer.url


def test_metrics_are_served_on_the_admin_address_not_the_public_port(gateway: Gateway) -> None:
    public = requests.get(f"{gateway.url}/metrics", timeout=10)
    assert public.status_code == 404 and public.json()["code"] == "no_such_route"
    admin = requests.get(f"{gateway.admin}/metrics", timeout=10)
    assert admin.status_code == 200 and "coordonare_gateway_requests_total" in admin.text
    assert requests.get(f"{gateway.admin}/me", timeout=10).status_code == 404


def test_one_person_over_the_limit_waits_the_others_do_not(gateway: Gateway) -> None:
    busy = bearer(sub="busy", realm_access={"roles": ["auditor"]})
    statuses = [
        requests.get(f"{gateway.url}/me", headers=busy, timeout=10).status_code
        for _ in range(21)
    ]
    assert statuses == [200] * 20 + [429]
    refused = requests.get(f"{gateway.url}/me", headers=busy, timeout=10)
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["code"] == "too_many_requests"
    assert refused.json()["retry_after"] == int(refused.headers["Retry-After"])
    other = bearer(sub="calm", realm_access={"roles": ["auditor"]})
    assert requests.get(f"{gateway.url}/me", headers=other, timeout=10).status_code == 200


def test_sign_in_is_limited_per_username_and_per_address(gateway: Gateway) -> None:
    """Counted before the password is even looked at: here no local issuer
    answers at all, and the limits still hold. (Earlier tests of this module
    signed in once from this address.)"""

    def sign_in(username: str) -> requests.Response:
        return requests.post(
            f"{gateway.url}/auth/token", json={"username": username, "password": "x"},
            timeout=10,
        )

    assert [sign_in("Ana").status_code for _ in range(3)] == [404] * 3
    refused = sign_in("ana")  # the same username, however it is cased
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) >= 1
    # other usernames, from the same address: the address's limit (6) is reached
    statuses = [sign_in(f"user{n}").status_code for n in range(3)]
    assert statuses[-1] == 429 and 404 in statuses
