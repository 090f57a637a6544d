"""Production's way in: the county's identity provider (a Keycloak, say)
issues the tokens and publishes its keys at a JWKS URL; the gateway, with no
local issuer, verifies against those keys, reads the role from the claim
the county configures, and offers no login of its own."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from nameko.containers import ServiceContainer

from gateway.problems import unregister_service_errors
from gateway.service import GatewayService
from tests.bench.support import new_database
from tests.support.gateway import wait_healthy
from tests.support.services import nameko_config

ISSUER = "https://sso.cj.example/realms/dgaspc"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class IdentityProvider(BaseHTTPRequestHandler):
    """Serves the realm's public keys, as Keycloak does at .../certs."""

    def do_GET(self) -> None:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        body = json.dumps({"keys": [jwk | {"kid": "realm-key", "use": "sig", "alg": "RS256"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def gateway(amqp_uri) -> Iterator[str]:
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
        config = nameko_config(amqp_uri)
        container = ServiceContainer(GatewayService, config)
        container.start()
        cleanup.callback(unregister_service_errors)
        cleanup.callback(container.stop)
        url = f"http://{config['WEB_SERVER_ADDRESS']}"
        wait_healthy(url, path="/live")
        yield url


def token(key: rsa.RSAPrivateKey = KEY, **claims: Any) -> str:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": "coordonare", "sub": "f3b1", "iat": now, "exp": now + 300}
    return jwt.encode(base | claims, key, algorithm="RS256", headers={"kid": "realm-key"})


def test_a_token_of_the_countys_identity_provider_is_verified_by_its_keys(gateway: str) -> None:
    head = token(siruta="57706", realm_access={"roles": ["offline_access", "spas_head"]})
    me = requests.get(f"{gateway}/me", headers={"Authorization": f"Bearer {head}"}, timeout=10)
    assert me.status_code == 200, me.text
    assert me.json() == {"id": "f3b1", "role": "spas_head", "municipality": "57706"}


def test_a_token_it_did_not_sign_or_for_another_realm_is_refused(gateway: str) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad in (
        token(stranger, realm_access={"roles": ["county_admin"]}),
        token(iss="https://other.example/realms/x", realm_access={"roles": ["county_admin"]}),
        token(realm_access={"roles": ["system"]}),
    ):
        answer = requests.get(
            f"{gateway}/me", headers={"Authorization": f"Bearer {bad}"}, timeout=10
        )
        assert answer.status_code == 401 and answer.json()["code"] == "invalid_token"


def test_no_local_login_where_the_identity_provider_logs_people_in(gateway: str) -> None:
    login = requests.post(
        f"{gateway}/auth/token", json={"username": "a", "password": "b"}, timeout=10
    )
    assert login.status_code == 404 and login.json()["code"] == "no_local_issuer"


def test_a_service_that_is_not_running_is_a_503_not_a_hang(gateway: str) -> None:
    """No service runs behind this gateway: the broker says so at once."""
    head = token(siruta="57706", realm_access={"roles": ["spas_head"]})
    answer = requests.get(
        f"{gateway}/cases", headers={"Authorization": f"Bearer {head}"}, timeout=30
    )
    assert answer.status_code == 503 and answer.json()["code"] == "service_unavailable"
    assert "cases" in answer.json()["detail"]
