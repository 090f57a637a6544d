"""Coordination domain: the registry of municipalities and staff.

Pure: no nameko, no database. Rules are ``check_…`` guards that raise the
errors below; events are past-tense facts carrying the actor (see
``events.actor``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.actor import ROLES, SYSTEM, Actor, AuditedAggregate
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound
from events.vocabulary import CATEGORIES

# Why someone leaves the county's staff (a move between two SPAS of the
# county is a transfer, and a technician entered in RNASR is licensed: both
# stay in the registry).
DEPARTURE_REASONS = ("resigned", "retired", "employment_ended", "deceased", "other")
# Who belongs to one SPAS (municipality) by law, and who may span several.
ROLES_OF_A_MUNICIPALITY = ("technician", "spas_head")

SIRUTA = re.compile(r"^[1-9][0-9]{3,5}$")
RNASR = re.compile(r"^[A-Z0-9][A-Z0-9/.-]{2,19}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_NS = uuid5(NAMESPACE_URL, "https://coordonare.ro/coordination")


# -- errors ----------------------------------------------------------------
class CoordinationError(Exception):
    """Marker for this service's errors (all are ``events.errors`` too)."""


class InvalidRegistryEntry(InvalidCommand, CoordinationError):
    code = "invalid_registry_entry"


class MunicipalityAlreadyRegistered(Conflict, CoordinationError):
    code = "municipality_already_registered"


class StaffAlreadyRegistered(Conflict, CoordinationError):
    code = "staff_already_registered"


class RnasrCodeAlreadyRegistered(Conflict, CoordinationError):
    code = "rnasr_code_already_registered"


class ChangedConcurrently(Conflict, CoordinationError):
    code = "changed_concurrently"


class NotATechnician(Conflict, CoordinationError):
    code = "not_a_technician"


class StaffHasDeparted(Conflict, CoordinationError):
    code = "staff_departed"


class UnknownMunicipality(NotFound, CoordinationError):
    code = "municipality_not_found"


class UnknownStaff(NotFound, CoordinationError):
    code = "staff_not_found"


class RegistryAccessDenied(Forbidden, CoordinationError):
    code = "registry_access_denied"


# -- ids -------------------------------------------------------------------
# Natural keys give deterministic ids, so a duplicate registration collides
# in the store even when two arrive at the same moment.
def municipality_id(siruta: str) -> UUID:
    return uuid5(_NS, f"municipality:{siruta}")


def staff_id(email: str) -> UUID:
    return uuid5(_NS, f"staff:{normalise_email(email)}")


def rnasr_claim_id(code: str) -> UUID:
    return uuid5(_NS, f"rnasr:{code}")


def normalise_email(email: str) -> str:
    return email.strip().lower()


# -- guards ----------------------------------------------------------------
def check_may_manage_registry(actor: Actor) -> None:
    """DESIGN §1: the county admin manages municipalities and staff."""
    if actor.role not in ("county_admin", SYSTEM):
        raise RegistryAccessDenied(
            f"only a county admin manages the registry, not a {actor.role}", role=actor.role
        )


def check_siruta(siruta: str) -> None:
    if not SIRUTA.match(siruta):
        raise InvalidRegistryEntry(
            f"SIRUTA code must be 4–6 digits, got {siruta!r}", field="siruta"
        )


def check_categories(values: Iterable[str], field: str) -> list[str]:
    values = list(values)
    unknown = sorted(set(values) - set(CATEGORIES))
    if unknown:
        raise InvalidRegistryEntry(
            f"unknown {field}: {', '.join(unknown)}", field=field, unknown=unknown
        )
    if len(set(values)) != len(values):
        raise InvalidRegistryEntry(f"{field} lists a category twice", field=field)
    return sorted(values, key=CATEGORIES.index)


