"""What a service believes of who calls it (ADR 12): only a verified
assertion (``events/identity.py``) in the call's context data, checked here
for every RPC entrypoint of every service, then the registry's word on the
person. The ``actor`` argument of a method is never believed.

Configuration, from the environment only:

- ``IDENTITY_ISSUERS``: the trusted issuers, ``name=location`` separated by
  spaces or commas; a location is a JWKS file or an ``https://`` URL;
- ``IDENTITY_SYSTEM_ISSUERS`` (default ``gateway``): the issuers whose own key
  may assert ``system`` (a service's own jobs, the gateway's scope reads);
- ``IDENTITY_BOOTSTRAP_ISSUERS`` (default ``operator``): the issuers that may
  assert ``system`` for the registry's bootstrap only (``BOOTSTRAP``), so the
  first county admin can be registered by someone.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import jwt
from eventsourcing.domain import Aggregate
from nameko.extensions import DependencyProvider

from events.actor import SYSTEM, Actor, AuditedAggregate
from events.cloudevent import Publication
from events.contracts import check_actor
from events.errors import Forbidden
from events.identity import ALGORITHMS, IDENTITY, MAX_TTL_SECONDS, call_digest, command_id_of
from events.refusals import Refusal
from events.relay import PublicationOf
from events.vocabulary import ROLES

log = logging.getLogger(__name__)

# The registry's bootstrap: what an operator may do as ``system`` before any
# county admin exists (coordination owns the registry).
BOOTSTRAP = {
    "coordination": {
        "register_municipality",
        "register_staff",
        "list_municipalities",
        "list_staff",
        "get_staff",
    }
}
LEEWAY_SECONDS = 5  # clocks of two hosts differ a little


# -- refusals ----------------------------------------------------------------------
class IdentityRefused(Forbidden):
    """The call carries no identity the service can verify."""

    code = "identity_refused"


class IdentityMissing(IdentityRefused):
    code = "identity_missing"


class AssertionUntrusted(IdentityRefused):
    """Forged, malformed, or signed by an issuer the service does not trust."""

    code = "assertion_untrusted"


class AssertionExpired(IdentityRefused):
    code = "assertion_expired"


class AssertionForeignAudience(IdentityRefused):
    code = "assertion_foreign_audience"


class AssertionNotForThisCall(IdentityRefused):
    """Signed for another method or other arguments."""

    code = "assertion_not_for_this_call"


class AssertionReplayed(IdentityRefused):
    code = "assertion_replayed"


class SystemNotAllowed(IdentityRefused):
    code = "system_not_allowed"


class ActorNotRegistered(IdentityRefused):
    """The registry does not know the person, or no longer does."""

    code = "actor_not_registered"


class ActorMismatch(IdentityRefused):
    """The ``actor`` argument names someone else than the assertion."""

    code = "actor_mismatch"


# -- the operator's use, on record ---------------------------------------------------
class OperatorAct(AuditedAggregate):
    """An operator acted for a person (``coordonare-act``): stored in the
    store of the service acted on, beside what the call changed."""

    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        operator: str
        issuer: str
        method: str
        assertion_id: str

    def __init__(self, operator: str, issuer: str, method: str, **_: Any) -> None:
        self.operator, self.issuer, self.method = operator, issuer, method


def keeping_operator_acts(publication_of: PublicationOf) -> PublicationOf:
    """A service's ``publication_of`` that leaves ``OperatorAct`` in the store:
    the operator's use is for the auditor, not for the bus."""

    def of(event: Any) -> Publication | None:
        return None if isinstance(event, OperatorAct.Recorded) else publication_of(event)

    return of


# -- verification --------------------------------------------------------------------
def _keys_of(location: str) -> Any:
    """A JWKS source: a file read once, or a URL fetched (and cached) by PyJWT."""
    if re.match(r"https?://", location):
        return jwt.PyJWKClient(location, cache_keys=True)
    return jwt.PyJWKSet.from_dict(json.loads(Path(location).read_text()))


def _parse_issuers(text: str) -> dict[str, str]:
    pairs = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    try:
        return dict(p.split("=", 1) for p in pairs)
    except ValueError:
        raise RuntimeError(
            f"IDENTITY_ISSUERS must be name=jwks-file-or-url pairs, got {text!r}"
        ) from None


