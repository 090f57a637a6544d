"""A county to tell coordination stories in, through RPC: Cluj-Napoca with
its SPAS head, a technician working with persons with disabilities, and two
social workers — one experienced in that field, one in child protection only.
``activate(county)`` gives the technician an active contract with the expert.
"""

from __future__ import annotations

from typing import Any, TypedDict

from services.coordination.contracts.rules import OBLIGATIONS
from tests.support.calendar import contract_period
from tests.support.registry import (
    ADMIN,
    ADMIN_PROFILE,
    AUDITOR_PROFILE,
    CLUJ,
    TECHNICIAN,
    Person,
    bootstrap,
)

ALL_OBLIGATIONS = {party: list(codes) for party, codes in OBLIGATIONS.items()}
HEAD = Person("sef@primaria-cluj.ro", "Șef SPAS", "spas_head", municipality=CLUJ.siruta)
EXPERT = Person(
    "ana@dgaspc-cj.ro",
    "Ana Pop",
    "social_worker",
    rnasr_code="AS100",
    experience_domains=("disability_chronic_illness",),
)
CHILD_ONLY = Person(
    "dan@dgaspc-cj.ro",
    "Dan Ilie",
    "social_worker",
    rnasr_code="AS200",
    experience_domains=("child_under_16",),
)


class County(TypedDict):
    """The county's people as the services answered their registration
    (``tech``, ``expert``, ``child_only``: staff views) and as they act
    (``…_actor``: the actor dicts the RPC calls take)."""

    rpc: Any  # the coordination service's RPC proxy
    amqp_uri: str
    head: dict[str, Any]
    tech: dict[str, Any]
    tech_actor: dict[str, Any]
    expert: dict[str, Any]
    expert_actor: dict[str, Any]
    child_only: dict[str, Any]
    child_only_actor: dict[str, Any]


def build_county(rpc: Any, amqp_uri: str) -> County:
    bootstrap(amqp_uri, ADMIN_PROFILE, AUDITOR_PROFILE)  # the county's admin and auditor
    rpc.register_municipality(ADMIN, CLUJ.command())
    rpc.register_staff(ADMIN, HEAD.command())
    tech = rpc.register_staff(
        ADMIN, TECHNICIAN.command(beneficiary_categories=["disability_chronic_illness"])
    )
    expert = rpc.register_staff(ADMIN, EXPERT.command())
    child_only = rpc.register_staff(ADMIN, CHILD_ONLY.command())
    return {
        "rpc": rpc,
        "amqp_uri": amqp_uri,
        "head": HEAD.actor(),
        "tech": tech,
        "tech_actor": TECHNICIAN.actor(),
        "expert": expert,
        "expert_actor": EXPERT.actor(),
        "child_only": child_only,
        "child_only_actor": CHILD_ONLY.actor(),
    }


def draft(county: County, coordinator: dict[str, Any], **overrides: Any) -> dict:
    terms = {
        "technician_id": county["tech"]["staff_id"],
        "coordinator_id": coordinator["staff_id"],
        "legal_form": "service_contract",
        "obligations": ALL_OBLIGATIONS,
        "hours_per_month": 40,
    }
    # in force whenever the story runs (its clock: tests.support.calendar)
    terms["starts_on"], terms["ends_on"] = contract_period()
    return county["rpc"].draft_contract(county["head"], terms | overrides)


def activate(
    county: County,
    coordinator_actor: dict[str, Any] | None = None,
    contract: dict[str, Any] | None = None,
) -> dict:
    """Signs ``contract`` (by default a new one with the expert) by both."""
    coordinator_actor = coordinator_actor or county["expert_actor"]
    contract = contract or draft(county, county["expert"])
    rpc = county["rpc"]
    rpc.sign_contract(county["head"], {"contract_id": contract["contract_id"]})
    return rpc.sign_contract(coordinator_actor, {"contract_id": contract["contract_id"]})


def outsider(county: County, role: str, email: str) -> dict[str, Any]:
    """Someone registered in another municipality (55259), for the stories
    about people outside a scope: their actor dict."""
    from contextlib import suppress

    from nameko.exceptions import RemoteError

    rpc = county["rpc"]
    with suppress(RemoteError):  # registered by an earlier outsider
        rpc.register_municipality(ADMIN, {"siruta": "55259", "name": "Dej", "county": "Cluj"})
    categories = ("poverty",) if role == "technician" else ()
    person = Person(email, email.split("@")[0], role, "55259", beneficiary_categories=categories)
    rpc.register_staff(ADMIN, person.command())
    return person.actor()
