"""The caller's inbox and reminders, urgent-risk alerts and their
acknowledgement (2.1 §2, R7, escalation 4.4.3), contacts and the webhooks of
other county systems, and the delivery audit. The notifications service
checks every rule again; the roles here are the gateway's first line.

``run_timers`` is not served: it runs the timers (escalations, reminders,
deliveries), so it is no GET, and it takes no command body, so it is no
command either."""

from gateway.route import (
    AUDITOR,
    COUNTY_ADMIN,
    EVERYONE,
    SOCIAL_WORKER,
    SPAS_HEAD,
    Param,
    command,
    query,
)

S = "notifications"
# an alert goes to the coordinator, then escalates to the SPAS head and the county
ALERTED = frozenset({SOCIAL_WORKER, SPAS_HEAD, COUNTY_ADMIN})
ALERT_READERS = ALERTED | {AUDITOR}
INBOX = "inbox"
ALERTS = "alerts"
CONTACTS = "contacts"
WEBHOOKS = "webhooks"

ROUTES = [
    # -- the caller's own inbox and reminders ------------------------------------------
    query(
        "/me/inbox",
        S,
        "inbox",
        EVERYONE,
        "Your notifications, newest first",
        tag=INBOX,
        paged=True,
        params=(Param("unread_only", "boolean", "only those not yet read"),),
    ),
    command(
        "/me/inbox/{notification_id}/read", S, "mark_read", EVERYONE,
        "Mark one of your notifications read", tag=INBOX,
    ),
    query(
        "/me/reminders", S, "upcoming_reminders", EVERYONE,
        "Reminders coming due for you (deadlines, R7)", tag=INBOX, paged=True,
    ),
    query(
        "/notifications/{notification_id}/deliveries", S, "deliveries", EVERYONE,
        "Delivery audit of a notification (its recipient, auditors)", tag=INBOX,
        paged=True,
    ),
    # -- urgent-risk alerts (R7, 4.4.3) ---------------------------------------------------
    query(
        "/alerts",
        S,
        "alerts",
        ALERT_READERS,
        "Urgent-risk alerts you may follow (sent or escalated to you; your SPAS's; all for "
        "auditors)",
        tag=ALERTS,
        paged=True,
        params=(Param("open_only", "boolean", "only those not yet acknowledged"),),
    ),
    query(
        "/alerts/{alert_id}", S, "alert_record", ALERT_READERS,
        "An alert's record: who was told what and when", tag=ALERTS,
    ),
    command(
        "/alerts/{alert_id}/acknowledge", S, "acknowledge_alert", ALERTED,
        "Acknowledge an alert sent to you (R7)", tag=ALERTS,
    ),
    # -- contacts and webhooks ----------------------------------------------------------------
    command(
        "/staff/{staff_id}/contact", S, "set_contact", EVERYONE,
        "Set a contact: e-mail and language (your own; the county sets anyone's)", tag=CONTACTS,
    ),
    command(
        "/webhooks", S, "register_webhook", frozenset({COUNTY_ADMIN}),
        "Register another county system's webhook (its signing secret is shown once)", tag=WEBHOOKS,
        created=True,
        description=(
            "https only (http only to loopback in a demo deployment), no credentials in the "
            "URL, and no internal address (private, loopback, link-local, multicast, reserved) "
            "unless the deployment allows it; checked again at each delivery."
        ),
    ),
    query(
        "/webhooks", S, "webhooks", frozenset({COUNTY_ADMIN}),
        "The county's webhooks, without their secrets", tag=WEBHOOKS, paged=True,
    ),
    command(
        "/webhooks/{webhook_id}/rotate", S, "rotate_webhook_secret", frozenset({COUNTY_ADMIN}),
        "Give a webhook a new signing secret (shown once; the old one stops signing)",
        tag=WEBHOOKS,
    ),
    command(
        "/webhooks/{webhook_id}/remove", S, "remove_webhook", frozenset({COUNTY_ADMIN}),
        "Remove a webhook: nothing more is sent to it", tag=WEBHOOKS,
    ),
]
