"""Webhooks, safely (issue 14, item 5), told as the county would meet it, on
the real broker and database: a webhook aimed inside the network is refused
when it is registered; a name that passed and later resolves to loopback is
refused when the delivery is made, and what is published of it is a
category; the county lists, rotates and removes its webhooks.

The notifications service's resolver is the test's (``names``): no name is
looked up in DNS, and nothing is ever sent beyond loopback. The public
address a name resolves to at registration is never connected to: a
registration resolves and checks, it does not connect."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
from nameko.exceptions import RemoteError
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks import WebhookVerificationError

from events.nameko import ApplicationProvider
from tests.support.notifying import report_abuse
from tests.support.outside import OutsideSubscriber
from tests.support.waiting import eventually
from tests.support.webhook_sink import WebhookSink

HOOKS = "dispecerat.dgaspc-cluj.example"  # a name that exists only in ``names``
PUBLIC = "93.184.216.34"  # public; never connected to by these tests


@pytest.fixture
def names(notifying) -> dict[str, list[str]]:
    """The notifications service's resolver, as the test says."""
    table: dict[str, list[str]] = {HOOKS: [PUBLIC], "intern.example": ["127.0.0.1"]}

    def resolver(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "no such name")
        return table[host]

    [container] = [c for c in notifying["containers"] if c.service_name == "notifications"]
    [provider] = [d for d in container.dependencies if isinstance(d, ApplicationProvider)]
    provider.app.resolver = resolver
    return table


def refused(call, *args) -> RemoteError:
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "https://127.0.0.1:8443/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://[::1]/hooks",
        "https://intern.example/hooks",  # a name that resolves to loopback
        f"https://dispecer:parola@{HOOKS}/hooks",  # credentials in the URL
        f"http://{HOOKS}/hooks",  # public, but plain http
    ],
)
def test_a_webhook_aimed_inside_or_unsafe_is_refused_at_registration(notifying, names, url):
    notifications, admin = notifying["notifications"], notifying["county_admin"]
    error = refused(
        notifications.register_webhook,
        admin,
        {"name": "dispecerat", "url": url, "kinds": ["urgent_risk_alert"]},
    )
    assert error.exc_type == "WebhookDestinationRefused"
    assert "webhook" in str(error.value).lower()  # in Romanian: a person reads it
    if "intern.example" in url:  # what an inside name resolves to is not told
        assert "127.0.0.1" not in str(error.value)
    assert notifications.webhooks(admin) == []


def test_a_name_that_starts_resolving_to_loopback_is_refused_at_delivery(notifying, names):
    outside = OutsideSubscriber(notifying["amqp_uri"], "ro.coordonare.notifications.#")
    try:
        _rebound(notifying, names, outside)
    finally:
        outside.close()


def _rebound(world: dict[str, Any], names: dict[str, list[str]], outside: Any) -> None:
    notifications, admin = world["notifications"], world["county_admin"]
    # not a demo: the sink on loopback is exactly what must not be reached
    with WebhookSink("whsec_") as sink:
        url = f"https://{HOOKS}:{sink.port}/hooks/coordonare"
        registered = notifications.register_webhook(
            admin, {"name": "dispecerat", "url": url, "kinds": ["urgent_risk_alert"]}
        )
        names[HOOKS] = ["127.0.0.1"]  # the name's owner rebinds it
        report_abuse(world)

        def failure() -> dict[str, Any] | None:
            auditor = world["auditor"]  # follows every alert; the county only its own
            for alert in notifications.alerts(auditor):
                record = notifications.alert_record(auditor, alert["alert_id"])
                for note in record["notifications"]:
                    if note["recipient_id"] == registered["webhook_id"]:
                        failed = [d for d in note["deliveries"] if d["event"] == "DeliveryFailed"]
                        return failed[0] if failed else None
            return None

        failed = eventually(failure)
        assert failed["category"] == "blocked" and failed["retry_at"] is None  # final
        time.sleep(0.2)
        assert sink.received == []  # nothing reached loopback

        published = _published(outside, "NotificationDeliveryFailed")
        assert published["type"].endswith(".NotificationDeliveryFailed.v2")
        assert published["data"]["category"] == "blocked"
        assert "reason" not in published["data"]
        text = json.dumps(published)
        assert HOOKS not in text and str(sink.port) not in text and "127.0.0.1" not in text


def test_the_county_lists_rotates_and_removes_its_webhooks(webhook_demo, notifying):
    world = notifying
    notifications, admin = world["notifications"], world["county_admin"]
    with WebhookSink("whsec_") as sink:
        registered = notifications.register_webhook(
            admin, {"name": "dispecerat", "url": sink.url, "kinds": ["urgent_risk_alert"]}
        )
        webhook = {"webhook_id": registered["webhook_id"]}
        [listed] = notifications.webhooks(admin)
        assert listed["url"] == sink.url and listed["secret_generation"] == 0
        assert "secret" not in listed
        assert refused(notifications.webhooks, world["tech_actor"]).exc_type == (
            "NotificationAccessDenied"
        )

        rotated = notifications.rotate_webhook_secret(admin, webhook)
        assert rotated["secret"] != registered["secret"] and rotated["secret_generation"] == 1
        sink.secret = rotated["secret"]
        report_abuse(world)
        [hook] = sink.wait_for(1)
        assert hook.verified  # signed with the new secret
        headers = {k: v for k, v in hook.headers.items() if k.startswith("webhook-")}
        with pytest.raises(WebhookVerificationError):
            StandardWebhook(registered["secret"]).verify(hook.body, headers)

        assert notifications.remove_webhook(admin, webhook)["removed"] is True
        assert notifications.webhooks(admin) == []
        for call in (notifications.rotate_webhook_secret, notifications.remove_webhook):
            error = refused(call, admin, webhook)
            assert error.exc_type == "WebhookRemoved" and "șters" in error.value
        unknown = {"webhook_id": "00000000-0000-0000-0000-000000000000"}
        assert refused(notifications.remove_webhook, admin, unknown).exc_type == "UnknownWebhook"

        report_abuse(world)  # a second alert: the coordinator is told, the webhook is not
        world["mailbox"].wait_for(2)
        time.sleep(1.5)  # a tick or more
        assert len(sink.received) == 1


def _published(outside: OutsideSubscriber, name: str, timeout: float = 20.0) -> dict[str, Any]:
    """The first event of that name the outside subscriber receives."""

    def first() -> dict[str, Any] | None:
        found = next((e for e in outside.events if e["type"].split(".")[3] == name), None)
        if found is None:
            outside.take_up_to(len(outside.messages) + 1)  # one more, if one has come
        return found

    return eventually(first, timeout, message=f"no {name} published")
