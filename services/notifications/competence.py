"""The notifications service's refusals: each names its rule (error code)
for the gateway's one error table."""

from __future__ import annotations

from events.errors import Conflict, Forbidden, InvalidCommand, NotFound


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
