"""Signed actors (ADR 12): who makes an RPC call is said by a short-lived
assertion (a JWT, EdDSA) that travels in nameko's context data under
``IDENTITY``, never by the ``actor`` argument. This module mints them; the
services verify them in ``events/trust.py``.

An assertion is bound to its call: the target service (``aud``), the
method (``mth``), a digest of the arguments (``dig``), a unique ``jti`` and
an expiry at most ``MAX_TTL_SECONDS`` away, so one captured on the wire
cannot be reused for another call, nor for long.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from jwt.utils import base64url_encode
from kombu.utils.json import dumps as kombu_dumps
from kombu.utils.json import loads as kombu_loads

IDENTITY = "identity"  # the context-data key the assertion travels under
MAX_TTL_SECONDS = 60
DEFAULT_TTL_SECONDS = 30
ALGORITHMS = ["EdDSA", "RS256"]

# The issuers a deployment usually trusts (``IDENTITY_ISSUERS``): the gateway,
# which vouches for the people whose tokens it verified, and the operator.
GATEWAY_ISSUER = "gateway"
OPERATOR_ISSUER = "operator"


def _b64(data: bytes) -> str:
    return base64url_encode(data).decode()


def call_digest(args: Any, kwargs: Any) -> str:
    """The digest of a call's arguments as the callee receives them: put
    through the broker's JSON first (tuples become lists, dates strings), so
    caller and callee hash the same text."""
    received = kombu_loads(kombu_dumps({"args": list(args), "kwargs": dict(kwargs)}))
    text = json.dumps(
        received, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return _b64(hashlib.sha256(text.encode()).digest())


def new_private_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class SigningKey:
    """An issuer's private key; its public half is published as a JWKS."""

    issuer: str
    private: Ed25519PrivateKey

    @classmethod
    def from_pem(cls, issuer: str, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"the {issuer} identity key must be an Ed25519 key")
        return cls(issuer, key)

    @classmethod
    def from_file(cls, issuer: str, path: str | Path) -> SigningKey:
        return cls.from_pem(issuer, Path(path).read_bytes())

    @cached_property  # read on every mint: one sha256 and encoding each (issue 17)
    def kid(self) -> str:
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return f"{self.issuer}-{_b64(hashlib.sha256(raw).digest())[:16]}"

    def jwks(self) -> dict[str, Any]:
        """The public key, as the JWKS document the services are given."""
        jwk = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    def mint(
        self,
        actor: dict[str, Any],
        service: str,
        method: str,
        args: Any,
        kwargs: Any,
        ttl: int = DEFAULT_TTL_SECONDS,
        operator: str | None = None,
        issued_at: int | None = None,
        command_id: str | None = None,
    ) -> str:
        """An assertion that ``actor`` makes this one call; a command's
        ``command_id`` (the gateway's, from the request's idempotency key)
        goes with it, so the service records the command under it."""
        now = int(time.time()) if issued_at is None else issued_at
        claims = {
            "iss": self.issuer,
            "sub": str(actor.get("id")),
            "role": actor.get("role"),  # the callee checks the actor's shape first
            "mun": actor.get("municipality"),
            "aud": service,
            "mth": method,
            "dig": call_digest(args, kwargs),
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + min(ttl, MAX_TTL_SECONDS),
        }
        if command_id:
            claims["cmd"] = command_id
        if operator:
            claims["act"] = operator  # the operator acting for the person (recorded)
        return jwt.encode(claims, self.private, algorithm="EdDSA", headers={"kid": self.kid})


def command_id_of(claims: dict[str, Any]) -> str:
    """The id a command of this call is recorded under (``events.commands``):
    the one the assertion carries, else one made of the assertion's own id,
    which a redelivered message carries too."""
    given = claims.get("cmd")
    if isinstance(given, str) and given:
        try:
            return str(uuid.UUID(given))
        except ValueError:
            pass  # not ours: a command id is a UUID; the assertion's own id then
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"coordonare:{claims['iss']}:{claims['jti']}"))


def write_key_pair(issuer: str, private_path: Path, jwks_path: Path) -> SigningKey:
    """A new key pair on disk (private key 0600 beside its public JWKS); an
    existing private key is kept and its JWKS rewritten."""
    if not private_path.exists():
        private_path.parent.mkdir(parents=True, exist_ok=True)
        private_path.write_bytes(new_private_key_pem())
        private_path.chmod(0o600)
    key = SigningKey.from_file(issuer, private_path)
    jwks_path.write_text(json.dumps(key.jwks(), indent=2) + "\n")
    return key
