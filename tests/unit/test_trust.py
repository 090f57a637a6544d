"""The identity model between services (ADR 12), without a broker: what a
service believes of an assertion, and what the registry adds."""

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.identity import SigningKey, call_digest
from events.trust import (
    ActorNotRegistered,
    AssertionExpired,
    AssertionForeignAudience,
    AssertionNotForThisCall,
    AssertionReplayed,
    AssertionUntrusted,
    IdentityMissing,
    SystemNotAllowed,
    Trust,
)

GATEWAY = SigningKey("gateway", Ed25519PrivateKey.generate())
OPERATOR = SigningKey("operator", Ed25519PrivateKey.generate())
ANA = {"id": "ana", "role": "social_worker", "municipality": None}


class Registry:
    """The registry as a service follows it."""

    def __init__(self, **staff: dict[str, Any]) -> None:
        self.staff = staff

    def registered(self, staff_id: str) -> dict[str, Any] | None:
        return self.staff.get(staff_id)


REGISTRY = Registry(
    ana={"role": "social_worker", "municipality": None, "active": True},
    ion={"role": "technician", "municipality": "54975", "active": True},
    gone={"role": "technician", "municipality": "54975", "active": False},
)


def trust() -> Trust:
    keys = {k.issuer: jwt.PyJWKSet.from_dict(k.jwks()) for k in (GATEWAY, OPERATOR)}
    return Trust(keys, {"gateway"}, {"operator"})


def verified(token: Any, method: str = "list_cases", *args: Any, service: str = "cases") -> Any:
    return trust().verified(token, service, method, list(args) or [ANA], {}, REGISTRY)


def test_an_assertion_for_this_call_names_the_person_as_the_registry_knows_them():
    token = GATEWAY.mint(ANA, "cases", "list_cases", [ANA], {})
    found = verified(token)
    assert (found.actor.id, found.actor.role, found.issuer) == ("ana", "social_worker", "gateway")


def test_the_digest_is_of_the_arguments_as_the_callee_receives_them():
    assert call_digest((ANA, ("a", 1)), {}) == call_digest([ANA, ["a", 1]], {})
    assert call_digest([ANA, "x"], {}) != call_digest([ANA, "y"], {})


def stranger(issuer: str) -> SigningKey:
    return SigningKey(issuer, Ed25519PrivateKey.generate())


# minted when the story runs, at its moment (``clock``)
ATTEMPTS = {
    "missing": (lambda: None, IdentityMissing),
    "garbage": (lambda: "not a jwt", AssertionUntrusted),
    "forged": (
        lambda: stranger("gateway").mint(ANA, "cases", "list_cases", [ANA], {}),
        AssertionUntrusted,
    ),
    "unknown issuer": (
        lambda: stranger("elsewhere").mint(ANA, "cases", "list_cases", [ANA], {}),
        AssertionUntrusted,
    ),
    "expired": (
        lambda: GATEWAY.mint(
            ANA, "cases", "list_cases", [ANA], {}, issued_at=int(time.time()) - 120
        ),
        AssertionExpired,
    ),
    "another service": (
        lambda: GATEWAY.mint(ANA, "evaluations", "list_cases", [ANA], {}),
        AssertionForeignAudience,
    ),
    "another method": (
        lambda: GATEWAY.mint(ANA, "cases", "get_case", [ANA], {}),
        AssertionNotForThisCall,
    ),
    "other arguments": (
        lambda: GATEWAY.mint(ANA, "cases", "list_cases", [ANA, "other"], {}),
        AssertionNotForThisCall,
    ),
}


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_what_cannot_be_verified_is_refused_by_name(attempt):
    token, error = ATTEMPTS[attempt]
    with pytest.raises(error):
        verified(token())


def test_an_assertion_lives_at_most_a_minute():
    now = int(time.time())
    claims = {
        "iss": "gateway",
        "sub": "ana",
        "role": "social_worker",
        "aud": "cases",
        "mth": "list_cases",
        "dig": call_digest([ANA], {}),
        "jti": "j",
        "iat": now,
        "exp": now + 3600,
    }
    token = jwt.encode(claims, GATEWAY.private, "EdDSA", headers={"kid": GATEWAY.kid})
    with pytest.raises(AssertionUntrusted):
        verified(token)


def test_an_assertion_serves_once():
    service = trust()
    token = GATEWAY.mint(ANA, "cases", "list_cases", [ANA], {})
    service.verified(token, "cases", "list_cases", [ANA], {}, REGISTRY)
    with pytest.raises(AssertionReplayed):
        service.verified(token, "cases", "list_cases", [ANA], {}, REGISTRY)


def test_the_registry_wins_and_knows_everyone_who_acts():
    ion_as_admin = {"id": "ion", "role": "county_admin"}
    token = GATEWAY.mint(ion_as_admin, "cases", "list_cases", [ion_as_admin], {})
    found = verified(token, "list_cases", ion_as_admin)
    assert (found.actor.role, found.actor.municipality) == ("technician", "54975")
    for who in ({"id": "nobody", "role": "county_admin"}, {"id": "gone", "role": "technician"}):
        with pytest.raises(ActorNotRegistered):
            verified(GATEWAY.mint(who, "cases", "list_cases", [who], {}), "list_cases", who)


def test_system_is_a_services_own_and_the_operators_only_for_the_bootstrap():
    system = {"id": "gateway", "role": "system"}
    token = GATEWAY.mint(system, "cases", "list_cases", [system], {})
    assert verified(token, "list_cases", system).actor.role == "system"
    boot = {"id": "operator", "role": "system"}
    register = OPERATOR.mint(boot, "coordination", "register_staff", [boot, {}], {})
    found = verified(register, "register_staff", boot, {}, service="coordination")
    assert found.actor.role == "system"
    beyond = OPERATOR.mint(boot, "cases", "list_cases", [boot], {})
    with pytest.raises(SystemNotAllowed):
        verified(beyond, "list_cases", boot)
