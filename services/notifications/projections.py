"""Read models of the notifications service, kept from its own log
(``FollowedView``), so that every replica answers from the shared store and
a restarted one finds every timer where it was:

- ``Timers``: when each open alert falls due, when each undelivered channel
  of a notification is to be tried (the durable timers of the service);
- ``Inboxes``: each person's notifications and each alert's state;
- ``Webhooks``: the other county systems that want alerts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events.topics import topics
from events.views import FollowedView
from services.notifications.domain import Alert, Notification, lease_ends
from services.notifications.recipients import Webhook
from services.notifications.sla import immediate_danger_of


class Timers(FollowedView):
    TOPICS = [
        *topics(Alert, "Raised", "Escalated", "Acknowledged"),
        *topics(Notification, "Created", "Delivered", "DeliveryAttempted", "DeliveryFailed"),
    ]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.alerts: dict[str, str] = {}  # alert id -> due at
        self.channels: dict[tuple[str, str], str] = {}  # (notification, channel) -> next at

    def apply(self, event: Any) -> None:
        subject = str(event.originator_id)
        # By class: the events made by @event("...") have their fields only at run time, so
        # the event stays Any to the type checker (each is a leaf class: as isinstance was).
        match type(event):
            case Alert.Raised:
                self.alerts[subject] = event.due_at
            case Alert.Escalated:
                self._set(self.alerts, subject, event.next_due_at)
            case Alert.Acknowledged:
                self.alerts.pop(subject, None)
            case Notification.Created:
                for channel in event.targets:
                    if channel != "inbox":
                        self.channels[(subject, channel)] = event.created_at
            case Notification.Delivered:
                self.channels.pop((subject, event.channel), None)
            case Notification.DeliveryAttempted:
                self.channels[(subject, event.channel)] = lease_ends(event.at)
            case Notification.DeliveryFailed:
                self._set(self.channels, (subject, event.channel), event.retry_at)

    @staticmethod
    def _set(timers: dict, key: Any, at: str | None) -> None:
        if at is None:
            timers.pop(key, None)
        else:
            timers[key] = at

    def alerts_due(self, now: datetime) -> list[str]:
        return sorted(a for a, at in self.alerts.items() if datetime.fromisoformat(at) <= now)

    def notifications_due(self, now: datetime) -> list[str]:
        """Notifications with a channel to try now (an attempt whose outcome
        never came is due again when its lease ends)."""
        return sorted(
            {n for (n, _), at in self.channels.items() if datetime.fromisoformat(at) <= now}
        )


class Inboxes(FollowedView):
    TOPICS = [
        *topics(Notification, "Created", "Delivered", "DeliveryFailed", "Read"),
        *topics(Alert, "Raised", "Escalated", "Acknowledged"),
    ]

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.of_recipient: dict[str, list[dict[str, Any]]] = {}
        self.notifications: dict[str, dict[str, Any]] = {}
        self.alerts: dict[str, dict[str, Any]] = {}
        self.of_alert: dict[str, list[dict[str, Any]]] = {}

    def apply(self, event: Any) -> None:
        subject = str(event.originator_id)
        match type(event):
            case Notification.Created:
                entry: dict[str, Any] = {
                    "notification_id": subject,
                    "kind": event.kind,
                    "recipient_id": event.recipient_id,
                    "recipient_role": event.recipient_role,
                    "subject": event.subject,
                    "text": event.text,
                    "link": event.link,
                    "alert_id": event.payload.get("alert_id"),
                    "case_id": event.payload.get("case_id"),
                    "created_at": event.created_at,
                    "read_at": None,
                    "channels": {c: "pending" for c in event.targets},
                }
                self.notifications[subject] = entry
                self.of_recipient.setdefault(event.recipient_id, []).append(entry)
                if entry["alert_id"]:
                    self.of_alert.setdefault(entry["alert_id"], []).append(entry)
            case Notification.Delivered:
                self.notifications[subject]["channels"][event.channel] = "delivered"
            case Notification.DeliveryFailed:
                state = "failed" if event.retry_at else "abandoned"
                self.notifications[subject]["channels"][event.channel] = state
            case Notification.Read:
                self.notifications[subject]["read_at"] = event.at
            case Alert.Raised:
                self.alerts[subject] = {
                    "alert_id": subject,
                    "risk_id": event.risk_id,
                    "case_id": event.case_id,
                    "category": event.category,
                    "municipality": event.municipality,
                    "raised_at": event.raised_at,
                    "sla_minutes": event.sla_minutes,  # the coordinator's (sla.py)
                    "immediate_danger": immediate_danger_of(event.category, event.immediate_danger),
                    "reported_late": bool(event.reported_late),  # the technician's 2 h missed
                    # when it escalates next unless acknowledged: the countdown
                    # a coordinator's home shows
                    "due_at": event.due_at,
                    "status": "raised",
                    "acknowledged_at": None,
                    "acknowledged_by": None,
                    "escalations": [],
                }
            case Alert.Escalated:
                alert = self.alerts[subject]
                alert["status"] = f"escalated_to_{event.to_role}"
                alert["due_at"] = event.next_due_at
                alert["escalations"].append({"to_role": event.to_role, "at": event.at})
            case Alert.Acknowledged:
                alert = self.alerts[subject]
                alert.update(
                    status="acknowledged",
                    acknowledged_at=event.at,
                    acknowledged_by=event.by_id,
                    due_at=None,
                )

    def inbox(self, recipient_id: str, unread_only: bool) -> list[dict[str, Any]]:
        entries = self.of_recipient.get(recipient_id, [])
        found = [e for e in entries if not (unread_only and e["read_at"])]
        return [
            e | ({"alert": self.alerts.get(e["alert_id"])} if e["alert_id"] else {})
            for e in reversed(found)
        ]


class Webhooks(FollowedView):
    TOPICS = topics(Webhook, "Registered", "Removed")  # a rotation changes no id

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.ids: list[str] = []

    def apply(self, event: Any) -> None:
        subject = str(event.originator_id)
        if isinstance(event, Webhook.Registered):
            self.ids.append(subject)
        else:
            self.ids.remove(subject)
