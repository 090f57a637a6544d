"""Nameko adapter of the notifications service: it consumes the cases and
coordination services' events (never calls them), ticks its durable timers,
and answers the inbox, acknowledgements, contacts, webhooks and the
delivery audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Tracking
from nameko.timer import timer

from events.actor import SYSTEM, Actor
from events.adapter import RpcAdapter, command, id_of, query, uuid_arg
from events.audited import AuditedLog
from events.cloudevent import name_of
from events.errors import Forbidden
from events.following import FOLLOWED
from events.nameko import ApplicationProvider, CallContext, ObservedService
from events.subscribe import subscribe
from services.notifications.application import NotificationsApplication
from services.notifications.experience import EXPERIENCE_EVENTS
from services.notifications.incidents import INCIDENT_EVENTS
from services.notifications.published import publication_of
from services.notifications.reminders import CASES_EVENTS, COORDINATION_EVENTS

TICK_SECONDS = 1.0  # timers are read against the service's clock, not counted


def _run_timers(app: NotificationsApplication, actor: Actor) -> dict[str, int]:
    """What the timer does every second, on demand (operators, tests)."""
    if app.team(actor).role not in ("county_admin", SYSTEM):
        raise Forbidden("the county's staff run the timers by hand")
    return app.tick()


class NotificationsService(ObservedService, AuditedLog, RpcAdapter):
    name = "notifications"

    app: NotificationsApplication = ApplicationProvider(NotificationsApplication, publication_of)
    correlation_id: str = CallContext()

    # -- in from the other services ----------------------------------------------
    @subscribe("cases", ["UrgentRiskReported", "UrgentRiskAcknowledged"])
    def on_urgent_risks(self, event: Any, tracking: Tracking) -> Callable[[], int]:
        """A queue of their own, so that an urgent risk never waits behind
        the routine documents the reminders follow; its mail goes out at
        once rather than at the next tick (started by the subscription once
        the alert is committed)."""
        self.app.follow_cases(name_of(event.get_type()), event, tracking)
        return self.app.deliver_due

    # and the refusals: one of a signature for the beneficiary reaches the coordinator.
    # Every document is one event here: under a steady flow of them, a tenth
    # of a second's worth goes in one transaction (issue 17: a third of this
    # service's CPU per document; urgent risks have their own queue, above)
    @subscribe(
        "cases",
        [*CASES_EVENTS, "CommandRefused", "DisagreementEscalated"],
        batch=50,
        linger=0.1,
    )
    def on_cases(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_cases(name_of(event.get_type()), event, tracking)

    @subscribe(
        "coordination",
        sorted({*FOLLOWED, *COORDINATION_EVENTS, *INCIDENT_EVENTS, *EXPERIENCE_EVENTS}),
        batch=50,
    )
    def on_coordination(self, event: Any, tracking: Tracking) -> None:
        self.app.follow_coordination(name_of(event.get_type()), event, tracking)

    # -- the durable timers --------------------------------------------------------
    @timer(interval=TICK_SECONDS)
    def tick(self) -> dict[str, int]:
        return self.app.tick()

    # -- people ----------------------------------------------------------------------
    acknowledge_alert = command(
        "acknowledge_alert",
        lambda app, actor, c: app.acknowledge_alert(actor, id_of(c, "alert_id")),
    )
    set_contact = command(
        "set_contact",
        lambda app, actor, c: app.set_contact(
            actor, id_of(c, "staff_id"), c.get("email"), c.get("language", "ro")
        ),
    )
    register_webhook = command(
        "register_webhook",
        lambda app, actor, c: app.register_webhook(
            actor, c["name"], c["url"], c["kinds"], c.get("municipality")
        ),
    )
    rotate_webhook_secret = command(
        "rotate_webhook_secret",
        lambda app, actor, c: app.rotate_webhook_secret(actor, id_of(c, "webhook_id")),
    )
    remove_webhook = command(
        "remove_webhook",
        lambda app, actor, c: app.remove_webhook(actor, id_of(c, "webhook_id")),
    )
    mark_read = command(
        "mark_read", lambda app, actor, c: app.mark_read(actor, id_of(c, "notification_id"))
    )

    # -- queries --------------------------------------------------------------------------
    inbox = query(
        "inbox", lambda app, actor, unread_only=False: app.inbox(actor, bool(unread_only))
    )
    alerts = query("alerts", lambda app, actor, open_only=False: app.alerts(actor, bool(open_only)))
    # The reminders coming due for the caller (one page: the gateway's ``limit``, ``cursor``).
    upcoming_reminders = query(
        "upcoming_reminders",
        lambda app, actor, limit=None, cursor=None: app.upcoming_reminders(actor.id, limit, cursor),
    )
    # The county's webhooks, without their secrets.
    webhooks = query("webhooks", lambda app, actor: app.webhooks(actor))
    alert_record = query(
        "alert_record",
        lambda app, actor, alert_id: app.alert_record(actor, uuid_arg(alert_id, "alert_id")),
    )
    deliveries = query(
        "deliveries",
        lambda app, actor, notification_id: app.deliveries(
            actor, uuid_arg(notification_id, "notification_id")
        ),
    )
    run_timers = query("run_timers", _run_timers)
