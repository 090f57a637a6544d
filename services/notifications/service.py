"""Nameko adapter of the notifications service: it consumes the cases and
coordination services' events (never calls them), ticks its durable timers,
and answers the inbox, acknowledgements, contacts, webhooks and the
delivery audit."""

from __future__ import annotations

from typing import Any

import eventlet
from eventsourcing.persistence import Tracking
from nameko.timer import timer

from events.actor import SYSTEM
from events.adapter import RpcAdapter
from events.errors import Forbidden
from events.following import FOLLOWED
from events.nameko import ApplicationProvider, CallContext, ObservedService, rpc
from events.subscribe import subscribe
from services.notifications.application import NotificationsApplication
from services.notifications.published import publication_of
from services.notifications.reminders import CASES_EVENTS, COORDINATION_EVENTS

TICK_SECONDS = 1.0  # timers are read against the service's clock, not counted


def _event_name(event: Any) -> str:
    return event.get_type().split(".")[3]


class NotificationsService(ObservedService, RpcAdapter):
    name = "notifications"

    app: NotificationsApplication = ApplicationProvider(NotificationsApplication, publication_of)
    correlation_id: str = CallContext()

    # -- in from the other services ----------------------------------------------
    @subscribe("cases", ["UrgentRiskReported", "UrgentRiskAcknowledged"])
    def on_urgent_risks(self, event: Any, tracking: Tracking) -> None:
        """A queue of their own, so that an urgent risk never waits behind
        the routine documents the reminders follow; its mail goes out at
        once rather than at the next tick."""
        self.app.follow_cases(_event_name(event), event, tracking)
        eventlet.spawn_n(self.app.deliver_due)

    @subscribe("cases", CASES_EVENTS)
    def on_cases(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_cases(_event_name(event), event, tracking)

    @subscribe("coordination", sorted({*FOLLOWED, *COORDINATION_EVENTS}))
    def on_coordination(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_coordination(_event_name(event), event, tracking)

    # -- the durable timers --------------------------------------------------------
    @timer(interval=TICK_SECONDS)
    def tick(self) -> dict[str, int]:
        return self.app.tick()

    # -- people ----------------------------------------------------------------------
    @rpc
    def acknowledge_alert(self, actor: dict, command: dict) -> dict:
        c = self._command("acknowledge_alert", command)
        return self.app.acknowledge_alert(self._actor(actor), self._uuid(c["alert_id"], "alert_id"))

    @rpc
    def set_contact(self, actor: dict, command: dict) -> dict:
        c = self._command("set_contact", command)
        return self.app.set_contact(
            self._actor(actor),
            self._uuid(c["staff_id"], "staff_id"),
            c.get("email"),
            c.get("language", "ro"),
        )

    @rpc
    def register_webhook(self, actor: dict, command: dict) -> dict:
        c = self._command("register_webhook", command)
        return self.app.register_webhook(
            self._actor(actor), c["name"], c["url"], c["kinds"], c.get("municipality")
        )

    @rpc
    def rotate_webhook_secret(self, actor: dict, command: dict) -> dict:
        c = self._command("rotate_webhook_secret", command)
        return self.app.rotate_webhook_secret(
            self._actor(actor), self._uuid(c["webhook_id"], "webhook_id")
        )

    @rpc
    def remove_webhook(self, actor: dict, command: dict) -> dict:
        c = self._command("remove_webhook", command)
        return self.app.remove_webhook(
            self._actor(actor), self._uuid(c["webhook_id"], "webhook_id")
        )

    @rpc
    def mark_read(self, actor: dict, command: dict) -> dict:
        c = self._command("mark_read", command)
        return self.app.mark_read(
            self._actor(actor), self._uuid(c["notification_id"], "notification_id")
        )

    # -- queries --------------------------------------------------------------------------
    @rpc
    def inbox(self, actor: dict, unread_only: bool = False) -> list[dict]:
        return self.app.inbox(self._actor(actor), bool(unread_only))

    @rpc
    def alerts(self, actor: dict, open_only: bool = False) -> list[dict]:
        return self.app.alerts(self._actor(actor), bool(open_only))

    @rpc
    def upcoming_reminders(self, actor: dict) -> list[dict]:
        """The reminders coming due for the caller."""
        return self.app.upcoming_reminders(self._actor(actor).id)

    @rpc
    def webhooks(self, actor: dict) -> list[dict]:
        """The county's webhooks, without their secrets."""
        return self.app.webhooks(self._actor(actor))

    @rpc
    def alert_record(self, actor: dict, alert_id: str) -> dict:
        return self.app.alert_record(self._actor(actor), self._uuid(alert_id, "alert_id"))

    @rpc
    def deliveries(self, actor: dict, notification_id: str) -> list[dict]:
        return self.app.deliveries(
            self._actor(actor), self._uuid(notification_id, "notification_id")
        )

    @rpc
    def run_timers(self, actor: dict) -> dict[str, int]:
        """What the timer does every second, on demand (operators, tests)."""
        if self.app.team(self._actor(actor)).role not in ("county_admin", SYSTEM):
            raise Forbidden("the county's staff run the timers by hand")
        return self.app.tick()
