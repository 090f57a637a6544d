"""The registry's rules: its errors, natural-key ids and ``check_…`` guards.

Pure: no nameko, no database. The aggregates that apply them are in
``registry/domain.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import NAMESPACE_URL, UUID, uuid5

from events.actor import SYSTEM, Actor
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound
from events.vocabulary import CATEGORIES, ROLES

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