def check_staff_profile(
    role: str,
    municipality: str | None,
    rnasr_code: str | None,
    experience_domains: list[str],
    beneficiary_categories: list[str],
) -> None:
    """What each role must (and must not) declare to be registered."""
    if role not in ROLES:
        raise InvalidRegistryEntry(
            f"unknown role {role!r}; one of {', '.join(ROLES)}", field="role"
        )
    if role in ROLES_OF_A_MUNICIPALITY and not municipality:
        raise InvalidRegistryEntry(
            f"a {role} is employed by one SPAS: municipality is required", field="municipality"
        )
    if role == "social_worker":
        if not rnasr_code:
            raise InvalidRegistryEntry(
                "a social worker must have an RNASR code (registered in RNASR)",
                field="rnasr_code",
            )
        if not RNASR.match(rnasr_code):
            raise InvalidRegistryEntry(
                f"RNASR code {rnasr_code!r} is not well formed", field="rnasr_code"
            )
        if not experience_domains:
            raise InvalidRegistryEntry(
                "a social worker declares at least one domain of experience (R5)",
                field="experience_domains",
            )
    elif rnasr_code or experience_domains:
        raise InvalidRegistryEntry(
            "only a social worker has an RNASR code and domains of experience",
            field="rnasr_code" if rnasr_code else "experience_domains",
        )
    if role == "technician":
        if not beneficiary_categories:
            raise InvalidRegistryEntry(
                "a technician works with at least one beneficiary category (R5)",
                field="beneficiary_categories",
            )
    elif beneficiary_categories:
        raise InvalidRegistryEntry(
            "only a technician has beneficiary categories", field="beneficiary_categories"
        )


# -- aggregates ------------------------------------------------------------
class Municipality(AuditedAggregate):
    """A SPAS's municipality (the tenant of its cases), keyed by SIRUTA."""

    class Registered(Aggregate.Created, AuditedAggregate.Event):
        siruta: str
        name: str
        county: str

    def __init__(self, siruta: str, name: str, county: str, **_meta: str) -> None:
        self.siruta, self.name, self.county = siruta, name, county

    @classmethod
    def register(cls, actor: Actor, siruta: str, name: str, county: str) -> Municipality:
        check_may_manage_registry(actor)
        check_siruta(siruta)
        if not name.strip() or not county.strip():
            raise InvalidRegistryEntry("name and county must not be blank", field="name")
        return cls._create(
            cls.Registered,
            id=municipality_id(siruta),
            siruta=siruta,
            name=name.strip(),
            county=county.strip(),
            **actor.event_fields(),
        )


