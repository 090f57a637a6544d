"""Published contracts of the registry: ids, roles, codes and categories —
staff names and e-mail addresses stay in the store (DESIGN §5)."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from services.coordination.registry.domain import Municipality, RnasrCodeClaim, StaffMember


def registry_publication(event: Any) -> Any:
    """A Publication, None for internal events, or NotImplemented for events
    that are not the registry's."""
    staff_id = str(event.originator_id)
    match event:
        case Municipality.Registered():
            return Publication(
                "MunicipalityRegistered",
                {"siruta": event.siruta, "name": event.name, "county": event.county},
                municipality=event.siruta,
            )
        case StaffMember.Registered():
            return Publication(
                "StaffRegistered",
                {
                    "staff_id": staff_id,
                    "role": event.role,
                    "municipality": event.municipality,
                    "rnasr_code": event.rnasr_code,
                    "experience_domains": event.experience_domains,
                    "beneficiary_categories": event.beneficiary_categories,
                },
                municipality=event.municipality,
            )
        case StaffMember.ExperienceChanged():
            return Publication(
                "StaffExperienceChanged",
                {"staff_id": staff_id, "experience_domains": event.experience_domains},
            )
        case StaffMember.CategoriesChanged():
            return Publication(
                "StaffCategoriesChanged",
                {"staff_id": staff_id, "beneficiary_categories": event.beneficiary_categories},
            )
        case StaffMember.Licensed():
            return Publication(
                "TechnicianLicensed",
                {
                    "staff_id": staff_id,
                    "rnasr_code": event.rnasr_code,
                    "experience_domains": event.experience_domains,
                },
            )
        case StaffMember.Transferred():
            return Publication(
                "StaffTransferred",
                {"staff_id": staff_id, "municipality": event.municipality},
                municipality=event.municipality,
            )
        case StaffMember.Departed():
            return Publication("StaffDeparted", {"staff_id": staff_id, "reason": event.reason})
        case RnasrCodeClaim.Claimed():
            return None  # uniqueness index; StaffRegistered carries the code
    return NotImplemented
