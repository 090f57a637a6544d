"""Registry data the stories share: a county admin, Cluj-Napoca, a technician.

A service acts only for people the registry knows (ADR 12), so the county
admin and the auditor of the stories are registered first, through the
registry's bootstrap (``bootstrap``: the operator's key acting as system);
their ids are the registry's, derived from their e-mail."""

from collections.abc import Callable
from typing import Any

from nameko.exceptions import UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from events.act import BOOTSTRAP_ACTOR
from events.acting import Signer
from events.actor import Actor
from services.coordination.domain import staff_id
from tests.support.signed import OPERATOR_KEY
from tests.support.waiting import eventually

ADMIN_PROFILE = {"email": "admin@dgaspc-cj.ro", "full_name": "Admin Județ", "role": "county_admin"}
AUDITOR_PROFILE = {"email": "auditor@audit-cj.ro", "full_name": "Radu Auditor", "role": "auditor"}
ADMIN = {"id": str(staff_id(ADMIN_PROFILE["email"])), "role": "county_admin"}
AUDITOR = {"id": str(staff_id(AUDITOR_PROFILE["email"])), "role": "auditor"}
ADMIN_ACTOR = Actor(ADMIN["id"], "county_admin")
# the test harness's own jobs, as system with the tests' key (stories about
# the event log, not about who acts)
HARNESS = {"id": "tests", "role": "system"}
CLUJ = {"siruta": "54975", "name": "Cluj-Napoca", "county": "Cluj"}
TECHNICIAN = {
    "email": "ion.rus@primaria-cluj.ro",
    "full_name": "Ion Rus",
    "role": "technician",
    "municipality": "54975",
    "beneficiary_categories": ["school_dropout_risk", "poverty"],
}


def bootstrap(amqp_uri: str, *profiles: dict[str, Any]) -> list[dict[str, Any]]:
    """The registry's bootstrap: the county admin (or the people given)
    registered in the coordination service with the operator's key."""
    config = {"AMQP_URI": amqp_uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=30) as proxy:
        coordination = Signer(OPERATOR_KEY, BOOTSTRAP_ACTOR, "tests").cluster(proxy).coordination
        eventually(  # not listening yet while a process is still starting
            lambda: coordination.list_municipalities(BOOTSTRAP_ACTOR),
            60,
            every=0.2,
            retrying=(UnknownService,),
            until=lambda _: True,
        )
        return [
            coordination.register_staff(BOOTSTRAP_ACTOR, profile)
            for profile in profiles or (ADMIN_PROFILE,)
        ]


def register_technicians(app, count: int) -> list[str]:
    """Cluj-Napoca and ``count`` technicians, straight through the application."""
    app.register_municipality(ADMIN_ACTOR, **CLUJ)
    return [
        app.register_staff(
            ADMIN_ACTOR,
            **TECHNICIAN | {"email": f"tehnician{i}@primaria-cluj.ro", "full_name": f"T {i}"},
        )["staff_id"]
        for i in range(count)
    ]


def until_known(ask: Callable[[], Any], seconds: float = 20) -> Any:
    """``ask()`` once the service asked knows the caller: a service that
    follows the registry by its events learns of a person a moment after the
    coordination service registered them (each early try is refused, and
    recorded, as ``ActorNotRegistered``)."""
    return eventually(ask, seconds, retrying=("ActorNotRegistered",), until=lambda _: True)
