"""What the coordination service publishes: each stored event mapped to its
contract in ``contracts/events/coordination/``. Ids, codes and categories
only — staff names and e-mail addresses stay in the store (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events import refusals
from events.cloudevent import Publication
from events.refusals import Refusal
from services.coordination.audit import CoordinationRead
from services.coordination.contracting import CoordinationContract, TechnicianCoordination
from services.coordination.domain import Municipality, RnasrCodeClaim, StaffMember
from services.coordination.incident_published import incident_publication
from services.coordination.planning.published import plan_journal_publication
from services.coordination.task_published import task_publication

# Each capability maps its own stored events: a function that returns the
# Publication, None for internal events, or NotImplemented for events that
# are not its own.
CAPABILITIES: list[Callable[[Any], Publication | Any | None]] = [
    plan_journal_publication,
    task_publication,
    incident_publication,
]


def publication_of(event: Any) -> Publication | None:
    for capability in CAPABILITIES:
        publication = capability(event)
        if publication is not NotImplemented:
            return publication
    return _registry_and_contract(event)


def _registry_and_contract(event: Any) -> Publication | None:
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
        case CoordinationContract.Drafted():
            return Publication(
                "ContractDrafted",
                {
                    "contract_id": str(event.originator_id),
                    "technician_id": event.technician_id,
                    "coordinator_id": event.coordinator_id,
                    "legal_form": event.legal_form,
                    "hours_per_month": event.hours_per_month,
                    "starts_on": event.starts_on,
                    "ends_on": event.ends_on,
                    "replaces": event.replaces,
                },
                municipality=event.municipality,
            )
        case CoordinationContract.Signed():
            return Publication(
                "ContractSigned",
                {
                    "contract_id": str(event.originator_id),
                    "party": event.party,
                    "signer_id": event.signer_id,
                },
            )
        case CoordinationContract.AmendmentProposed() | CoordinationContract.Amended():
            name = "ContractAmended"
            if isinstance(event, CoordinationContract.AmendmentProposed):
                name = "ContractAmendmentProposed"
            return Publication(
                name,
                {
                    "contract_id": str(event.originator_id),
                    "changed": sorted(event.changes),
                    "hours_per_month": event.changes.get("hours_per_month"),
                    "ends_on": event.changes.get("ends_on"),
                },
            )
        case CoordinationContract.Parties():
            return _change_of_force(event)
        case (
            TechnicianCoordination.Opened()
            | TechnicianCoordination.ContractAdded()
            | TechnicianCoordination.InForce()
        ):
            return None  # index of the technician's contracts; the contract events say it all
        case Refusal.Recorded():
            return refusals.publication(event)
        case RnasrCodeClaim.Claimed():
            return None  # uniqueness index; StaffRegistered carries the code
    if isinstance(event, CoordinationRead.Event):
        return None  # the auditor's read log stays in the store
    raise LookupError(f"no published contract for stored event {type(event).__qualname__}")


def _change_of_force(event: Any) -> Publication:
    """Activated, Suspended, Resumed, Terminated: who coordinates whom (R1)."""
    name = {
        CoordinationContract.Activated: "ContractActivated",
        CoordinationContract.Suspended: "ContractSuspended",
        CoordinationContract.Resumed: "ContractResumed",
        CoordinationContract.Terminated: "ContractTerminated",
    }[type(event)]
    data = {
        "contract_id": str(event.originator_id),
        "technician_id": event.technician_id,
        "coordinator_id": event.coordinator_id,
    }
    if isinstance(event, CoordinationContract.Activated):
        data |= {
            "hours_per_month": event.hours_per_month,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
        }
    if isinstance(event, CoordinationContract.Terminated):
        data |= {"reason": event.reason, "replaced_by": event.replaced_by}
    return Publication(name, data, municipality=event.municipality)
