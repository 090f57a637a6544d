"""Case 3 of the guide's 4.6 and 4.4.3: a disagreement with the family or an
institution that the case's team could not settle goes up one level at a
time, to the SPAS head, then to the county ("Situațiile nerezolvate se
raportează ... șefului ierarhic"). The cases service records the level
reached (``DisagreementEscalated``); this part makes sure someone at that
level hears of it: every active SPAS head of the case's municipality, or
every member of the county's staff. What the disagreement is about stays
sealed in the cases service: the notice names the case and the level. A
mixin of ``NotificationsApplication``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.notifications.domain import Notification
from services.notifications.reminder_planning import ReminderPlanning
from services.notifications.reminder_rules import case_record_id
from services.notifications.reminder_state import FollowedCase

KIND = "disagreement_escalated"


class EscalatedDisagreements(ReminderPlanning):
    def disagreement_escalated(
        self, data: dict[str, Any], event: Any, now: datetime
    ) -> list[Notification]:
        level = data["level"]  # a staff role: events.vocabulary.ESCALATION_LEVELS
        # the stored event names the case only, so its CloudEvent carries no
        # municipality; the case, as this service follows it, does
        case = self.find(case_record_id(data["case_id"]), FollowedCase)
        municipality = case.municipality if case is not None else None
        fields = {"case_id": data["case_id"], "level": level}
        payload = {
            "kind": KIND,
            "case_id": data["case_id"],
            "disagreement_id": data["disagreement_id"],
            "level": level,
            "social_worker_id": event.get_extension("actor"),
            "municipality": municipality,
        }
        # one notice per disagreement and level, however often delivered
        source = f"{data['disagreement_id']}:{level}"
        people = self.people_with_role(level, municipality)
        return self.tell(people, KIND, source, "escalation", fields, payload, now)
