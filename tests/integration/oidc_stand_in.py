"""A stand-in for the county's identity provider (``oidc-provider-mock``, a
Flask app), in a process of its own: ``python -m
tests.integration.oidc_stand_in PORT``. Like Keycloak it issues access
tokens that are JWTs signed with its published keys (the gateway verifies
them against ``/jwks``), carrying ``role``, ``municipality`` and
``aud=coordonare``. It records what each authorization and token request
carried (``GET /recorded``), so a test can see the PKCE challenge and
verifier. It stops when its standard input closes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask
from authlib.jose import jwt
from oidc_provider_mock import User, init_app
from werkzeug.serving import make_server

from tests.support.services import free_port
from tests.support.web_county import WebCounty, web_county

# who may sign in, as the county's directory would have them
USERS = [
    User(
        sub="tehnician.cluj",
        claims={"name": "Ioana Pop", "role": "technician", "municipality": "54975"},
    ),
    User(sub="asistent.cluj", claims={"name": "Mihai Rus", "role": "social_worker"}),
    User(sub="fara.rol", claims={"name": "Fără Rol"}),
]
recorded: list[dict[str, Any]] = []


def access_token(client: Any, grant_type: str, user: User, scope: str) -> str:
    """A JWT the gateway's TokenVerifier accepts (the mock's own are opaque)."""
    key = flask.g.oidc_provider_mock_storage.jwk
    now = int(time.time())
    claims = {
        "iss": flask.request.host_url.rstrip("/"),
        "sub": user.sub,
        "aud": "coordonare",
        "iat": now,
        "exp": now + 3600,
        **{k: v for k, v in user.claims.items() if k in ("role", "municipality")},
    }
    header = {"alg": "RS256", "kid": key.as_dict()["kid"]}
    return jwt.encode(header, claims, key).decode()


def create() -> flask.Flask:
    app = flask.Flask("oidc_provider_mock")  # its templates: the consent page
    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = access_token
    init_app(app, user_claims=USERS, require_nonce=True)

    @app.before_request
    def record() -> None:
        if flask.request.path in ("/oauth2/authorize", "/oauth2/token"):
            recorded.append(
                {"path": flask.request.path, **flask.request.args.to_dict(), **flask.request.form}
            )

    app.add_url_rule("/recorded", "recorded", lambda: flask.jsonify(recorded))
    return app


@contextmanager
def county_with_provider(amqp_uri: str, tmp: Path) -> Iterator[tuple[WebCounty, str]]:
    """The demo county whose gateway signs people in with a stand-in
    provider started for it; the county and the provider's issuer."""
    port = free_port()
    provider = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "tests.integration.oidc_stand_in", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert provider.stdout is not None and provider.stdout.readline().strip() == "ready"
        issuer = f"http://127.0.0.1:{port}"
        settings = {
            "GATEWAY_JWKS_URL": f"{issuer}/jwks",
            "WEB_OIDC_ISSUER": issuer,
            "WEB_OIDC_CLIENT_ID": "coordonare",
            "WEB_OIDC_CLIENT_SECRET": "secretul-clientului",
        }
        with web_county(amqp_uri, tmp, **settings) as county:
            yield county, issuer
    finally:
        assert provider.stdin is not None
        provider.stdin.close()
        provider.wait(20)


def main() -> None:
    server = make_server("127.0.0.1", int(sys.argv[1]), create(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes it
    server.shutdown()


if __name__ == "__main__":
    main()
