"""R5 kept true (principle 9 of the guide): a coordinator coordinates a
technician only with experience of the technician's beneficiary
categories. When a change of the registry leaves a contract in force short
of it, the coordination service flags the contract
(``ContractExperienceMismatchFlagged``: the categories missing and the
proposal, to replace the coordinator with the whole history, R10); this part
makes sure the SPAS heads of the municipality, who sign the contracts, hear
of it. Once per flag, however often delivered; a contract flagged again
after it was cleared is told again. A mixin of ``NotificationsApplication``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.notifications.domain import Notification
from services.notifications.reminder_planning import ReminderPlanning

KIND = "experience_mismatch_flagged"
# the coordination events that make a notice (the subscription binds them)
EXPERIENCE_EVENTS = ["ContractExperienceMismatchFlagged"]


class ExperienceMismatches(ReminderPlanning):
    def experience_notices(self, name: str, event: Any, now: datetime) -> list[Notification]:
        """The SPAS heads' notices of a flagged contract (none for any other event)."""
        if name not in EXPERIENCE_EVENTS:
            return []
        data, municipality = event.get_data(), event.get_extension("municipality")
        fields = {"contract_id": data["contract_id"], "missing": list(data["missing"])}
        payload = {
            "kind": KIND,
            "contract_id": data["contract_id"],
            "technician_id": data["technician_id"],
            "coordinator_id": data["coordinator_id"],
            "missing": list(data["missing"]),
            "proposal": data["proposal"],
            "municipality": municipality,
        }
        heads = self.people_with_role("spas_head", municipality)
        # the flag's own event: told once, however often delivered
        return self.tell(heads, KIND, event.get_id(), "flag", fields, payload, now)
