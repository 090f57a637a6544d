"""Who is calling: bearer JWTs, RS256 only.

In production the county's identity provider (Keycloak, for instance) issues
the tokens and the gateway verifies them against its JWKS URL
(``GATEWAY_JWKS_URL``). For ``make run`` the gateway's own local issuer
(``gateway/issuer.py``) signs them and its public key verifies them. Either
way a token must name the person (``sub``), one of the five roles and, for a
technician or a SPAS head, their municipality; it never makes anyone
``system``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from gateway.problems import unauthorized
from gateway.route import EVERYONE, MUNICIPAL

SIRUTA = re.compile(r"^[1-9][0-9]{3,5}$")


@dataclass(frozen=True)
class Principal:
    id: str
    role: str
    municipality: str | None = None

    def actor(self) -> dict[str, Any]:
        return {"id": self.id, "role": self.role, "municipality": self.municipality}


@dataclass(frozen=True)
class TokenSettings:
    issuer: str | None
    audience: str
    role_claim: str  # dotted path; Keycloak keeps roles in realm_access.roles
    municipality_claim: str
    leeway_seconds: int = 30

    @classmethod
    def from_env(cls) -> TokenSettings:
        return cls(
            issuer=os.environ.get("GATEWAY_JWT_ISSUER") or None,
            audience=os.environ.get("GATEWAY_JWT_AUDIENCE", "coordonare"),
            role_claim=os.environ.get("GATEWAY_ROLE_CLAIM", "role"),
            municipality_claim=os.environ.get("GATEWAY_MUNICIPALITY_CLAIM", "municipality"),
        )


def _claim(claims: dict[str, Any], dotted: str) -> Any:
    value: Any = claims
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class TokenVerifier:
    """Checks signature, expiry, issuer and audience, then reads the
    principal; any failure is a 401 that says what was wrong."""

    def __init__(self, settings: TokenSettings, key_for: Callable[[str], Any]) -> None:
        self.settings, self.key_for = settings, key_for

    @classmethod
    def with_jwks(cls, settings: TokenSettings, jwks_url: str) -> TokenVerifier:
        client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=10)
        return cls(settings, lambda token: client.get_signing_key_from_jwt(token).key)

    def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            raise unauthorized("send a bearer token: Authorization: Bearer <token>")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("the Authorization header must be: Bearer <token>", "invalid_token")
        return self._read(self._claims(token.strip()))

    def _claims(self, token: str) -> dict[str, Any]:
        s = self.settings
        try:
            return jwt.decode(
                token,
                self.key_for(token),
                algorithms=["RS256"],
                audience=s.audience,
                issuer=s.issuer,
                leeway=s.leeway_seconds,
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("the token has expired; log in again", "invalid_token") from None
        except (jwt.PyJWTError, ValueError) as exc:
            raise unauthorized(f"the token is not valid: {exc}", "invalid_token") from None

    def _read(self, claims: dict[str, Any]) -> Principal:
        role = _claim(claims, self.settings.role_claim)
        roles = [role] if isinstance(role, str) else list(role or [])
        known = [r for r in roles if r in EVERYONE]
        if len(known) != 1:
            raise unauthorized("the token must carry exactly one Coordonare role", "invalid_token")
        municipality = _claim(claims, self.settings.municipality_claim)
        if municipality is not None and not (
            isinstance(municipality, str) and SIRUTA.match(municipality)
        ):
            raise unauthorized("the token's municipality is not a SIRUTA code", "invalid_token")
        if known[0] in MUNICIPAL and municipality is None:
            raise unauthorized(
                f"a {known[0]}'s token must name their municipality", "invalid_token"
            )
        return Principal(str(claims["sub"]), known[0], municipality)
