"""What the notifications service publishes: the alert's course and each
notification's delivery, mapped to ``contracts/events/notifications/``.
Ids, kinds, channels, categories and times: never an address, a URL, an
HTTP status, a text or a name.
Contacts, webhooks, reminders' planning and the mirror of the registry are
internal."""

from __future__ import annotations

from typing import Any

from events.cloudevent import Publication
from events.following import ContractRecord, StaffRecord
from events.mapping import publication_mapper
from services.notifications.domain import Alert, Notification
from services.notifications.recipients import Contact, Webhook
from services.notifications.reminder_state import INTERNAL_EVENTS
from services.notifications.sla import immediate_danger_of

INTERNAL = (Contact.Event, Webhook.Event, *INTERNAL_EVENTS, StaffRecord.Event, ContractRecord.Event)


def _alert(event: Any) -> Publication | None:
    alert = {"alert_id": str(event.originator_id)}
    # By class: the events made by @event("...") have their fields only at run time, so
    # the event stays Any to the type checker (each is a leaf class: as isinstance was).
    match type(event):
        case Alert.Raised:
            return Publication(
                "AlertRaised",
                alert
                | {
                    "risk_id": event.risk_id,
                    "case_id": event.case_id,
                    "category": event.category,
                    "coordinator_id": event.coordinator_id,
                    "sla_minutes": event.sla_minutes,
                    "raised_at": event.raised_at,
                    "due_at": event.due_at,
                    "immediate_danger": immediate_danger_of(event.category, event.immediate_danger),
                    "reported_late": bool(event.reported_late),
                },
                municipality=event.municipality,
            )
        case Alert.Escalated:
            return Publication(
                "AlertEscalated",
                alert
                | {
                    "level": event.level,
                    "to_role": event.to_role,
                    "recipient_ids": event.recipient_ids,
                    "at": event.at,
                },
            )
        case Alert.Acknowledged:
            return Publication(
                "AlertAcknowledged",
                alert
                | {
                    "by_id": event.by_id,
                    "by_role": event.by_role,
                    "at": event.at,
                    "via": event.via,
                    "within_sla": event.within_sla,
                },
            )
    return None


def _notification(event: Any) -> Publication | None:
    notification = {"notification_id": str(event.originator_id)}
    match type(event):
        case Notification.Created:
            return Publication(
                "NotificationCreated",
                notification
                | {
                    "kind": event.kind,
                    "recipient_id": event.recipient_id,
                    "recipient_role": event.recipient_role,
                    "channels": sorted(event.targets),
                    "case_id": event.payload.get("case_id"),
                    "alert_id": event.payload.get("alert_id"),
                    "created_at": event.created_at,
                },
            )
        case Notification.DeliveryAttempted:
            return Publication(
                "NotificationDeliveryAttempted",
                notification | {"channel": event.channel, "attempt": event.attempt, "at": event.at},
            )
        case Notification.Delivered:
            return Publication(
                "NotificationDelivered", notification | {"channel": event.channel, "at": event.at}
            )
        case Notification.DeliveryFailed:
            # v2: the category only. v1 published the reason, whose words
            # (an HTTP status, once a URL) told a port scanner what answers.
            return Publication(
                "NotificationDeliveryFailed",
                notification
                | {
                    "channel": event.channel,
                    "attempt": event.attempt,
                    "category": event.category,
                    "retry_at": event.retry_at,
                },
                version=2,
            )
        case Notification.Read:
            return Publication("NotificationRead", notification | {"at": event.at})
    return None


publication_of = publication_mapper(INTERNAL, _alert, _notification)
