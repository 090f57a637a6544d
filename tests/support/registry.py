"""Registry data the stories share: a county admin, Cluj-Napoca, a technician.

A service acts only for people the registry knows (ADR 12), so the county
admin and the auditor of the stories are registered first, through the
registry's bootstrap (``bootstrap``: the operator's key acting as system);
their ids are the registry's, derived from their e-mail."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from nameko.exceptions import UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from events.act import BOOTSTRAP_ACTOR
from events.acting import Signer
from events.actor import Actor
from services.coordination.registry.rules import staff_id
from tests.support.signed import OPERATOR_KEY
from tests.support.waiting import eventually


@dataclass(frozen=True)
class Municipality:
    """A municipality of the stories, as ``register_municipality`` takes it."""

    siruta: str
    name: str
    county: str = "Cluj"

    def command(self, **changes: Any) -> dict[str, Any]:
        """The command (or, with ``**``, the application's keyword arguments);
        ``changes`` replace or add fields, malformed ones included."""
        return asdict(self) | changes


@dataclass(frozen=True)
class Person:
    """Someone the stories register, as ``register_staff`` takes them; the
    fields their role does not use are left out of the command."""

    email: str
    full_name: str
    role: str
    municipality: str | None = None
    beneficiary_categories: tuple[str, ...] = ()
    rnasr_code: str | None = None  # a social worker's licence
    experience_domains: tuple[str, ...] = ()

    @property
    def staff_id(self) -> str:
        return str(staff_id(self.email))  # the registry's, derived from the e-mail

    def actor(self) -> dict[str, str]:
        """Who they are when they call a service (once registered)."""
        who = {"id": self.staff_id, "role": self.role}
        return who | ({"municipality": self.municipality} if self.municipality else {})

    def command(self, **changes: Any) -> dict[str, Any]:
        """As ``Municipality.command``."""
        given = {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in asdict(self).items()
            if value not in (None, ())
        }
        return given | changes


ADMIN_PROFILE = Person("admin@dgaspc-cj.ro", "Admin Județ", "county_admin")
AUDITOR_PROFILE = Person("auditor@audit-cj.ro", "Radu Auditor", "auditor")
ADMIN = ADMIN_PROFILE.actor()
AUDITOR = AUDITOR_PROFILE.actor()
ADMIN_ACTOR = Actor(ADMIN["id"], "county_admin")
# the test harness's own jobs, as system with the tests' key (stories about
# the event log, not about who acts)
HARNESS = {"id": "tests", "role": "system"}
CLUJ = Municipality("54975", "Cluj-Napoca")
TURDA = Municipality("55259", "Turda")
TECHNICIAN = Person(
    "ion.rus@primaria-cluj.ro",
    "Ion Rus",
    "technician",
    municipality=CLUJ.siruta,
    beneficiary_categories=("school_dropout_risk", "poverty"),
)


def bootstrap(amqp_uri: str, *profiles: Person) -> list[dict[str, Any]]:
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
            coordination.register_staff(BOOTSTRAP_ACTOR, profile.command())
            for profile in profiles or (ADMIN_PROFILE,)
        ]


def register_technicians(app, count: int) -> list[str]:
    """Cluj-Napoca and ``count`` technicians, straight through the application."""
    app.register_municipality(ADMIN_ACTOR, **CLUJ.command())
    return [
        app.register_staff(
            ADMIN_ACTOR,
            **TECHNICIAN.command(email=f"tehnician{i}@primaria-cluj.ro", full_name=f"T {i}"),
        )["staff_id"]
        for i in range(count)
    ]


def until_known(ask: Callable[[], Any], seconds: float = 20) -> Any:
    """``ask()`` once the service asked knows the caller: a service that
    follows the registry by its events learns of a person a moment after the
    coordination service registered them (each early try is refused, and
    recorded, as ``ActorNotRegistered``)."""
    return eventually(ask, seconds, retrying=("ActorNotRegistered",), until=lambda _: True)
