"""Delivering notifications on their channels: e-mail over SMTP and signed
webhooks (the inbox needs no delivery: it is this store). Each attempt is
claimed in the store before it is made, so that of two replicas only one
makes it; its outcome is stored after. Each channel of each notification
goes out on its own green thread, so a server that hangs or fails delays
nothing else, and a failure is retried with backoff until it is given up.
A mixin of ``NotificationsApplication``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

import eventlet
from eventsourcing.persistence import IntegrityError

from events.actor import Actor
from events.store import ApplicationPart
from services.notifications import outcomes
from services.notifications.channels import (
    MAX_ATTEMPTS,
    DeliveryError,
    Message,
    SmtpChannel,
    WebhookChannel,
    backoff,
)
from services.notifications.destinations import Policy, Resolver
from services.notifications.domain import Notification
from services.notifications.projections import Timers
from services.notifications.recipients import Webhook, webhook_secret

PARALLEL_DELIVERIES = 20


class Deliveries(ApplicationPart):
    actor: Actor
    webhook_key: bytes
    destinations: Policy
    resolver: Resolver
    now: Callable[[], datetime]

    def channels(self) -> tuple[SmtpChannel, WebhookChannel]:
        """Built on first use, from the environment; the webhooks' names are
        resolved by the application's resolver as it is at each delivery."""
        if "_channels" not in self.__dict__:
            webhooks = WebhookChannel.from_env(lambda host, port: self.resolver(host, port))
            webhooks.policy = self.destinations
            self.__dict__["_channels"] = (SmtpChannel.from_env(), webhooks)
        return self.__dict__["_channels"]

    def deliver_due(self, now: datetime | None = None) -> int:
        now = now or self.now()
        due = self.view(Timers).notifications_due(now)
        pool = eventlet.GreenPool(PARALLEL_DELIVERIES)
        attempts = [0]

        def deliver(notification: str, channel: str) -> None:
            attempts[0] += self._deliver(UUID(notification), channel, now)

        for notification in due:
            found = self.find(UUID(notification), Notification)
            for channel in found.due_channels(now) if found else []:
                pool.spawn_n(deliver, notification, channel)
        pool.waitall()
        return attempts[0]

    def _deliver(self, notification_id: UUID, channel: str, now: datetime) -> int:
        notification = self.find(notification_id, Notification)
        if notification is None or channel not in notification.due_channels(now):
            return 0
        attempt = notification.claim(self.actor, channel, now)
        try:
            self.save(notification)
        except IntegrityError:
            return 0  # another replica claimed this attempt
        try:
            self._send(notification, channel)
        except DeliveryError as failure:
            retry = failure.retryable and attempt < MAX_ATTEMPTS
            retry_at = now + timedelta(seconds=backoff(attempt)) if retry else None
            notification.failed(self.actor, channel, failure.reason, retry_at, failure.category)
        else:
            notification.delivered(self.actor, channel, self.now())
        self.save(notification)  # nobody else writes a claimed channel's outcome
        return 1

    def _send(self, notification: Notification, channel: str) -> None:
        smtp, webhooks = self.channels()
        n = notification
        message = Message(n.subject, n.text, n.link, n.payload)
        target = notification.targets[channel]
        if channel == "email":
            smtp.send(target, message, f"<{notification.id}@coordonare>")
        elif channel == "webhook":
            webhook = self.find(UUID(target), Webhook)
            if webhook is None or not webhook.active:
                raise DeliveryError("webhook: removed", retryable=False, category=outcomes.REMOVED)
            secret = webhook_secret(self.webhook_key, webhook.id, webhook.generation)
            webhooks.send(webhook.url, secret, message, str(notification.id))
        else:
            raise DeliveryError(
                f"{channel}: no such channel", retryable=False, category=outcomes.INVALID
            )
