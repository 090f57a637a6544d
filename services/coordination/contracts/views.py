"""Read models of the contracts, each an ``events.views.FollowedView`` (in
memory, brought up to date from the notification log before each query):

- ``InForceView``: the contract in force per technician, for the jobs that
  walk them (expiry, a coordinator's departure);
- ``ContractIndex``: every contract once signed, for figures over all of
  them (the county's report);
- ``ExperienceMismatches``: the contracts in force R5 no longer holds for
  (the SPAS head's list).
"""

from __future__ import annotations

from typing import Any

from events.clock import LOCAL_TIME
from events.topics import topics
from events.views import FollowedView
from services.coordination.contracts.domain import CoordinationContract
from services.coordination.contracts.index import TechnicianCoordination


class InForceView(FollowedView):
    """Read model: the contract in force per technician (from the index
    aggregates' ``InForce`` events)."""

    TOPICS = topics(TechnicianCoordination, "InForce")

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.in_force: dict[str, str] = {}

    def apply(self, event: Any) -> None:
        index_id = str(event.originator_id)
        if event.contract_id is None:
            self.in_force.pop(index_id, None)
        else:
            self.in_force[index_id] = event.contract_id


class ContractIndex(FollowedView):
    """Contracts from their activation: parties, hours, period, status, and
    the county day they ended (an ended contract still counts for the months
    it was in force). Drafts never signed are not coordination and are not
    here."""

    TOPICS = topics(
        CoordinationContract, "Activated", "Amended", "Suspended", "Resumed", "Terminated"
    )

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.contracts: dict[str, dict[str, Any]] = {}

    def apply(self, event: Any) -> None:
        key = str(event.originator_id)
        if isinstance(event, CoordinationContract.Activated):
            self.contracts[key] = {
                "contract_id": key,
                "municipality": event.municipality,
                "technician_id": event.technician_id,
                "coordinator_id": event.coordinator_id,
                "hours_per_month": event.hours_per_month,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "status": "active",
                "ended_on": None,
            }
            return
        contract = self.contracts.get(key)
        if contract is None:
            return
        if isinstance(event, CoordinationContract.Amended):
            contract.update(
                {k: v for k, v in event.changes.items() if k in ("hours_per_month", "ends_on")}
            )
        elif isinstance(event, CoordinationContract.Suspended):
            contract["status"] = "suspended"
        elif isinstance(event, CoordinationContract.Resumed):
            contract["status"] = "active"
        elif isinstance(event, CoordinationContract.Terminated):
            contract["status"] = "terminated"
            contract["ended_on"] = event.timestamp.astimezone(LOCAL_TIME).date().isoformat()


class ExperienceMismatches(FollowedView):
    """Read model: the contracts in force flagged as no longer matching R5
    (principle 9) since a registry change, with what is missing and the
    proposal to replace the coordinator; the SPAS head's list. A contract
    leaves it when cleared or ended (a replacement ends it)."""

    TOPICS = topics(
        CoordinationContract, "ExperienceMismatchFlagged", "ExperienceMismatchCleared", "Terminated"
    )

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.flagged: dict[str, dict[str, Any]] = {}

    def apply(self, event: Any) -> None:
        key = str(event.originator_id)
        if not isinstance(event, CoordinationContract.ExperienceMismatchFlagged):
            self.flagged.pop(key, None)
            return
        self.flagged[key] = {
            "contract_id": key,
            "municipality": event.municipality,
            "technician_id": event.technician_id,
            "coordinator_id": event.coordinator_id,
            "missing": list(event.missing),
            "proposal": event.proposal,
            "because": event.because,
            "flagged_at": event.timestamp.isoformat(),
        }