class Registering(Protocol):
    """What verifying a call asks of the service's application: the staff
    registry's entry for the caller (as the service follows it), and a
    refusal or an operator's act stored."""

    def registered(self, staff_id: str) -> dict[str, Any] | None: ...

    def save(self, *objs: Aggregate) -> object: ...


@dataclass(frozen=True)
class Verified:
    actor: Actor
    issuer: str
    assertion_id: str
    operator: str | None = None
    command_id: str = ""  # what a command of this call is recorded under (events.commands)


class Trust:
    """The trusted issuers' public keys and the rules of who may say what."""

    def __init__(
        self,
        issuers: dict[str, Any],
        system_issuers: set[str],
        bootstrap_issuers: set[str],
    ) -> None:
        self.issuers, self.system_issuers = issuers, system_issuers
        self.bootstrap_issuers = bootstrap_issuers
        self._seen: dict[str, float] = {}  # jti → expiry, against replays
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> Trust:
        issuers = _parse_issuers(os.environ.get("IDENTITY_ISSUERS", ""))
        if not issuers:
            log.warning("IDENTITY_ISSUERS is empty: every RPC call will be refused")

        def names(variable: str, default: str) -> set[str]:
            return set(re.split(r"[\s,]+", os.environ.get(variable, default).strip())) - {""}

        return cls(
            {name: _keys_of(location) for name, location in issuers.items()},
            names("IDENTITY_SYSTEM_ISSUERS", "gateway"),
            names("IDENTITY_BOOTSTRAP_ISSUERS", "operator"),
        )

    def _key(self, kid: Any, issuer: str) -> Any:
        keys = self.issuers[issuer]
        if isinstance(keys, jwt.PyJWKClient):
            return keys.get_signing_key(kid).key
        for key in keys.keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise AssertionUntrusted(f"cheia {kid!r} nu este publicată de emitentul {issuer}")

    def claims(self, token: Any, service: str, method: str, args: Any, kwargs: Any) -> dict:
        """The assertion's claims once signature, issuer, expiry, audience,
        call binding and uniqueness are all checked."""
        if not token or not isinstance(token, str):
            raise IdentityMissing(
                "apelul nu poartă o identitate semnată (context 'identity'); "
                "folosiți gateway-ul sau comanda coordonare-act"
            )
        try:
            # read once unverified, for the issuer and key to verify it with
            # (each read checks every character of the token: issue 17)
            unverified = jwt.decode_complete(token, options={"verify_signature": False})
            issuer = unverified["payload"].get("iss")
            if issuer not in self.issuers:
                raise AssertionUntrusted(f"emitent necunoscut: {issuer!r}", issuer=str(issuer))
            claims = jwt.decode(
                token,
                self._key(unverified["header"].get("kid"), issuer),
                algorithms=ALGORITHMS,
                audience=service,
                issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "jti", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise AssertionExpired("aserțiunea de identitate a expirat") from None
        except jwt.InvalidAudienceError:
            raise AssertionForeignAudience(
                f"aserțiunea de identitate nu este pentru serviciul {service}", service=service
            ) from None
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise AssertionUntrusted(
                f"aserțiunea de identitate nu poate fi verificată ({error.__class__.__name__})"
            ) from None
        if claims["exp"] - claims["iat"] > MAX_TTL_SECONDS:
            raise AssertionUntrusted(
                f"o aserțiune de identitate trăiește cel mult {MAX_TTL_SECONDS} s"
            )
        if claims.get("mth") != method or claims.get("dig") != call_digest(args, kwargs):
            raise AssertionNotForThisCall(
                f"aserțiunea de identitate a fost semnată pentru alt apel, nu pentru {method}",
                method=method,
            )
        self._once(str(claims["jti"]), float(claims["exp"]))
        return claims

    def _once(self, jti: str, expires: float) -> None:
        now = time.time()
        with self._lock:
            if jti in self._seen:
                raise AssertionReplayed("aserțiunea de identitate a mai fost folosită")
            self._seen[jti] = expires + LEEWAY_SECONDS
            if len(self._seen) > 10_000:  # forget what has expired anyway
                self._seen = {j: e for j, e in self._seen.items() if e > now}

    def verified(
        self,
        token: Any,
        service: str,
        method: str,
        args: Any,
        kwargs: Any,
        app: Registering | None,
    ) -> Verified:
        """The caller, as the assertion and then the registry say."""
        claims = self.claims(token, service, method, args, kwargs)
        issuer, subject, role = claims["iss"], str(claims["sub"]), claims.get("role")
        if role == SYSTEM:
            bootstrap = issuer in self.bootstrap_issuers and method in BOOTSTRAP.get(service, ())
            if issuer not in self.system_issuers and not bootstrap:
                raise SystemNotAllowed(
                    f"emitentul {issuer} nu poate acționa ca sistem pentru {service}.{method}",
                    issuer=issuer,
                )
            return Verified(
                Actor(subject, SYSTEM),
                issuer,
                claims["jti"],
                claims.get("act"),
                command_id_of(claims),
            )
        if role not in ROLES:
            raise AssertionUntrusted(f"rol necunoscut în aserțiune: {role!r}")
        entry = app.registered(subject) if app is not None else None
        if entry is None or not entry["active"]:
            # a person acts only as the registry knows them; the county admin
            # too, whom the registry's bootstrap registers first
            raise ActorNotRegistered(
                f"{subject} nu figurează (activ) în registrul de personal; "
                "persoana se înregistrează întâi de administratorul județului",
                actor_id=subject,
            )
        # the registry wins over what the assertion claims
        actor = Actor(subject, entry["role"], entry["municipality"])
        return Verified(actor, issuer, claims["jti"], claims.get("act"), command_id_of(claims))


def _claimed(said: dict[str, Any], correlation_id: str) -> Actor:
    """Who the caller's ``actor`` argument says (its shape checked): only for
    the refusal's record."""
    return Actor(str(said["id"])[:100], said["role"], said.get("municipality"), correlation_id)


class CallIdentity:
    """One call's identity: verified once, before the entrypoint runs."""

    def __init__(self, provider: CallIdentityProvider, worker_ctx: Any) -> None:
        self.provider, self.worker_ctx = provider, worker_ctx
        self.found: Verified | None = None

    def require(self) -> Verified:
        if self.found is None:
            ctx, provider = self.worker_ctx, self.provider
            method = ctx.entrypoint.method_name
            said = ctx.args[0] if ctx.args else ctx.kwargs.get("actor")
            check_actor(said)  # a malformed actor is a mistake, answered as such, not recorded
            try:
                self.found = provider.trust.verified(
                    ctx.context_data.get(IDENTITY),
                    provider.container.service_name,
                    method,
                    ctx.args,
                    ctx.kwargs,
                    provider.app(),
                )
            except IdentityRefused as error:
                claimed = _claimed(said, ctx.context_data.get("correlation_id", ""))
                provider.record(Refusal.record(claimed, method, error))
                raise
            if self.found.operator:
                provider.record(self._operator_act(method))
        return self.found

    def _operator_act(self, method: str) -> OperatorAct:
        assert self.found is not None
        return OperatorAct._create(
            OperatorAct.Recorded,
            id=uuid.uuid4(),
            operator=self.found.operator,
            issuer=self.found.issuer,
            method=method,
            assertion_id=self.found.assertion_id,
            **self.found.actor.event_fields(),
        )

    def actor(self, said: Any, correlation_id: str) -> Actor:
        """The verified actor; an ``actor`` argument naming someone else is refused."""
        found = self.require().actor
        said_id = said.get("id") if isinstance(said, dict) else None
        if said_id is not None and str(said_id) != found.id:
            error = ActorMismatch(
                f"argumentul actor ({said_id}) nu este cel din aserțiune ({found.id})"
            )
            self.provider.record(
                Refusal.record(found, self.worker_ctx.entrypoint.method_name, error)
            )
            raise error
        return Actor(found.id, found.role, found.municipality, correlation_id)


class CallIdentityProvider(DependencyProvider):
    """The one place where a service's RPC calls are verified: the trusted
    keys are loaded once per container; each worker gets a ``CallIdentity``."""

    def setup(self) -> None:
        self.trust = Trust.from_env()

    def app(self) -> Registering | None:
        from events.nameko import ApplicationProvider  # the service's own store

        for dependency in self.container.dependencies:
            if isinstance(dependency, ApplicationProvider):
                # every service's application follows the registry (``registered``)
                return cast("Registering | None", dependency.app)
        return None

    def record(self, aggregate: Aggregate) -> None:
        app = self.app()
        if app is not None:
            app.save(aggregate)

    def get_dependency(self, worker_ctx: Any) -> CallIdentity:
        return CallIdentity(self, worker_ctx)
