"""Who is told, and how: the registry as the coordination service's events
tell it (roles and municipalities, for escalation), each person's contact
(e-mail, language), the webhooks of other county systems, and each
person's inbox. A mixin of ``NotificationsApplication``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import EventStore

from events.actor import Actor
from events.errors import Forbidden
from events.following import TeamView
from events.refusals import records_refusals
from events.store import ApplicationPart
from events.team import Team
from events.vocabulary.notifications import NOTIFICATION_KINDS
from services.notifications.competence import (
    InvalidNotificationCommand,
    UnknownAlert,
    UnknownNotification,
    UnknownWebhook,
    WebhookDestinationRefused,
)
from services.notifications.destinations import DestinationRefused, Policy, Resolver
from services.notifications.domain import Notification, notification_id
from services.notifications.messages import check_language, gateway_link, render
from services.notifications.projections import Inboxes, Webhooks
from services.notifications.recipients import Contact, Webhook, contact_id, webhook_secret

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NotificationAccessDenied(Forbidden):
    code = "notification_access_denied"


class People(ApplicationPart):
    actor: Actor
    webhook_key: bytes
    destinations: Policy  # where webhooks may point (destinations.py)
    resolver: Resolver  # name -> addresses; the system's, or a test's
    now: Callable[[], datetime]
    team: Callable[[Actor], Team]  # who is asking: the registry wins over claims
    events: EventStore[UUID]  # each notification's history, for the delivery audit

    # -- who holds a role ----------------------------------------------------------
    def people_with_role(self, role: str, municipality: str | None) -> list[str]:
        """Active staff of that role: a SPAS head of the municipality, or
        anyone of the county's staff."""
        staff = self.view(TeamView).staff
        return sorted(
            staff_id
            for staff_id, s in staff.items()
            if s["role"] == role
            and s["active"]
            and (role != "spas_head" or s["municipality"] == municipality)
        )

    # -- making notifications ----------------------------------------------------------
    def notify_person(
        self,
        person: str,
        kind: str,
        source: str,
        purpose: str,
        fields: dict[str, Any],
        payload: dict[str, Any],
        now: datetime,
    ) -> Notification:
        contact = self.find(contact_id(person), Contact)
        language = contact.language if contact else "ro"
        targets = {"inbox": person}
        if contact is not None and contact.email:
            targets["email"] = contact.email
        link = gateway_link(_linked(payload))
        subject, text = render(kind, language, fields | {"link": link})
        role = self.view(TeamView).staff.get(person, {}).get("role", "unknown")
        return Notification.create(
            self.actor,
            notification_id(source, person, purpose),
            kind=kind,
            recipient_id=person,
            recipient_role=role,
            subject=subject,
            text=text,
            link=link,
            payload=payload,
            targets=targets,
            now=now,
        )

    def notify_webhooks(
        self,
        kind: str,
        municipality: str | None,
        source: str,
        purpose: str,
        fields: dict[str, Any],
        payload: dict[str, Any],
        now: datetime,
    ) -> list[Notification]:
        told = []
        for webhook_id in self.view(Webhooks).ids:
            webhook = self.find(UUID(webhook_id), Webhook)
            if webhook is None or not webhook.wants(kind, municipality):
                continue
            link = gateway_link(_linked(payload))
            subject, text = render(kind, "ro", fields | {"link": link})
            told.append(
                Notification.create(
                    self.actor,
                    notification_id(source, webhook_id, purpose),
                    kind=kind,
                    recipient_id=webhook_id,
                    recipient_role="webhook",
                    subject=subject,
                    text=text,
                    link=link,
                    payload=payload | {"link": link},
                    targets={"webhook": webhook_id},
                    now=now,
                )
            )
        return told

    # -- contacts and webhooks -------------------------------------------------------------
    @records_refusals
    def set_contact(
        self, actor: Actor, staff_id: UUID, email: str | None, language: str = "ro"
    ) -> dict[str, Any]:
        """A person sets their own; the county's staff set anyone's."""
        if actor.id != str(staff_id) and self.team(actor).role not in ("county_admin", "system"):
            raise NotificationAccessDenied("you set your own contact; the county sets others'")
        if email is not None and not EMAIL.match(email):
            raise InvalidNotificationCommand(f"{email!r} is not an e-mail address", field="email")
        language = check_language(language)
        found = self.find(contact_id(str(staff_id)), Contact)
        if found is None:
            found = Contact._create(
                Contact.Set,
                id=contact_id(str(staff_id)),
                staff_id=str(staff_id),
                email=email,
                language=language,
                **actor.event_fields(),
            )
        else:
            found.change(email, language, **actor.event_fields())
        self.save(found)
        return {"staff_id": str(staff_id), "email": email, "language": language}

    @records_refusals
    def register_webhook(
        self,
        actor: Actor,
        name: str,
        url: str,
        kinds: list[str],
        municipality: str | None = None,
    ) -> dict[str, Any]:
        """The county registers another system; the secret its deliveries
        are signed with is shown this once. The URL's destination is checked
        now and again at each delivery (destinations.py)."""
        self.check_webhook_admin(actor)
        if not self.webhook_key:
            raise InvalidNotificationCommand(
                "NOTIFICATIONS_WEBHOOK_KEY is not configured: webhooks cannot be signed"
            )
        self.check_destination(url)
        unknown = sorted(set(kinds) - set(NOTIFICATION_KINDS))
        if not kinds or unknown:
            raise InvalidNotificationCommand(
                f"kinds are some of {', '.join(NOTIFICATION_KINDS)}"
                + (f"; not {unknown}" if unknown else ""),
                field="kinds",
            )
        webhook = Webhook._create(
            Webhook.Registered,
            id=uuid4(),
            name=name,
            url=url,
            kinds=sorted(set(kinds)),
            municipality=municipality,
            **actor.event_fields(),
        )
        self.save(webhook)
        return {
            "webhook_id": str(webhook.id),
            "secret": webhook_secret(self.webhook_key, webhook.id),
            "kinds": webhook.kinds,
        }

    def check_webhook_admin(self, actor: Actor) -> None:
        if self.team(actor).role != "county_admin":
            raise NotificationAccessDenied(
                "Webhook-urile sunt gestionate de personalul județului (county_admin)."
            )

    def check_destination(self, url: str) -> None:
        try:
            self.destinations.resolve(url, self.resolver)
        except DestinationRefused as refused:
            raise WebhookDestinationRefused(refused.message, field="url", why=refused.why) from None

    def webhooks(self, actor: Actor) -> list[dict[str, Any]]:
        """The webhooks in use (removed ones are gone), without their secrets."""
        self.check_webhook_admin(actor)
        found = [self.find(UUID(w), Webhook) for w in self.view(Webhooks).ids]
        return [
            {
                "webhook_id": str(w.id),
                "name": w.name,
                "url": w.url,
                "kinds": w.kinds,
                "municipality": w.municipality,
                "secret_generation": w.generation,
                "registered_at": w.created_on.isoformat(),
            }
            for w in found
            if w is not None
        ]

    @records_refusals
    def rotate_webhook_secret(self, actor: Actor, webhook: UUID) -> dict[str, Any]:
        """A new signing secret, shown this once; the old one signs nothing
        from now on (a retry of an earlier delivery is signed with the new)."""
        found = self._webhook(actor, webhook)
        found.rotate(actor)
        self.save(found)
        secret = webhook_secret(self.webhook_key, found.id, found.generation)
        return {
            "webhook_id": str(found.id),
            "secret": secret,
            "secret_generation": found.generation,
        }

    @records_refusals
    def remove_webhook(self, actor: Actor, webhook: UUID) -> dict[str, Any]:
        """No new notification for it; pending deliveries to it are not sent."""
        found = self._webhook(actor, webhook)
        found.remove(actor)
        self.save(found)
        return {"webhook_id": str(found.id), "removed": True}

    def _webhook(self, actor: Actor, webhook: UUID) -> Webhook:
        self.check_webhook_admin(actor)
        missing = UnknownWebhook(f"Nu există webhook-ul {webhook}.", webhook_id=str(webhook))
        return self.get_as(webhook, Webhook, missing)

    # -- the inbox --------------------------------------------------------------------------
    def inbox(self, actor: Actor, unread_only: bool = False) -> list[dict[str, Any]]:
        return self.view(Inboxes).inbox(actor.id, unread_only)

    def mark_read(self, actor: Actor, notification: UUID) -> dict[str, Any]:
        missing = UnknownNotification(f"no notification {notification} for you")
        found = self.get_as(notification, Notification, missing)
        found.mark_read(actor, self.now())
        self.save(found)
        return {"notification_id": str(found.id), "read_at": found.read_at}

    def alerts(self, actor: Actor, open_only: bool = False) -> list[dict[str, Any]]:
        """The alerts someone may follow: those sent to them (the county's
        staff: those escalated to them); all of the municipality for its SPAS
        head; all for auditors. An alert names a case: never the county's
        to browse (R9), only to act on once escalated."""
        view, team = self.view(Inboxes), self.team(actor)
        mine = {e["alert_id"] for e in view.of_recipient.get(actor.id, []) if e["alert_id"]}
        found = [
            a
            for a in view.alerts.values()
            if a["alert_id"] in mine
            or team.role == "auditor"
            or (team.role == "spas_head" and a["municipality"] == team.municipality)
        ]
        return [a for a in found if not (open_only and a["status"] == "acknowledged")]

    def alert_record(self, actor: Actor, alert: UUID) -> dict[str, Any]:
        """The proof of who was told what and when: the alert's course and
        every notification made for it, with each delivery's history."""
        view = self.view(Inboxes)
        found = view.alerts.get(str(alert))
        notes = view.of_alert.get(str(alert), [])
        team = self.team(actor)
        allowed = found is not None and (
            team.role == "auditor"
            or (team.role == "spas_head" and found["municipality"] == team.municipality)
            or any(n["recipient_id"] == actor.id for n in notes)
        )
        if found is None or not allowed:
            raise UnknownAlert(f"no alert {alert} that you may see", alert_id=str(alert))
        return found | {
            "notifications": [
                n | {"deliveries": self._history(UUID(n["notification_id"]))} for n in notes
            ]
        }

    def deliveries(self, actor: Actor, notification: UUID) -> list[dict[str, Any]]:
        """The audit of one notification: every attempt, delivery and
        failure, for its recipient and auditors."""
        missing = UnknownNotification(f"no notification {notification} for you")
        found = self.get_as(notification, Notification, missing)
        if actor.id != found.recipient_id and self.team(actor).role != "auditor":
            raise missing
        return self._history(found.id)

    def _history(self, aggregate_id: UUID) -> list[dict[str, Any]]:
        return [
            {
                "event": type(e).__name__,
                "at": e.timestamp.isoformat(),
                **{
                    k: getattr(e, k)
                    for k in ("channel", "attempt", "category", "reason", "retry_at")
                    if hasattr(e, k)
                },
            }
            for e in self.events.get(aggregate_id)
            if isinstance(e, Aggregate.Event)  # every stored one is; says so to the type checker
        ]


def _linked(payload: dict[str, Any]) -> str:
    """The gateway's path of what a notification is about: its case, its
    incident (``/incidents/{id}``, which a coordinator it is hidden from
    finds as unknown) or its contract."""
    if payload.get("case_id"):
        return f"cases/{payload['case_id']}"
    if payload.get("incident_id"):
        return f"incidents/{payload['incident_id']}"
    if payload.get("contract_id"):
        return f"contracts/{payload['contract_id']}"
    return ""
