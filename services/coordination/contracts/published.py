"""Published contracts of the coordination contracts: who coordinates whom,
from when and for how many hours (R1, R6); the obligations' text stays in
the store."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from services.coordination.contracts.domain import CoordinationContract
from services.coordination.contracts.index import TechnicianCoordination


def contract_publication(event: Any) -> Any:
    """A Publication, None for internal events, or NotImplemented for events
    that are not the contracts'."""
    match event:
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
        case (
            CoordinationContract.ExperienceMismatchFlagged()
            | CoordinationContract.ExperienceMismatchCleared()
        ):
            return _experience_mismatch(event)
        case CoordinationContract.Parties():
            return _change_of_force(event)
        case (
            TechnicianCoordination.Opened()
            | TechnicianCoordination.ContractAdded()
            | TechnicianCoordination.InForce()
        ):
            return None  # index of the technician's contracts; the contract events say it all
    return NotImplemented


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


def _experience_mismatch(event: Any) -> Publication:
    """R5 kept true: a contract in force flagged to its SPAS head (what is
    missing, the proposal), or cleared; for the head's alert."""
    data = {
        "contract_id": str(event.originator_id),
        "technician_id": event.technician_id,
        "coordinator_id": event.coordinator_id,
        "because": event.because,
    }
    if isinstance(event, CoordinationContract.ExperienceMismatchFlagged):
        name = "ContractExperienceMismatchFlagged"
        data |= {"missing": list(event.missing), "proposal": event.proposal}
    else:
        name = "ContractExperienceMismatchCleared"
    return Publication(name, data, municipality=event.municipality)
