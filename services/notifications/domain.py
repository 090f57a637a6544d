"""Alerts and notifications (guide 2.1 §2 urgency, 4.4.3 escalation). Pure:
no nameko, no database, no I/O; the time is always given.

- An ``Alert`` is one urgent-risk report as this service follows it: raised
  for the case's coordinator, escalated to the SPAS head and then to the
  county when nobody acknowledges it within the SLA, acknowledged once. Its
  events are the legal proof of who was told what, and when.
- A ``Notification`` is one message to one recipient (a person, or another
  county system's webhook), with the state of each channel it goes out on:
  every attempt, delivery and failure is an event of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.errors import Conflict, Forbidden, InvalidCommand, NotFound
from services.notifications.outcomes import category_of_reason

ESCALATION = ("spas_head", "county_admin")  # 4.4.3: the SPAS head first, then the county
LEASE = timedelta(minutes=5)  # an attempt with no outcome by then is tried again


class InvalidNotificationCommand(InvalidCommand):
    code = "invalid_notification_command"


class UnknownAlert(NotFound):
    code = "alert_not_found"


class UnknownNotification(NotFound):
    code = "notification_not_found"


class NotAlerted(Forbidden):
    """Only someone this alert was sent to acknowledges it."""

    code = "not_alerted"


class AlertAlreadyAcknowledged(Conflict):
    code = "alert_already_acknowledged"


class UnknownWebhook(NotFound):
    code = "webhook_not_found"


class WebhookRemoved(Conflict):
    """A removed webhook is neither rotated nor removed again."""

    code = "webhook_removed"


class WebhookDestinationRefused(Forbidden):
    """A URL a webhook may not use: not https, credentials in it, or an
    address that is internal (destinations.py). Recorded as a refusal: a
    webhook aimed inside the network is worth the county's attention."""

    code = "webhook_destination_refused"


