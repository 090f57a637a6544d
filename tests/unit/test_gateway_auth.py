"""Who is calling: the local issuer's logins and the verification of bearer
tokens (any RS256 issuer's), down to the claims a county's Keycloak sends."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric import rsa

from gateway.auth import Principal, TokenSettings, TokenVerifier
from gateway.issuer import LocalIssuer, load_or_make_key, load_users
from gateway.problems import Problem

SETTINGS = TokenSettings(
    issuer=None, audience="coordonare", role_claim="role", municipality_claim="municipality"
)


@pytest.fixture
def issuer(tmp_path: Path) -> LocalIssuer:
    users = tmp_path / "users.json"
    hasher = PasswordHasher()
    users.write_text(
        json.dumps(
            {
                "users": [
                    {
                        "username": "ana",
                        "password_hash": hasher.hash("demo-ana"),
                        "sub": "tech-1",
                        "role": "technician",
                        "municipality": "54975",
                        "name": "Ana",
                    },
                    {
                        "username": "judet",
                        "password_hash": hasher.hash("demo-judet"),
                        "sub": "county-1",
                        "role": "county_admin",
                        "municipality": None,
                    },
                ]
            }
        )
    )
    return LocalIssuer(load_users(users), load_or_make_key(tmp_path / "key.pem"), SETTINGS, 60)


def refused(verifier: TokenVerifier, header: str | None, code: str) -> Problem:
    with pytest.raises(Problem) as caught:
        verifier.principal(header)
    assert caught.value.status == 401 and caught.value.code == code
    assert caught.value.headers["WWW-Authenticate"].startswith('Bearer realm="coordonare"')
    return caught.value


def sign(key: rsa.RSAPrivateKey, kid: str, **claims: object) -> str:
    now = int(time.time())
    base = {"sub": "tech-1", "aud": "coordonare", "iat": now, "exp": now + 60}
    return jwt.encode(base | claims, key, algorithm="RS256", headers={"kid": kid})


def test_a_user_logs_in_and_is_known_by_the_token(issuer: LocalIssuer) -> None:
    verifier = TokenVerifier(SETTINGS, issuer.key_for)
    token = issuer.token("ana", "demo-ana")
    assert token["token_type"] == "Bearer" and token["expires_in"] == 60
    who = verifier.principal(f"Bearer {token['access_token']}")
    assert who == Principal("tech-1", "technician", "54975")
    assert verifier.principal(f"bearer {issuer.token('judet', 'demo-judet')['access_token']}") == (
        Principal("county-1", "county_admin", None)
    )


def test_a_wrong_password_and_an_unknown_user_read_alike(issuer: LocalIssuer) -> None:
    answers = []
    for username, password in (("ana", "wrong"), ("nobody", "demo-ana")):
        with pytest.raises(Problem) as caught:
            issuer.token(username, password)
        answers.append((caught.value.status, caught.value.code, caught.value.detail))
    assert answers[0] == answers[1] == (401, "invalid_credentials", "wrong username or password")


def test_tokens_that_are_not_good_enough(issuer: LocalIssuer) -> None:
    verifier = TokenVerifier(SETTINGS, issuer.key_for)
    key, kid = issuer.key, issuer.kid
    refused(verifier, None, "unauthenticated")
    refused(verifier, "Basic YW5hOmRlbW8=", "invalid_token")
    refused(verifier, "Bearer not.a.token", "invalid_token")
    expired = sign(key, kid, role="technician", municipality="54975", exp=int(time.time()) - 300)
    assert "expired" in refused(verifier, f"Bearer {expired}", "invalid_token").detail
    other_audience = sign(key, kid, role="technician", municipality="54975", aud="other")
    refused(verifier, f"Bearer {other_audience}", "invalid_token")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = sign(stranger, kid, role="county_admin")
    refused(verifier, f"Bearer {forged}", "invalid_token")
    system = sign(key, kid, role="system")
    refused(verifier, f"Bearer {system}", "invalid_token")
    no_municipality = sign(key, kid, role="technician")
    refused(verifier, f"Bearer {no_municipality}", "invalid_token")
    bad_municipality = sign(key, kid, role="spas_head", municipality="Cluj")
    refused(verifier, f"Bearer {bad_municipality}", "invalid_token")
    unsigned = jwt.encode(
        {"sub": "x", "role": "county_admin", "aud": "coordonare", "exp": int(time.time()) + 60},
        "a shared secret of thirty-two bytes",
        algorithm="HS256",
    )
    refused(verifier, f"Bearer {unsigned}", "invalid_token")


def test_a_keycloak_token_with_its_roles_in_realm_access() -> None:
    keycloak = TokenSettings(
        issuer="https://sso.cj.ro/realms/dgaspc",
        audience="coordonare",
        role_claim="realm_access.roles",
        municipality_claim="siruta",
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    verifier = TokenVerifier(keycloak, lambda token: key.public_key())
    token = sign(
        key,
        "k1",
        iss="https://sso.cj.ro/realms/dgaspc",
        siruta="57706",
        realm_access={"roles": ["offline_access", "spas_head", "uma_authorization"]},
    )
    assert verifier.principal(f"Bearer {token}") == Principal("tech-1", "spas_head", "57706")
    two_roles = sign(
        key,
        "k1",
        iss="https://sso.cj.ro/realms/dgaspc",
        realm_access={"roles": ["auditor", "county_admin"]},
    )
    refused(verifier, f"Bearer {two_roles}", "invalid_token")
    other_issuer = sign(key, "k1", iss="https://evil.example", realm_access={"roles": ["auditor"]})
    refused(verifier, f"Bearer {other_issuer}", "invalid_token")


def test_the_issuer_publishes_the_key_that_verifies_it(issuer: LocalIssuer) -> None:
    (jwk,) = issuer.jwks()["keys"]
    assert jwk["kid"] == issuer.kid and jwk["alg"] == "RS256" and "d" not in jwk
    public = jwt.PyJWK.from_dict(jwk).key
    token = issuer.token("ana", "demo-ana")["access_token"]
    assert jwt.decode(token, public, algorithms=["RS256"], audience="coordonare")["sub"] == "tech-1"


def test_the_signing_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "key.pem"
    first = load_or_make_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_make_key(path).private_numbers() == first.private_numbers()


def test_a_verified_token_is_remembered_until_it_expires(
    issuer: LocalIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def key_for(token: str) -> object:
        asked.append(token)
        return issuer.key_for(token)

    verifier = TokenVerifier(SETTINGS, key_for)
    token = sign(issuer.key, issuer.kid, role="technician", municipality="54975")
    ana = Principal("tech-1", "technician", "54975")
    assert verifier.principal(f"Bearer {token}") == ana
    assert verifier.principal(f"Bearer {token}") == ana
    assert len(asked) == 1, "a token verified a moment ago was checked again"
    # a refused token is never remembered
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for _ in range(2):
        refused(verifier, f"Bearer {forged}", "invalid_token")
    # past its expiry it is checked again (and the check then judges it)
    asked.clear()
    later = time.time() + 61
    monkeypatch.setattr("gateway.auth.time.time", lambda: later)
    verifier.principal(f"Bearer {token}")
    assert len(asked) == 1, "an expired token was taken at its word"
