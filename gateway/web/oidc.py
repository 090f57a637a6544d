"""Signing in with the county's identity provider: OpenID Connect,
authorization code with PKCE (S256), ``state`` and ``nonce``.

The gateway is a confidential or public client (``WEB_OIDC_CLIENT_SECRET``
optional). What a sign-in in flight needs (state, nonce, PKCE verifier, the
page to go back to) is kept server-side, in the sessions' table of drafts,
under a random id in a short HttpOnly cookie: the URL carries only what the
protocol requires, and a callback is accepted once (the row is deleted as
it is read), so a replayed callback finds nothing.

The session then keeps the provider's *access token*: every page verifies it
as the API verifies a bearer token (``gateway.auth.TokenVerifier`` against
the provider's JWKS, ``GATEWAY_JWKS_URL``). The ID token is verified here
(signature by the provider's keys, issuer, audience = our client id, expiry,
our nonce) only to know that this sign-in is the one we started and whose.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from authlib.integrations.requests_client import OAuth2Session

from gateway.web.sessions import SessionStore

CALLBACK_PATH = "/intrare/judet/raspuns"
PENDING_COOKIE = "coordonare_oidc"
PENDING_SECONDS = 10 * 60  # the cookie's life; the row's is sessions.DRAFT_MINUTES
DISCOVERY_SECONDS = 3600  # the provider's endpoints and keys are fetched again after this
TIMEOUT = 10


class SignInRefused(Exception):
    """The callback is not one we can believe (forged state, replay, a bad
    ID token, the provider's refusal): no session opens."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str | None
    redirect_url: str | None  # None: this site's own CALLBACK_PATH, as the request names it
    scope: str = "openid profile"

    @classmethod
    def from_env(cls) -> OidcSettings | None:
        """None when the county's provider is not configured."""
        issuer = os.environ.get("WEB_OIDC_ISSUER")
        if not issuer:
            return None
        client_id = os.environ.get("WEB_OIDC_CLIENT_ID")
        if not client_id:
            raise RuntimeError("with WEB_OIDC_ISSUER, set WEB_OIDC_CLIENT_ID")
        return cls(
            issuer.rstrip("/"),
            client_id,
            os.environ.get("WEB_OIDC_CLIENT_SECRET") or None,
            os.environ.get("WEB_OIDC_REDIRECT_URL") or None,
        )


@dataclass(frozen=True)
class Pending:
    state: str
    nonce: str
    verifier: str
    next: str
    redirect_url: str  # sent again with the code, as the provider checks


class CountyProvider:
    """One configured identity provider, its discovery document cached."""

    def __init__(self, settings: OidcSettings, sessions: SessionStore) -> None:
        self.settings, self.sessions = settings, sessions
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._fetched = 0.0
        self._keys: jwt.PyJWKClient | None = None

    # -- the provider's endpoints ---------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None or time.monotonic() - self._fetched > DISCOVERY_SECONDS:
                url = f"{self.settings.issuer}/.well-known/openid-configuration"
                answer = requests.get(url, timeout=TIMEOUT)
                answer.raise_for_status()
                found = answer.json()
                # a document naming another issuer is not our provider's (OIDC Discovery §4.3)
                if found.get("issuer", "").rstrip("/") != self.settings.issuer:
                    raise RuntimeError(f"{url} names the issuer {found.get('issuer')!r}")
                self._metadata, self._fetched = found, time.monotonic()
                self._keys = jwt.PyJWKClient(found["jwks_uri"], lifespan=DISCOVERY_SECONDS)
            return self._metadata

    def _client(self, redirect_url: str) -> OAuth2Session:
        s = self.settings
        return OAuth2Session(
            s.client_id,
            s.client_secret,
            scope=s.scope,
            redirect_uri=redirect_url,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if s.client_secret else "none",
        )

    # -- the two legs -----------------------------------------------------------------
    def start(self, next_path: str, site_url: str) -> tuple[str, str]:
        """The provider's authorization URL, and the id of what was kept (the
        cookie's value). ``site_url``: this site's root, as the request names it."""
        pending = Pending(
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(48),  # PKCE: 43–128 characters (RFC 7636 §4.1)
            next_path,
            self.settings.redirect_url or f"{site_url.rstrip('/')}{CALLBACK_PATH}",
        )
        url, _ = self._client(pending.redirect_url).create_authorization_url(
            self.metadata()["authorization_endpoint"],
            state=pending.state,
            nonce=pending.nonce,
            code_verifier=pending.verifier,
        )
        kept = self.sessions.keep_draft(
            CALLBACK_PATH,
            {k: [v] for k, v in vars(pending).items()},
        )
        return url, kept

    def pending(self, kept_id: str | None) -> Pending | None:
        """What ``start`` kept, taken (so a second callback finds nothing)."""
        kept = self.sessions.take_draft(kept_id, CALLBACK_PATH)
        if kept is None:
            return None
        return Pending(**{k: v[0] for k, v in kept.items()})

    def finish(self, args: dict[str, str], pending: Pending | None) -> tuple[str, str]:
        """The access token and the person's name for a callback's arguments."""
        if pending is None:
            raise SignInRefused("no sign-in was started in this browser, or it was used")
        if not hmac.compare_digest(args.get("state", "").encode(), pending.state.encode()):
            raise SignInRefused("the state is not the one sent")
        if "error" in args or not args.get("code"):
            raise SignInRefused(f"the provider refused: {args.get('error', 'no code')}")
        metadata = self.metadata()
        try:
            token = self._client(pending.redirect_url).fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=args["code"],
                code_verifier=pending.verifier,
                timeout=TIMEOUT,
            )
        except Exception as exc:  # the provider refused the code (replayed, expired)
            raise SignInRefused(f"the code was refused: {exc}") from None
        claims = self._id_claims(token.get("id_token", ""), pending.nonce)
        access = token.get("access_token")
        if not access:
            raise SignInRefused("no access token")
        name = claims.get("name") or claims.get("preferred_username") or claims["sub"]
        return str(access), str(name)

    def _signing_key(self, id_token: str) -> Any:
        """The key the token names; a token naming none (some providers
        omit ``kid``) only when the provider publishes exactly one."""
        assert self._keys is not None
        kid = jwt.get_unverified_header(id_token).get("kid")
        if kid:
            return self._keys.get_signing_key(kid).key
        keys = self._keys.get_signing_keys()
        if len(keys) != 1:
            raise jwt.InvalidTokenError("the ID token names no key among several")
        return keys[0].key

    def _id_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        assert self._keys is not None
        try:
            key = self._signing_key(id_token)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=["RS256"],
                audience=self.settings.client_id,
                issuer=self.metadata()["issuer"],
                leeway=30,
                options={"require": ["exp", "iat", "sub", "nonce"]},
            )
        except (jwt.PyJWTError, ValueError) as exc:
            raise SignInRefused(f"the ID token is not valid: {exc}") from None
        if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
            raise SignInRefused("the ID token's nonce is not ours")
        return claims