def alert_id(risk_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/alert/{risk_id}")


def notification_id(source: str, recipient: str, purpose: str) -> UUID:
    """One notification per source event, recipient and purpose: the same
    upstream event delivered twice finds it already there."""
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/{source}/{recipient}/{purpose}")


def moment(value: datetime) -> str:
    return value.isoformat()


def lease_ends(attempted_at: str) -> str:
    """When an attempt with no outcome is tried again."""
    return moment(datetime.fromisoformat(attempted_at) + LEASE)


class Alert(AuditedAggregate):
    class Raised(Aggregate.Created, AuditedAggregate.Event):
        risk_id: str
        case_id: str
        category: str
        municipality: str | None
        coordinator_id: str
        reporter_id: str
        sla_minutes: int
        raised_at: str
        due_at: str

    class Escalated(AuditedAggregate.Event):
        level: int  # 1: the SPAS head, 2: the county
        to_role: str
        recipient_ids: list[str]
        at: str
        next_due_at: str | None

        def apply(self, alert: Alert) -> None:
            alert.level = self.level
            alert.recipients += [r for r in self.recipient_ids if r not in alert.recipients]
            alert.due_at = self.next_due_at

    class Acknowledged(AuditedAggregate.Event):
        by_id: str
        by_role: str
        at: str
        via: str  # "cases" (the coordinator acknowledged the report) or "inbox"
        within_sla: bool

        def apply(self, alert: Alert) -> None:
            alert.acknowledged_at, alert.due_at = self.at, None

    def __init__(
        self,
        risk_id: str,
        case_id: str,
        category: str,
        municipality: str | None,
        coordinator_id: str,
        sla_minutes: int,
        raised_at: str,
        due_at: str,
        **_: Any,
    ) -> None:
        self.risk_id, self.case_id, self.category = risk_id, case_id, category
        self.municipality, self.coordinator_id = municipality, coordinator_id
        self.sla_minutes, self.raised_at = sla_minutes, raised_at
        self.due_at: str | None = due_at
        self.first_due_at = due_at
        self.level = 0
        self.recipients: list[str] = [coordinator_id]
        self.acknowledged_at: str | None = None

    @classmethod
    def raise_for(
        cls,
        actor: Actor,
        risk: dict[str, Any],
        municipality: str | None,
        sla_minutes: int,
        now: datetime,
    ) -> Alert:
        return cls._create(
            cls.Raised,
            id=alert_id(risk["risk_id"]),
            risk_id=risk["risk_id"],
            case_id=risk["case_id"],
            category=risk["category"],
            municipality=municipality,
            coordinator_id=risk["coordinator_id"],
            reporter_id=risk["reporter_id"],
            sla_minutes=sla_minutes,
            raised_at=moment(now),
            due_at=moment(now + timedelta(minutes=sla_minutes)),
            **actor.event_fields(),
        )

    def is_due(self, now: datetime) -> bool:
        return self.due_at is not None and datetime.fromisoformat(self.due_at) <= now

    def escalation_due(self, now: datetime) -> str | None:
        """The role 4.4.3 tells next, if the SLA ran out unacknowledged."""
        if not self.is_due(now) or self.level >= len(ESCALATION):
            return None
        return ESCALATION[self.level]

    def escalate(self, actor: Actor, recipient_ids: list[str], now: datetime) -> str | None:
        """The next step of 4.4.3 if it is due; returns the role told, or
        None when nothing was due."""
        if self.escalation_due(now) is None:
            return None
        level = self.level + 1
        last = level == len(ESCALATION)
        self.trigger_event(
            self.Escalated,
            level=level,
            to_role=ESCALATION[level - 1],
            recipient_ids=recipient_ids,
            at=moment(now),
            next_due_at=None if last else moment(now + timedelta(minutes=self.sla_minutes)),
            **actor.event_fields(),
        )
        return ESCALATION[level - 1]

    def acknowledge(self, actor: Actor, via: str, now: datetime) -> None:
        if actor.id not in self.recipients and via != "cases":
            raise NotAlerted(
                f"alert {self.id} was not sent to you; those alerted acknowledge it",
                alert_id=str(self.id),
            )
        if self.acknowledged_at is not None:
            raise AlertAlreadyAcknowledged(
                f"alert {self.id} was acknowledged at {self.acknowledged_at}",
                alert_id=str(self.id),
            )
        self.trigger_event(
            self.Acknowledged,
            by_id=actor.id,
            by_role=actor.role,
            at=moment(now),
            via=via,
            within_sla=now <= datetime.fromisoformat(self.first_due_at),
            **actor.event_fields(),
        )

    @property
    def status(self) -> str:
        if self.acknowledged_at:
            return "acknowledged"
        return ("raised", "escalated_to_spas_head", "escalated_to_county")[self.level]


class Notification(AuditedAggregate):
    """``targets``: channel -> where (inbox: the recipient's id; email: an
    address; webhook: the webhook's id)."""

    class Created(Aggregate.Created, AuditedAggregate.Event):
        kind: str
        recipient_id: str
        recipient_role: str
        subject: str
        text: str
        link: str
        payload: dict[str, Any]
        targets: dict[str, str]
        created_at: str

        def apply(self, notification: Notification) -> None:
            notification.channels = {
                channel: {
                    "status": "pending",
                    "attempts": 0,
                    "next_at": self.created_at,
                    "last_error": None,
                    "delivered_at": None,
                }
                for channel in self.targets
            }

    class DeliveryAttempted(AuditedAggregate.Event):
        channel: str
        attempt: int
        at: str

        def apply(self, notification: Notification) -> None:
            state = notification.channels[self.channel]
            state.update(status="in_flight", attempts=self.attempt, next_at=lease_ends(self.at))

    class Delivered(AuditedAggregate.Event):
        channel: str
        at: str

        def apply(self, notification: Notification) -> None:
            state = notification.channels[self.channel]
            state.update(status="delivered", delivered_at=self.at, next_at=None)

    class DeliveryFailed(AuditedAggregate.Event):
        channel: str
        attempt: int
        reason: str  # the detail, kept here for the audit; never published
        retry_at: str | None  # None: given up
        category: str  # outcomes.py: all that is published of the failure

        # v2 added the category; a failure stored before reads with the
        # category its reason's words tell (outcomes.category_of_reason).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["category"] = category_of_reason(state["reason"])

        def apply(self, notification: Notification) -> None:
            state = notification.channels[self.channel]
            status = "failed" if self.retry_at else "abandoned"
            state.update(status=status, next_at=self.retry_at, last_error=self.reason)

    class Read(AuditedAggregate.Event):
        at: str

        def apply(self, notification: Notification) -> None:
            notification.read_at = self.at

    def __init__(
        self,
        kind: str,
        recipient_id: str,
        subject: str,
        text: str,
        link: str,
        payload: dict[str, Any],
        targets: dict[str, str],
        **_: Any,
    ) -> None:
        self.kind, self.recipient_id, self.targets = kind, recipient_id, targets
        self.subject, self.text, self.link, self.payload = subject, text, link, payload
        self.channels: dict[str, dict[str, Any]] = {}
        self.read_at: str | None = None

    @classmethod
    def create(
        cls,
        actor: Actor,
        id: UUID,
        *,
        kind: str,
        recipient_id: str,
        recipient_role: str,
        subject: str,
        text: str,
        link: str,
        payload: dict[str, Any],
        targets: dict[str, str],
        now: datetime,
    ) -> Notification:
        """The in-app inbox is this service's own store: a notification is
        delivered there the moment it exists."""
        notification = cls._create(
            cls.Created,
            id=id,
            kind=kind,
            recipient_id=recipient_id,
            recipient_role=recipient_role,
            subject=subject,
            text=text,
            link=link,
            payload=payload,
            targets=targets,
            created_at=moment(now),
            **actor.event_fields(),
        )
        if "inbox" in targets:
            notification.trigger_event(
                cls.Delivered, channel="inbox", at=moment(now), **actor.event_fields()
            )
        return notification

    def due_channels(self, now: datetime) -> list[str]:
        """Channels to try now: pending, failed with their retry due, or an
        attempt whose outcome never came (the lease ran out)."""
        return [
            channel
            for channel, state in self.channels.items()
            if state["status"] in ("pending", "failed", "in_flight")
            and state["next_at"] is not None
            and datetime.fromisoformat(state["next_at"]) <= now
        ]

    def claim(self, actor: Actor, channel: str, now: datetime) -> int:
        """Records the attempt before it is made: of two replicas, the one
        whose claim is stored makes it."""
        attempt = self.channels[channel]["attempts"] + 1
        self.trigger_event(
            self.DeliveryAttempted,
            channel=channel,
            attempt=attempt,
            at=moment(now),
            **actor.event_fields(),
        )
        return attempt

    def delivered(self, actor: Actor, channel: str, now: datetime) -> None:
        self.trigger_event(self.Delivered, channel=channel, at=moment(now), **actor.event_fields())

    def failed(
        self,
        actor: Actor,
        channel: str,
        reason: str,
        retry_at: datetime | None,
        category: str,
    ) -> None:
        self.trigger_event(
            self.DeliveryFailed,
            channel=channel,
            attempt=self.channels[channel]["attempts"],
            reason=reason[:500],
            retry_at=moment(retry_at) if retry_at else None,
            category=category,
            **actor.event_fields(),
        )

    def mark_read(self, actor: Actor, now: datetime) -> None:
        if actor.id != self.recipient_id:
            raise UnknownNotification(f"no notification {self.id} for you", id=str(self.id))
        if self.read_at is None:
            self.trigger_event(self.Read, at=moment(now), **actor.event_fields())


class Contact(AuditedAggregate):
    """How a person is reached beyond the inbox, and in which language first."""

    class Set(Aggregate.Created, AuditedAggregate.Event):
        staff_id: str
        email: str | None
        language: str

    class Changed(AuditedAggregate.Event):
        email: str | None
        language: str

        def apply(self, contact: Contact) -> None:
            contact.email, contact.language = self.email, self.language

    def __init__(self, staff_id: str, email: str | None, language: str, **_: Any) -> None:
        self.staff_id, self.email, self.language = staff_id, email, language


def contact_id(staff_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/contact/{staff_id}")


class Webhook(AuditedAggregate):
    """Another county system that wants the alerts: its URL, the kinds it
    wants and the municipality it serves (None: the whole county). The
    secret its deliveries are signed with is derived from the service's
    webhook key, the webhook's id and its generation (one more at each
    rotation), never stored (``webhook_secret``)."""

    class Registered(Aggregate.Created, AuditedAggregate.Event):
        name: str
        url: str
        kinds: list[str]
        municipality: str | None

    class SecretRotated(AuditedAggregate.Event):
        generation: int

        def apply(self, webhook: Webhook) -> None:
            webhook.generation = self.generation

    class Removed(AuditedAggregate.Event):
        def apply(self, webhook: Webhook) -> None:
            webhook.active = False

    def __init__(
        self, name: str, url: str, kinds: list[str], municipality: str | None, **_: Any
    ) -> None:
        self.name, self.url, self.kinds, self.municipality = name, url, kinds, municipality
        self.active = True
        self.generation = 0

    def check_active(self) -> None:
        if not self.active:
            raise WebhookRemoved(
                f"Webhook-ul {self.id} a fost șters; înregistrați unul nou dacă sistemul "
                "trebuie să primească din nou notificări.",
                webhook_id=str(self.id),
            )

    def rotate(self, actor: Actor) -> None:
        """A new signing secret; the old one signs nothing from now on."""
        self.check_active()
        self.trigger_event(
            self.SecretRotated, generation=self.generation + 1, **actor.event_fields()
        )

    def remove(self, actor: Actor) -> None:
        self.check_active()
        self.trigger_event(self.Removed, **actor.event_fields())

    def wants(self, kind: str, municipality: str | None) -> bool:
        return (
            self.active
            and kind in self.kinds
            and (self.municipality is None or self.municipality == municipality)
        )


def webhook_secret(key: bytes, webhook_id: UUID, generation: int = 0) -> str:
    """HMAC of the webhook's id (and generation, after a rotation) under the
    service's key, as a Standard Webhooks secret (``whsec_`` + base64): given
    to the county admin once, at registration or rotation, and derived again
    for each delivery."""
    signed = str(webhook_id) if generation == 0 else f"{webhook_id}/{generation}"
    digest = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(digest).decode("ascii")
