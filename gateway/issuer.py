"""The local token issuer for ``make run`` and for trying the API: the demo
users (``GATEWAY_USERS_FILE``, argon2 password hashes, written by
``deploy/demo.py``) log in with ``POST /auth/token`` and get an RS256 token
that the gateway verifies like any identity provider's.

Production sets ``GATEWAY_JWKS_URL`` to the county's identity provider and
no users file, so this issuer is off.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from eventlet import tpool

from gateway.auth import TokenSettings
from gateway.problems import Problem

HASHER = PasswordHasher()
# compared against when the user is unknown, so that a login takes as long
# whether or not the username exists
DUMMY_HASH = HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    sub: str
    role: str
    municipality: str | None
    name: str = ""


def load_users(path: Path) -> dict[str, User]:
    users = json.loads(path.read_text())["users"]
    return {
        u["username"]: User(
            u["username"],
            u["password_hash"],
            u["sub"],
            u["role"],
            u.get("municipality"),
            u.get("name", ""),
        )
        for u in users
    }


def load_or_make_key(path: Path) -> rsa.RSAPrivateKey:
    """The issuer's signing key, made once (mode 0600) and kept, so tokens
    stay valid across restarts of ``make run``."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return loaded


class LocalIssuer:
    def __init__(
        self,
        users: dict[str, User],
        key: rsa.RSAPrivateKey,
        settings: TokenSettings,
        lifetime_seconds: int = 3600,
    ) -> None:
        self.users, self.key, self.settings = users, key, settings
        self.lifetime = lifetime_seconds
        self.public_key = key.public_key()
        self.kid = self._thumbprint()

    @classmethod
    def from_env(cls, settings: TokenSettings) -> LocalIssuer | None:
        users_file = os.environ.get("GATEWAY_USERS_FILE")
        if not users_file:
            return None
        key_file = Path(
            os.environ.get("GATEWAY_ISSUER_KEY_FILE")
            or Path(users_file).with_name("gateway-issuer.pem")
        )
        lifetime = int(os.environ.get("GATEWAY_TOKEN_SECONDS", "3600"))
        return cls(load_users(Path(users_file)), load_or_make_key(key_file), settings, lifetime)

    # -- logging in ------------------------------------------------------------
    def token(self, username: Any, password: Any) -> dict[str, Any]:
        if not isinstance(username, str) or not isinstance(password, str):
            raise Problem(
                400, "invalid_login", "Bad request", "send a username and a password (strings)"
            )
        user = self.users.get(username)
        # argon2 is deliberately slow: run it off the event loop
        if not tpool.execute(self._verify, user.password_hash if user else DUMMY_HASH, password):
            raise Problem(401, "invalid_credentials", "Login failed", "wrong username or password")
        assert user is not None
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": user.sub,
            "aud": self.settings.audience,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": str(uuid.uuid4()),
            "preferred_username": user.username,
            "name": user.name,
            self.settings.role_claim: user.role,
            self.settings.municipality_claim: user.municipality,
        }
        if self.settings.issuer:
            claims["iss"] = self.settings.issuer
        token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}

    @staticmethod
    def _verify(password_hash: str, password: str) -> bool:
        try:
            return HASHER.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    # -- being verified ------------------------------------------------------------
    def key_for(self, token: str) -> Any:
        if jwt.get_unverified_header(token).get("kid") != self.kid:
            raise jwt.InvalidKeyError("the token was not signed by this issuer's key")
        return self.public_key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self._public_jwk() | {"kid": self.kid}]}

    def _public_jwk(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.public_key))
        return jwk | {"use": "sig", "alg": "RS256"}

    def _thumbprint(self) -> str:
        """RFC 7638 thumbprint of the public key: a stable key id."""
        jwk = self._public_jwk()
        canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
