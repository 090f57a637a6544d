"""The notifications application. It owns nothing of the domain: it follows
the other services' events (through the foundation's exactly-once
subscription) and owns the deliveries. Each upstream event's effect (an
alert raised, the notifications it makes, a reminder scheduled) is stored
with the event's position in one transaction; the timers (``tick``) then
escalate, deliver, retry and remind, each step an event of its own."""

from __future__ import annotations

import base64
import os
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Tracking

from events.actor import SYSTEM, Actor
from events.following import FollowsCoordination, TeamView
from events.refusals import records_refusals
from events.store import EventSourcedApplication
from services.notifications.clock import Clock
from services.notifications.competence import AlertAlreadyAcknowledged, UnknownAlert
from services.notifications.delivery import Deliveries
from services.notifications.destinations import Policy, Resolver, system_resolver
from services.notifications.disagreements import EscalatedDisagreements
from services.notifications.domain import Alert, Notification, alert_id
from services.notifications.experience import ExperienceMismatches
from services.notifications.incidents import IncidentNotices
from services.notifications.pending import PendingReminders
from services.notifications.people import People
from services.notifications.projections import Inboxes, Timers, Webhooks
from services.notifications.reminders import Reminders
from services.notifications.signatures import RefusedSignatures
from services.notifications.sla import acknowledgement_sla, service_levels_from_env


