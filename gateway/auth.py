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

import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from gateway.problems import unauthorized
from gateway.route import EVERYONE, MUNICIPAL

log = logging.getLogger(__name__)
SIRUTA = re.compile(r"^[1-9][0-9]{3,5}$")

# What a 401 says: fixed texts, never a library's message (which would tell a
# prober how the token was parsed and checked).
NO_TOKEN = (
    "Trimiteți un token: Authorization: Bearer <token>. / "
    "Send a bearer token: Authorization: Bearer <token>."
)
NOT_BEARER = (
    "Antetul Authorization trebuie să fie: Bearer <token>. / "
    "The Authorization header must be: Bearer <token>."
)
EXPIRED = "Tokenul a expirat; autentificați-vă din nou. / The token has expired; log in again."
NOT_VALID = "Tokenul nu este valid. / The token is not valid."

# A token verified once is taken at its word again for a minute (never past
# its expiry): a person's every request carries the same token, and reading
# and checking it again cost a tenth of the gateway's time per request
# (issue 17). Keys the provider withdraws stop a remembered token within
# that minute, as they stop a new one within ProviderKeys' lifespan.
REMEMBER_SECONDS = 60.0
REMEMBERED = 4096  # tokens, the oldest forgotten first


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
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    @classmethod
    def with_jwks(cls, settings: TokenSettings, jwks_url: str) -> TokenVerifier:
        return cls(settings, ProviderKeys(jwks_url).key_for)

    def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            raise unauthorized(NO_TOKEN)
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized(NOT_BEARER, "invalid_token")
        token = token.strip()
        now = time.time()
        remembered = self._verified.get(token)
        if remembered is not None and now < remembered[1]:
            return remembered[0]
        claims = self._claims(token)
        principal = self._read(claims)
        self._verified[token] = (principal, min(float(claims["exp"]), now + REMEMBER_SECONDS))
        while len(self._verified) > REMEMBERED:
            self._verified.popitem(last=False)
        return principal

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
            raise unauthorized(EXPIRED, "invalid_token") from None
        except (jwt.PyJWTError, ValueError) as exc:
            log.info("token refused: %s", exc)  # for the operator, not the caller
            raise unauthorized(NOT_VALID, "invalid_token") from None

    def _read(self, claims: dict[str, Any]) -> Principal:
        role = _claim(claims, self.settings.role_claim)
        roles = [role] if isinstance(role, str) else list(role or [])
        known = [r for r in roles if r in EVERYONE]
        if len(known) != 1:
            raise unauthorized(
                "Tokenul trebuie să poarte exact un rol Coordonare. / "
                "The token must carry exactly one Coordonare role.",
                "invalid_token",
            )
        municipality = _claim(claims, self.settings.municipality_claim)
        if municipality is not None and not (
            isinstance(municipality, str) and SIRUTA.match(municipality)
        ):
            raise unauthorized(
                "Localitatea din token nu este un cod SIRUTA. / "
                "The token's municipality is not a SIRUTA code.",
                "invalid_token",
            )
        if known[0] in MUNICIPAL and municipality is None:
            raise unauthorized(
                f"a {known[0]}'s token must name their municipality", "invalid_token"
            )
        return Principal(str(claims["sub"]), known[0], municipality)


class ProviderKeys:
    """The identity provider's signing keys by key id (``kid``), fetched
    from its JWKS URL and kept ``lifespan`` seconds. A token naming a key
    not among them makes one refetch (the provider may have rotated its
    keys), but at most one a ``min_refetch`` interval: tokens with made-up
    ``kid``s must not make the gateway hammer the provider. A provider that
    does not answer is likewise asked again only after that interval."""

    def __init__(
        self, url: str, *, lifespan: float = 300.0, min_refetch: float = 60.0, timeout: float = 10
    ) -> None:
        self.client = jwt.PyJWKClient(url, cache_jwk_set=False, cache_keys=False, timeout=timeout)
        self.lifespan, self.min_refetch = lifespan, min_refetch
        self.keys: dict[str | None, Any] = {}  # a lone key may have no kid
        self.fetched_at: float | None = None  # the last attempt, answered or not
        self.lock = threading.Lock()

    def key_for(self, token: str) -> Any:
        kid = jwt.get_unverified_header(token).get("kid")
        with self.lock:  # one fetch at a time; the others wait for its keys
            age = None if self.fetched_at is None else time.monotonic() - self.fetched_at
            if age is None or age >= self.lifespan or (
                kid not in self.keys and age >= self.min_refetch
            ):
                self._fetch()
            keys = self.keys
        if kid in keys:
            return keys[kid]
        if kid is None and len(keys) == 1:  # a provider with a single key may omit kid
            return next(iter(keys.values()))
        raise jwt.InvalidKeyError(f"no signing key {kid!r} at the identity provider")

    def _fetch(self) -> None:
        self.fetched_at = time.monotonic()
        try:
            found = self.client.get_signing_keys(refresh=True)
        except jwt.PyJWKClientError as exc:
            log.warning("the identity provider's keys could not be fetched: %s", exc)
            return  # keep the keys we had
        self.keys = {k.key_id: k.key for k in found}
