"""Who may act over RPC (ADR 12): only a caller whose assertion the service
can verify, and then as the registry knows them. Every refusal here is
answered with its own error and kept on record, like any refused command."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy as UnsignedProxy

from events.act import main as act
from events.identity import IDENTITY, SigningKey
from tests.support.published import REFUSAL, stored_count, stored_since
from tests.support.registry import ADMIN, CLUJ
from tests.support.services import nameko_config
from tests.support.signed import OPERATOR_KEY, TEST_ISSUER, TEST_KEY

OPERATOR_ACT = "events.trust:OperatorAct.Recorded"
FLORESTI = {"siruta": "57706", "name": "Florești", "county": "Cluj"}
ANYONE = [
    {"id": "admin-1", "role": "county_admin"},
    {"id": "aud-1", "role": "auditor"},
    {"id": "x", "role": "system"},
    {"id": "t-1", "role": "technician", "municipality": "54975"},
]


def call(county: dict[str, Any], method: str, token: str | None, *args: Any) -> Any:
    """One coordination call carrying ``token`` (or nothing) as its identity."""
    context = {IDENTITY: token} if token else {}
    with UnsignedProxy(nameko_config(county["amqp_uri"]), context_data=context) as rpc:
        return getattr(rpc.coordination, method)(*args)


def refused(store_url: str, attempt: Callable[[], Any]) -> str:
    """The error type of a refused attempt, once its refusal is on record."""
    before = stored_count(store_url)
    with pytest.raises(RemoteError) as error:
        attempt()
    assert stored_since(store_url, before) == [REFUSAL]
    return error.value.exc_type


@pytest.mark.parametrize("actor", ANYONE, ids=lambda a: a["role"])
def test_a_hand_written_actor_without_an_assertion_is_refused_and_recorded(
    county, store_url, actor
):
    command = lambda: call(county, "register_municipality", None, actor, FLORESTI)  # noqa: E731
    query = lambda: call(county, "list_staff", None, actor)  # noqa: E731
    assert refused(store_url, command) == "IdentityMissing"
    assert refused(store_url, query) == "IdentityMissing"
    assert "54975" in {m["siruta"] for m in county["rpc"].list_municipalities(county["head"])}
    assert "57706" not in {m["siruta"] for m in county["rpc"].list_municipalities(county["head"])}


def test_forged_expired_and_foreign_assertions_are_refused_and_recorded(county, store_url):
    head = county["head"]

    def minted(key: SigningKey = TEST_KEY, service: str = "coordination", **kw: Any) -> str:
        return key.mint(head, service, "list_staff", [head], {}, **kw)

    forged = SigningKey(TEST_ISSUER, Ed25519PrivateKey.generate())  # the right name, not the key
    attempts = {
        "AssertionUntrusted": minted(forged),
        "AssertionExpired": minted(issued_at=1_700_000_000),
        "AssertionForeignAudience": minted(service="cases"),
    }
    for expected, token in attempts.items():
        assert refused(store_url, lambda t=token: call(county, "list_staff", t, head)) == expected
    # the same, well signed and in time, is answered
    assert call(county, "list_staff", minted(), head)


def test_an_assertion_serves_its_own_call_once(county, store_url):
    head = county["head"]
    token = TEST_KEY.mint(head, "coordination", "list_staff", [head], {})
    assert call(county, "list_staff", token, head)
    again = lambda: call(county, "list_staff", token, head)  # noqa: E731
    assert refused(store_url, again) == "AssertionReplayed"

    # captured for a read, it cannot carry a command, nor other arguments
    read = TEST_KEY.mint(head, "coordination", "list_staff", [head], {})
    command = lambda: call(county, "register_municipality", read, head, FLORESTI)  # noqa: E731
    assert refused(store_url, command) == "AssertionNotForThisCall"
    other = TEST_KEY.mint(head, "coordination", "get_staff", [head, county["tech"]["staff_id"]], {})
    widened = lambda: call(county, "get_staff", other, head, county["expert"]["staff_id"])  # noqa: E731
    assert refused(store_url, widened) == "AssertionNotForThisCall"


def test_the_actor_argument_must_name_whom_the_assertion_names(county, store_url):
    head, tech = county["head"], county["tech_actor"]
    token = TEST_KEY.mint(head, "coordination", "list_staff", [tech], {})
    assert refused(store_url, lambda: call(county, "list_staff", token, tech)) == "ActorMismatch"


@pytest.mark.parametrize("role", ["county_admin", "auditor", "technician"])
def test_a_well_signed_assertion_for_an_id_the_registry_does_not_know_is_refused(
    county, store_url, role
):
    stranger = {"id": "not-in-the-registry", "role": role, "municipality": "54975"}
    command = lambda: county["rpc"].register_municipality(stranger, FLORESTI)  # noqa: E731
    query = lambda: county["rpc"].list_staff(stranger)  # noqa: E731
    assert refused(store_url, command) == "ActorNotRegistered"
    assert refused(store_url, query) == "ActorNotRegistered"


def test_a_departed_person_no_longer_acts(county, store_url):
    rpc, expert = county["rpc"], county["expert"]
    rpc.record_departure(ADMIN, {"staff_id": expert["staff_id"], "reason": "retired"})
    attempt = lambda: rpc.list_staff(county["expert_actor"])  # noqa: E731
    assert refused(store_url, attempt) == "ActorNotRegistered"


def test_the_registry_wins_over_the_role_an_assertion_claims(county, store_url):
    """A registered technician whose assertion says county admin acts as the
    technician the registry knows: refused what a technician may not do."""
    claims_admin = county["tech_actor"] | {"role": "county_admin"}
    attempt = lambda: county["rpc"].register_municipality(claims_admin, FLORESTI)  # noqa: E731
    assert refused(store_url, attempt) == "RegistryAccessDenied"
    assert "57706" not in {m["siruta"] for m in county["rpc"].list_municipalities(county["head"])}


def test_the_operators_key_is_the_registrys_bootstrap_and_nothing_more(county, store_url):
    system = {"id": "operator", "role": "system"}
    payload = FLORESTI

    def as_operator(method: str, *args: Any) -> Any:
        token = OPERATOR_KEY.mint(system, "coordination", method, list(args), {})
        return call(county, method, token, *args)

    assert as_operator("register_municipality", system, payload)["siruta"] == "57706"
    beyond = lambda: as_operator("coordination_of", system, county["tech"]["staff_id"])  # noqa: E731
    assert refused(store_url, beyond) == "SystemNotAllowed"
    assert CLUJ.siruta in {m["siruta"] for m in as_operator("list_municipalities", system)}


def test_the_operator_acts_for_a_registered_person_and_it_is_on_record(
    county, store_url, monkeypatch, capsys
):
    """The README's walkthrough over RPC: ``coordonare-act`` as the SPAS head."""
    monkeypatch.setenv("AMQP_URI", county["amqp_uri"])
    monkeypatch.setenv("COORDONARE_OPERATOR", "ops.ion")
    head = county["head"]["id"]
    before = stored_count(store_url)
    assert act(["--as", head, "coordination", "list_staff", '"54975"']) == 0
    listed = json.loads(capsys.readouterr().out)
    assert county["tech"]["staff_id"] in {s["staff_id"] for s in listed}
    # the bootstrap lookup of the person and the call itself, each on record
    assert stored_since(store_url, before) == [OPERATOR_ACT, OPERATOR_ACT]

    assert act(["--as", head, "coordination", "register_municipality", json.dumps(FLORESTI)]) == 1
    assert "RegistryAccessDenied" in capsys.readouterr().err

    assert act(["--bootstrap", "coordination", "register_municipality", json.dumps(FLORESTI)]) == 0
    assert json.loads(capsys.readouterr().out)["siruta"] == "57706"