class NotificationsApplication(
    RefusedSignatures,
    EscalatedDisagreements,
    IncidentNotices,
    ExperienceMismatches,
    Reminders,
    Deliveries,
    People,
    FollowsCoordination,
    EventSourcedApplication,
):
    name = "notifications"
    VIEWS = (TeamView, Timers, Inboxes, Webhooks, PendingReminders)
    actor = Actor("notifications", SYSTEM)

    def __init__(self, store_url: str) -> None:
        super().__init__(store_url)
        self.clock = Clock.from_env()
        self.sla = service_levels_from_env()  # the coordinator's, per category (sla.py)
        key = os.environ.get("NOTIFICATIONS_WEBHOOK_KEY", "")
        self.webhook_key = base64.urlsafe_b64decode(key) if key else b""
        self.destinations = Policy.from_env()
        # Tests replace it with one they control: no name is looked up then.
        self.resolver: Resolver = system_resolver

    def now(self) -> datetime:
        return self.clock.now()

    # -- in from the cases service ------------------------------------------------
    def follow_cases(self, name: str, event: Any, tracking: Tracking) -> None:
        data, now = event.get_data(), self.now()
        changed: list[Any] = []
        if name == "UrgentRiskReported":
            changed += self._raise_alert(data, event.get_extension("municipality"), now)
        elif name == "UrgentRiskAcknowledged":
            changed += self._acknowledged_in_cases(data, event, now)
        elif name == "CommandRefused":
            changed += self.signature_refused(data, event, event.get_extension("municipality"), now)
        elif name == "DisagreementEscalated":
            changed += self.disagreement_escalated(data, event, now)
        changed += self.plan_reminders("cases", name, event, now)
        self.save_processed(tracking, *changed)

    def _raise_alert(self, risk: dict[str, Any], municipality: str | None, now: datetime) -> list:
        if self.find(alert_id(risk["risk_id"]), Alert) is not None:
            return []
        sla = acknowledgement_sla(self.sla, risk)
        alert = Alert.raise_for(self.actor, risk, municipality, sla, now)
        fields = {
            "case_id": alert.case_id,
            "category": alert.category,
            "observed_at": risk["observed_at"],
            "due_at": alert.due_at,
            "reported_late": alert.reported_late,
            "deadline_hours": risk.get("deadline_hours"),
            "immediate_danger": alert.immediate_danger,
            "emergency_call_missing": risk.get("emergency_call_missing") is True,
        }
        payload = self._alert_payload(alert, "urgent_risk_alert")
        told = self.tell(
            [alert.coordinator_id],
            "urgent_risk_alert",
            str(alert.id),
            "alert",
            fields,
            payload,
            now,
        )
        return [alert, *told]

    def _acknowledged_in_cases(self, data: dict[str, Any], event: Any, now: datetime) -> list:
        alert = self.find(alert_id(data["risk_id"]), Alert)
        if alert is None or alert.acknowledged_at is not None:
            return []
        who = Actor(
            event.get_extension("actor") or alert.coordinator_id,
            event.get_extension("actorrole") or "social_worker",
            None,
            event.get_extension("correlationid") or "",
        )
        alert.acknowledge(who, "cases", now)
        return [alert]

    @staticmethod
    def _alert_payload(alert: Alert, kind: str) -> dict[str, Any]:
        return {
            "kind": kind,
            "alert_id": str(alert.id),
            "risk_id": alert.risk_id,
            "case_id": alert.case_id,
            "category": alert.category,
            "municipality": alert.municipality,
            "raised_at": alert.raised_at,
        }

    # -- in from the coordination service ---------------------------------------------
    def follow_coordination(self, name: str, event: Any, tracking: Tracking) -> None:
        """Who is who (the registry, for escalation), what to remind, and who
        must hear of an incident or of a contract short of experience (R5)."""
        fact, now = self.coordination_fact(name, event), self.now()
        changed = self.plan_reminders("coordination", name, event, now)
        changed += self.incident_notices(name, event, now)
        changed += self.experience_notices(name, event, now)
        self.save_processed(tracking, *([fact] if fact is not None else []), *changed)

    # -- acknowledging ----------------------------------------------------------------------
    @records_refusals
    def acknowledge_alert(self, actor: Actor, alert: UUID) -> dict[str, Any]:
        found = self.get_as(alert, Alert, UnknownAlert(f"no alert {alert}", alert_id=str(alert)))
        as_registered = replace(actor, role=self.team(actor).role)  # the registry's role, on record
        found.acknowledge(as_registered, "inbox", self.now())
        self.save_or(AlertAlreadyAcknowledged("acknowledged just now by someone else"), found)
        return self.alert_view(found)

    @staticmethod
    def alert_view(alert: Alert) -> dict[str, Any]:
        return {
            "alert_id": str(alert.id),
            "risk_id": alert.risk_id,
            "case_id": alert.case_id,
            "category": alert.category,
            "immediate_danger": alert.immediate_danger,
            "reported_late": alert.reported_late,
            "sla_minutes": alert.sla_minutes,
            "status": alert.status,
            "raised_at": alert.raised_at,
            "due_at": alert.due_at,
            "acknowledged_at": alert.acknowledged_at,
            "recipients": alert.recipients,
        }

    # -- the timers ----------------------------------------------------------------------------
    def tick(self) -> dict[str, int]:
        """Escalate what fell due, deliver and retry, remind: every replica
        may run it; what two replicas both try, one of them stores."""
        now = self.now()
        return {
            "escalated": self._escalate_due(now),
            "reminded": self.fire_reminders(now),
            "attempted": self.deliver_due(now),
        }

    def _escalate_due(self, now: datetime) -> int:
        done = 0
        for due in self.view(Timers).alerts_due(now):
            alert = self.find(UUID(due), Alert)
            if alert is None:
                continue
            role = alert.escalation_due(now)
            if role is None:
                continue
            recipients = self.people_with_role(role, alert.municipality)
            alert.escalate(self.actor, recipients, now)
            fields = {
                "case_id": alert.case_id,
                "category": alert.category,
                "raised_at": alert.raised_at,
                "sla_minutes": alert.sla_minutes,
            }
            payload = self._alert_payload(alert, "urgent_risk_escalation") | {"level": alert.level}
            told = self.tell(
                recipients,
                "urgent_risk_escalation",
                str(alert.id),
                f"escalation-{alert.level}",
                fields,
                payload,
                now,
            )
            try:
                self.save(alert, *told)
            except IntegrityError:
                continue  # another replica escalated it
            done += 1
        return done

    def tell(
        self,
        people: list[str],
        kind: str,
        source: str,
        purpose: str,
        fields: dict[str, Any],
        payload: dict[str, Any],
        now: datetime,
    ) -> list[Notification]:
        """Each person's notification (inbox, and e-mail if they have an
        address), and the webhooks' that want this kind once: a webhook's
        notice of one source is one notice, however many people hear of it
        (made once per person, two of one id would fail the whole batch).
        Only those not made before: an event delivered again tells no one
        twice."""
        told = [self.notify_person(p, kind, source, purpose, fields, payload, now) for p in people]
        municipality = payload.get("municipality")
        told += self.notify_webhooks(kind, municipality, source, purpose, fields, payload, now)
        return [n for n in told if self.find(n.id, Notification) is None]
