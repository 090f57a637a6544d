"""The registry of municipalities and staff: its aggregates.

Pure: no nameko, no database. Each command method checks its rules
(``registry/rules.py``) and then calls the ``@event`` method that records the
fact; that method's body is how the fact changes the aggregate, when it
happens and when the aggregate is read back from the store. Every event
carries the actor (``events.actor``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.topics import moved
from events.vocabulary.coordination import DEPARTURE_REASONS
from services.coordination.registry.rules import (
    EMAIL,
    ROLES_OF_A_MUNICIPALITY,
    InvalidRegistryEntry,
    NotATechnician,
    StaffHasDeparted,
    check_categories,
    check_may_manage_registry,
    check_siruta,
    check_staff_profile,
    municipality_id,
    normalise_email,
    rnasr_claim_id,
    staff_id,
)


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

    # The changes: each is declared once, by its ``@event("Name")`` method
    # below, whose parameters are the event's fields (the stored state) and
    # whose body is its effect. Named here only for the type checker, which
    # does not see the fields of a class made at run time (hence ``Any``).
    ExperienceChanged: ClassVar[type[Any]]
    CategoriesChanged: ClassVar[type[Any]]
    Licensed: ClassVar[type[Any]]
    Transferred: ClassVar[type[Any]]
    Departed: ClassVar[type[Any]]

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

    # -- commands: the rules, then the fact --------------------------------------
    def change_experience(self, actor: Actor, domains: Iterable[str]) -> None:
        check_may_manage_registry(actor)
        self.check_active()
        new = check_categories(domains, "experience_domains")
        check_staff_profile(self.role, self.municipality, self.rnasr_code, new, [])
        if new != self.experience_domains:
            self._experience_changed(experience_domains=new, **actor.event_fields())

    def change_categories(self, actor: Actor, categories: Iterable[str]) -> None:
        check_may_manage_registry(actor)
        self.check_active()
        new = check_categories(categories, "beneficiary_categories")
        check_staff_profile(self.role, self.municipality, None, [], new)
        if new != self.beneficiary_categories:
            self._categories_changed(beneficiary_categories=new, **actor.event_fields())

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
        self._licensed(rnasr_code=rnasr_code, experience_domains=domains, **actor.event_fields())

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
        self._transferred(municipality=municipality, **actor.event_fields())

    def record_departure(self, actor: Actor, reason: str, note: str = "") -> None:
        check_may_manage_registry(actor)
        self.check_active()
        if reason not in DEPARTURE_REASONS:
            raise InvalidRegistryEntry(
                f"unknown departure reason {reason!r}; one of {', '.join(DEPARTURE_REASONS)}",
                field="reason",
            )
        self._departed(reason=reason, note=note.strip(), **actor.event_fields())

    # -- events: each one's effect ---------------------------------------------------
    @event("ExperienceChanged")
    def _experience_changed(
        self, experience_domains: list[str], actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.experience_domains = list(experience_domains)

    @event("CategoriesChanged")
    def _categories_changed(
        self,
        beneficiary_categories: list[str],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.beneficiary_categories = list(beneficiary_categories)

    @event("Licensed")
    def _licensed(
        self,
        rnasr_code: str,
        experience_domains: list[str],
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        """R10: the technician was entered in RNASR; from now on a social
        worker, who leaves coordination (the coordination service ends the
        contract on this event)."""
        self.role, self.rnasr_code = "social_worker", rnasr_code
        self.experience_domains = list(experience_domains)
        self.beneficiary_categories = []

    @event("Transferred")
    def _transferred(
        self, municipality: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.municipality = municipality

    @event("Departed")
    def _departed(
        self, reason: str, note: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.active = False


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


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.coordination.domain:Municipality", Municipality)
moved("services.coordination.domain:StaffMember", StaffMember)
moved("services.coordination.domain:RnasrCodeClaim", RnasrCodeClaim)