class StaffMember(AuditedAggregate):
    """A person of the county's social-assistance staff, by role."""

    class Registered(Aggregate.Created, AuditedAggregate.Event):
        email: str
        full_name: str
        role: str
        municipality: str | None
        rnasr_code: str | None
        experience_domains: list[str]
        beneficiary_categories: list[str]

    class ExperienceChanged(AuditedAggregate.Event):
        experience_domains: list[str]

        def apply(self, staff: StaffMember) -> None:
            staff.experience_domains = list(self.experience_domains)

    class CategoriesChanged(AuditedAggregate.Event):
        beneficiary_categories: list[str]

        def apply(self, staff: StaffMember) -> None:
            staff.beneficiary_categories = list(self.beneficiary_categories)

    class Licensed(AuditedAggregate.Event):
        """R10: the technician was entered in RNASR; from now on a social
        worker, who leaves coordination (the coordination service ends the
        contract on this event)."""

        rnasr_code: str
        experience_domains: list[str]

        def apply(self, staff: StaffMember) -> None:
            staff.role, staff.rnasr_code = "social_worker", self.rnasr_code
            staff.experience_domains = list(self.experience_domains)
            staff.beneficiary_categories = []

    class Transferred(AuditedAggregate.Event):
        municipality: str

        def apply(self, staff: StaffMember) -> None:
            staff.municipality = self.municipality

    class Departed(AuditedAggregate.Event):
        reason: str
        note: str

        def apply(self, staff: StaffMember) -> None:
            staff.active = False

    def __init__(
        self,
        email: str,
        full_name: str,
        role: str,
        municipality: str | None,
        rnasr_code: str | None,
        experience_domains: list[str],
        beneficiary_categories: list[str],
        **_meta: str,
    ) -> None:
        self.email, self.full_name, self.role = email, full_name, role
        self.municipality, self.rnasr_code = municipality, rnasr_code
        self.experience_domains = list(experience_domains)
        self.beneficiary_categories = list(beneficiary_categories)
        self.active = True

    @classmethod
    def register(
        cls,
        actor: Actor,
        email: str,
        full_name: str,
        role: str,
        municipality: str | None = None,
        rnasr_code: str | None = None,
        experience_domains: Iterable[str] = (),
        beneficiary_categories: Iterable[str] = (),
    ) -> StaffMember:
        check_may_manage_registry(actor)
        if not EMAIL.match(email.strip()):
            raise InvalidRegistryEntry(f"{email!r} is not an e-mail address", field="email")
        if not full_name.strip():
            raise InvalidRegistryEntry("full name must not be blank", field="full_name")
        domains = check_categories(experience_domains, "experience_domains")
        categories = check_categories(beneficiary_categories, "beneficiary_categories")
        check_staff_profile(role, municipality, rnasr_code, domains, categories)
        return cls._create(
            cls.Registered,
            id=staff_id(email),
            email=normalise_email(email),
            full_name=full_name.strip(),
            role=role,
            municipality=municipality,
            rnasr_code=rnasr_code,
            experience_domains=domains,
            beneficiary_categories=categories,
            **actor.event_fields(),
        )

    def check_active(self) -> None:
        if not self.active:
            raise StaffHasDeparted(f"staff member {self.id} has left", staff_id=str(self.id))

    def change_experience(self, actor: Actor, domains: Iterable[str]) -> None:
        check_may_manage_registry(actor)
        self.check_active()
        new = check_categories(domains, "experience_domains")
        check_staff_profile(self.role, self.municipality, self.rnasr_code, new, [])
        if new != self.experience_domains:
            self.trigger_event(
                self.ExperienceChanged, experience_domains=new, **actor.event_fields()
            )

    def change_categories(self, actor: Actor, categories: Iterable[str]) -> None:
        check_may_manage_registry(actor)
        self.check_active()
        new = check_categories(categories, "beneficiary_categories")
        check_staff_profile(self.role, self.municipality, None, [], new)
        if new != self.beneficiary_categories:
            self.trigger_event(
                self.CategoriesChanged, beneficiary_categories=new, **actor.event_fields()
            )

    def record_licensing(
        self, actor: Actor, rnasr_code: str, experience_domains: Iterable[str]
    ) -> None:
        """R10: a technician who becomes a registered social worker."""
        check_may_manage_registry(actor)
        self.check_active()
        if self.role != "technician":
            raise NotATechnician(
                f"only a technician becomes a social worker by licensing, not a {self.role}",
                staff_id=str(self.id),
            )
        domains = check_categories(experience_domains, "experience_domains")
        check_staff_profile("social_worker", self.municipality, rnasr_code, domains, [])
        self.trigger_event(
            self.Licensed,
            rnasr_code=rnasr_code,
            experience_domains=domains,
            **actor.event_fields(),
        )

    def transfer(self, actor: Actor, municipality: str) -> None:
        """A move to another SPAS of the county (technicians, SPAS heads)."""
        check_may_manage_registry(actor)
        self.check_active()
        check_siruta(municipality)
        if self.role not in ROLES_OF_A_MUNICIPALITY:
            raise InvalidRegistryEntry(
                f"a {self.role} is not employed by one SPAS; nothing to transfer",
                field="municipality",
            )
        if municipality == self.municipality:
            raise InvalidRegistryEntry(
                f"already employed by the SPAS of {municipality}", field="municipality"
            )
        self.trigger_event(self.Transferred, municipality=municipality, **actor.event_fields())

    def record_departure(self, actor: Actor, reason: str, note: str = "") -> None:
        check_may_manage_registry(actor)
        self.check_active()
        if reason not in DEPARTURE_REASONS:
            raise InvalidRegistryEntry(
                f"unknown departure reason {reason!r}; one of {', '.join(DEPARTURE_REASONS)}",
                field="reason",
            )
        self.trigger_event(self.Departed, reason=reason, note=note.strip(), **actor.event_fields())


class RnasrCodeClaim(AuditedAggregate):
    """Index aggregate: one RNASR code, one social worker. Saved with the
    staff member in one transaction, so the store itself refuses a second
    holder of the same code."""

    class Claimed(Aggregate.Created, AuditedAggregate.Event):
        code: str
        staff_id: UUID

    def __init__(self, code: str, staff_id: UUID, **_meta: str) -> None:
        self.code, self.staff_id = code, staff_id

    @classmethod
    def claim(cls, actor: Actor, staff: StaffMember) -> RnasrCodeClaim:
        assert staff.rnasr_code is not None
        return cls._create(
            cls.Claimed,
            id=rnasr_claim_id(staff.rnasr_code),
            code=staff.rnasr_code,
            staff_id=staff.id,
            **actor.event_fields(),
        )
