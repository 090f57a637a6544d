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

from datetime import datetime, timedelta
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.vocabulary import ESCALATION_LEVELS
from services.notifications.competence import (
    AlertAlreadyAcknowledged,
    NotAlerted,
    UnknownNotification,
)
from services.notifications.outcomes import category_of_reason
from services.notifications.sla import immediate_danger, immediate_danger_of

LEASE = timedelta(minutes=5)  # an attempt with no outcome by then is tried again


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
        # the technician's 2 hours (2.3.1) missed; life or integrity in danger (4.6):
        # None on alerts raised before they were recorded
        reported_late: bool | None = None
        immediate_danger: bool | None = None

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    Escalated: ClassVar[type[Any]]
    Acknowledged: ClassVar[type[Any]]

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
        reported_late: bool | None = None,
        immediate_danger: bool | None = None,
    ) -> None:
        self.risk_id, self.case_id, self.category = risk_id, case_id, category
        self.reported_late = bool(reported_late)
        self.immediate_danger = immediate_danger_of(category, immediate_danger)
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
            reported_late=bool(risk.get("late")),
            immediate_danger=immediate_danger(risk),
            **actor.event_fields(),
        )

    def is_due(self, now: datetime) -> bool:
        return self.due_at is not None and datetime.fromisoformat(self.due_at) <= now

    def escalation_due(self, now: datetime) -> str | None:
        """The role 4.4.3 tells next, if the SLA ran out unacknowledged."""
        if not self.is_due(now) or self.level >= len(ESCALATION_LEVELS):
            return None
        return ESCALATION_LEVELS[self.level]

    def escalate(self, actor: Actor, recipient_ids: list[str], now: datetime) -> str | None:
        """The next step of 4.4.3 if it is due; returns the role told, or
        None when nothing was due."""
        if self.escalation_due(now) is None:
            return None
        level = self.level + 1
        last = level == len(ESCALATION_LEVELS)
        self._escalated(
            level,
            ESCALATION_LEVELS[level - 1],
            recipient_ids,
            moment(now),
            None if last else moment(now + timedelta(minutes=self.sla_minutes)),
            **actor.event_fields(),
        )
        return ESCALATION_LEVELS[level - 1]

    @event("Escalated")
    def _escalated(
        self,
        level: int,  # 1: the SPAS head, 2: the county
        to_role: str,
        recipient_ids: list[str],
        at: str,
        next_due_at: str | None,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.level = level
        self.recipients += [r for r in recipient_ids if r not in self.recipients]
        self.due_at = next_due_at

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
        within_sla = now <= datetime.fromisoformat(self.first_due_at)
        self._acknowledged(
            actor.id, actor.role, moment(now), via, within_sla, **actor.event_fields()
        )

    @event("Acknowledged")
    def _acknowledged(
        self,
        by_id: str,
        by_role: str,
        at: str,
        via: str,  # "cases" (the coordinator acknowledged the report) or "inbox"
        within_sla: bool,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        self.acknowledged_at, self.due_at = at, None

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

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    DeliveryAttempted: ClassVar[type[Any]]
    Delivered: ClassVar[type[Any]]

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

    # Created by the @event("...") methods below (their parameters are the
    # fields); named for the type checker, which cannot see their fields (``Any``).
    Read: ClassVar[type[Any]]

    def __init__(
        self,
        kind: str,
        recipient_id: str,
        subject: str,
        text: str,
        link: str,
        payload: dict[str, Any],
        targets: dict[str, str],
        created_at: str,
    ) -> None:
        self.kind, self.recipient_id, self.targets = kind, recipient_id, targets
        self.subject, self.text, self.link, self.payload = subject, text, link, payload
        self.channels: dict[str, dict[str, Any]] = {
            channel: {
                "status": "pending",
                "attempts": 0,
                "next_at": created_at,
                "last_error": None,
                "delivered_at": None,
            }
            for channel in targets
        }
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
            notification.delivered(actor, "inbox", now)
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
        attempt: int = self.channels[channel]["attempts"] + 1
        self._delivery_attempted(channel, attempt, moment(now), **actor.event_fields())
        return attempt

    @event("DeliveryAttempted")
    def _delivery_attempted(
        self,
        channel: str,
        attempt: int,
        at: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        state = self.channels[channel]
        state.update(status="in_flight", attempts=attempt, next_at=lease_ends(at))

    def delivered(self, actor: Actor, channel: str, now: datetime) -> None:
        self._delivered(channel, moment(now), **actor.event_fields())

    @event("Delivered")
    def _delivered(
        self, channel: str, at: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.channels[channel].update(status="delivered", delivered_at=at, next_at=None)

    def failed(
        self,
        actor: Actor,
        channel: str,
        reason: str,
        retry_at: datetime | None,
        category: str,
    ) -> None:
        self._delivery_failed(
            channel,
            self.channels[channel]["attempts"],
            reason[:500],
            moment(retry_at) if retry_at else None,
            category,
            **actor.event_fields(),
        )

    @event(DeliveryFailed)
    def _delivery_failed(
        self,
        channel: str,
        attempt: int,
        reason: str,
        retry_at: str | None,
        category: str,
        actor_id: str,
        actor_role: str,
        correlation_id: str,
    ) -> None:
        status = "failed" if retry_at else "abandoned"
        self.channels[channel].update(status=status, next_at=retry_at, last_error=reason)

    def mark_read(self, actor: Actor, now: datetime) -> None:
        if actor.id != self.recipient_id:
            raise UnknownNotification(f"no notification {self.id} for you", id=str(self.id))
        if self.read_at is None:
            self._read(moment(now), **actor.event_fields())

    @event("Read")
    def _read(self, at: str, actor_id: str, actor_role: str, correlation_id: str) -> None:
        self.read_at = at
