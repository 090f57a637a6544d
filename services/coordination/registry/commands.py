"""Application commands and queries of the registry of municipalities and
staff; mixed into ``CoordinationApplication`` (load, change, save; rules
live on the aggregates in ``registry/domain.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder

from events.actor import Actor
from events.refusals import records_refusals
from events.store import ApplicationPart
from services.coordination.ports import CoordinationEnds, ExperienceRechecks
from services.coordination.registry.domain import Municipality, RnasrCodeClaim, StaffMember
from services.coordination.registry.rules import (
    ChangedConcurrently,
    MunicipalityAlreadyRegistered,
    RnasrCodeAlreadyRegistered,
    StaffAlreadyRegistered,
    UnknownMunicipality,
    UnknownStaff,
    municipality_id,
    rnasr_claim_id,
    staff_id,
)
from services.coordination.registry.views import RegistryView


class RegistryCommands(ApplicationPart):
    """The registry's commands and queries; offers ``StaffDirectory``
    (``ports.py``) to the contracts."""

    # a registry change that ends coordination (R10, leaving); set by the application
    coordination_ends: CoordinationEnds
    # R5 kept true after a change of categories or experience; set by the application
    experience_rechecks: ExperienceRechecks
    recorder: ApplicationRecorder

    # -- commands ------------------------------------------------------------
    @records_refusals
    def register_municipality(
        self, actor: Actor, siruta: str, name: str, county: str
    ) -> dict[str, Any]:
        municipality = Municipality.register(actor, siruta, name, county)
        if self._exists(municipality.id):
            raise MunicipalityAlreadyRegistered(
                f"municipality with SIRUTA {siruta} is already registered", siruta=siruta
            )
        # a concurrent registration collides on the deterministic id
        self.save_or(
            MunicipalityAlreadyRegistered(
                f"municipality with SIRUTA {siruta} is already registered", siruta=siruta
            ),
            municipality,
        )
        return municipality_view(municipality)

    @records_refusals
    def register_staff(self, actor: Actor, **profile: Any) -> dict[str, Any]:
        staff = StaffMember.register(actor, **profile)
        if staff.municipality is not None:
            self.get_municipality(staff.municipality)
        if self._exists(staff.id):
            raise StaffAlreadyRegistered(
                f"{staff.email} is already registered", staff_id=str(staff.id)
            )
        claim = None
        if staff.rnasr_code is not None:
            self._check_rnasr_code_free(staff.rnasr_code)
            claim = RnasrCodeClaim.claim(actor, staff)
        self.save_or(
            StaffAlreadyRegistered(
                f"{staff.email} or RNASR code {staff.rnasr_code} was registered concurrently",
                staff_id=str(staff.id),
            ),
            staff,
            claim,
        )
        return staff_view(staff)

    @records_refusals
    def change_experience(
        self, actor: Actor, staff_id: UUID, experience_domains: list[str]
    ) -> dict[str, Any]:
        """R5 kept true: every contract in force with this coordinator is
        checked again, in the same transaction (``recheck_experience_of``)."""

        def change(staff: StaffMember) -> list[Aggregate]:
            staff.change_experience(actor, experience_domains)
            return self.experience_rechecks.recheck_experience_of(
                actor, staff_view(staff), "experience_changed"
            )

        return self._update_staff(staff_id, change)

    @records_refusals
    def change_categories(
        self, actor: Actor, staff_id: UUID, beneficiary_categories: list[str]
    ) -> dict[str, Any]:
        """R5 kept true: the technician's contract in force is checked again."""

        def change(staff: StaffMember) -> list[Aggregate]:
            staff.change_categories(actor, beneficiary_categories)
            return self.experience_rechecks.recheck_experience_of(
                actor, staff_view(staff), "categories_changed"
            )

        return self._update_staff(staff_id, change)

    @records_refusals
    def record_licensing(
        self, actor: Actor, staff_id: UUID, rnasr_code: str, experience_domains: list[str]
    ) -> dict[str, Any]:
        """R10: a licensed technician leaves coordination: their contract
        ends and the RNASR code is claimed, all in the same transaction."""

        def license(staff: StaffMember) -> list[Aggregate]:
            staff.record_licensing(actor, rnasr_code, experience_domains)
            self._check_rnasr_code_free(rnasr_code)
            ended = self.coordination_ends.end_coordination_of(
                actor, str(staff_id), "technician_licensed"
            )
            return [RnasrCodeClaim.claim(actor, staff), *ended]

        return self._update_staff(staff_id, license)

    @records_refusals
    def transfer_staff(self, actor: Actor, staff_id: UUID, municipality: str) -> dict[str, Any]:
        """The contract with the former SPAS ends with the employment there."""
        self.get_municipality(municipality)

        def transfer(staff: StaffMember) -> list[Aggregate]:
            staff.transfer(actor, municipality)
            return self.coordination_ends.end_coordination_of(
                actor, str(staff_id), "employment_ended"
            )

        return self._update_staff(staff_id, transfer)

    @records_refusals
    def record_departure(
        self, actor: Actor, staff_id: UUID, reason: str, note: str = ""
    ) -> dict[str, Any]:
        def depart(staff: StaffMember) -> list[Aggregate]:
            """Coordination ends with the employment, on either side."""
            staff.record_departure(actor, reason, note)
            if staff.role == "social_worker":
                return self.coordination_ends.end_coordinations_by(actor, str(staff_id))
            return self.coordination_ends.end_coordination_of(
                actor, str(staff_id), "employment_ended"
            )

        return self._update_staff(staff_id, depart)

    # -- queries -------------------------------------------------------------
    def get_municipality(self, siruta: str) -> dict[str, Any]:
        missing = UnknownMunicipality(f"no municipality with SIRUTA {siruta}", siruta=siruta)
        return municipality_view(self.get_as(municipality_id(siruta), Municipality, missing))

    def list_municipalities(self) -> list[dict[str, Any]]:
        registry = self.view(RegistryView)
        return sorted(registry.municipalities.values(), key=lambda m: m["name"])

    def registered(self, staff_id: str) -> dict[str, Any] | None:
        """The registry's entry for a caller (``events.trust``: the registry wins)."""
        return self.view(RegistryView).staff.get(staff_id)

    def get_staff(self, staff_id: UUID) -> dict[str, Any]:
        return staff_view(self._staff(staff_id))

    def find_staff_by_email(self, email: str) -> dict[str, Any]:
        return staff_view(self._staff(staff_id(email)))

    def list_staff(
        self, municipality: str | None = None, role: str | None = None, active: bool = True
    ) -> list[dict[str, Any]]:
        registry = self.view(RegistryView)
        return sorted(
            (
                s
                for s in registry.staff.values()
                if (municipality is None or s["municipality"] == municipality)
                and (role is None or s["role"] == role)
                and s["active"] == active
            ),
            key=lambda s: s["full_name"],
        )

    # -- helpers -------------------------------------------------------------
    def _update_staff(
        self, id_: UUID, change: Callable[[StaffMember], list[Aggregate] | None]
    ) -> dict[str, Any]:
        """``change`` may return other aggregates to save in the same
        transaction (an ended contract, an RNASR claim)."""
        staff = self._staff(id_)
        others = change(staff) or []
        self.save_or(
            ChangedConcurrently(
                f"staff member {id_} was changed by another command; read again and retry",
                staff_id=str(id_),
            ),
            staff,
            *others,
        )
        return staff_view(staff)

    def _staff(self, id_: UUID) -> StaffMember:
        missing = UnknownStaff(f"no staff member {id_}", staff_id=str(id_))
        return self.get_as(id_, StaffMember, missing)

    def _check_rnasr_code_free(self, code: str) -> None:
        if self._exists(rnasr_claim_id(code)):
            raise RnasrCodeAlreadyRegistered(
                f"RNASR code {code} belongs to another social worker", rnasr_code=code
            )

    def _exists(self, id_: UUID) -> bool:
        return bool(self.recorder.select_events(id_, limit=1))


def municipality_view(m: Municipality) -> dict[str, Any]:
    return {"siruta": m.siruta, "name": m.name, "county": m.county}


def staff_view(s: StaffMember) -> dict[str, Any]:
    return {
        "staff_id": str(s.id),
        "email": s.email,
        "full_name": s.full_name,
        "role": s.role,
        "municipality": s.municipality,
        "rnasr_code": s.rnasr_code,
        "experience_domains": list(s.experience_domains),
        "beneficiary_categories": list(s.beneficiary_categories),
        "active": s.active,
        "version": s.version,
    }
