"""Case 1 of the guide's 4.6: a family asks the technician to sign for the
beneficiary. The cases service refuses such a document
(``NobodySignsForTheBeneficiary``, rule code below) and publishes the
refusal; the guide wants the coordinator to know, so that they talk it
over with the technician. This part tells them: the case's social worker,
or, for a case this service has not followed, the SPAS heads of the
municipality (someone responsible must hear of it). A mixin of
``NotificationsApplication``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.notifications.domain import Notification
from services.notifications.reminder_planning import ReminderPlanning
from services.notifications.reminder_rules import case_record_id, document_record_id
from services.notifications.reminder_state import FollowedCase, FollowedDocument

# services/cases/competence.py: NobodySignsForTheBeneficiary.code
SIGNED_FOR_THE_BENEFICIARY = "nobody_signs_for_the_beneficiary"
KIND = "signature_for_beneficiary_refused"


class RefusedSignatures(ReminderPlanning):
    def signature_refused(
        self, data: dict[str, Any], event: Any, municipality: str | None, now: datetime
    ) -> list[Notification]:
        """The notifications of a cases ``CommandRefused``: none unless it
        refused a signature on the beneficiary's behalf."""
        if data.get("code") != SIGNED_FOR_THE_BENEFICIARY:
            return []
        case_id = self._case_named(data.get("refused_subject"))
        case = self.find(case_record_id(case_id), FollowedCase) if case_id else None
        if case is not None and case.social_worker_id:
            audience = [case.social_worker_id]
        else:
            audience = self.people_with_role("spas_head", municipality)
        technician = event.get_extension("actor")
        fields = {"case_id": case_id or "?", "technician_id": technician}
        payload = {
            "kind": KIND,
            "case_id": case_id,
            "technician_id": technician,
            "command": data.get("command"),
            "municipality": municipality,
        }
        refusal = event.get_subject()  # the refusal's own id: told once, however often delivered
        return self.tell(audience, KIND, refusal, "refusal", fields, payload, now)

    def _case_named(self, subject: str | None) -> str | None:
        """The case a refusal names: the case itself (a document drafted) or
        one of its documents (a document revised)."""
        if not subject:
            return None
        if self.find(case_record_id(subject), FollowedCase) is not None:
            return subject
        document = self.find(document_record_id(subject), FollowedDocument)
        return document.case_id if document is not None else None
