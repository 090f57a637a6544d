"""What became of a delivery attempt, as a category: the only thing about a
failure that leaves this service (``NotificationDeliveryFailed.v2``). The
detail (an SMTP reply, an HTTP status) stays in the store for the county's
audit; on the bus, a URL or a status would make every webhook a port scanner
with an oracle (issue 14). Pure: no I/O."""

from __future__ import annotations

import re

# The categories, one constant each for the code that names them; their list,
# in order, is events.vocabulary.notifications.FAILURE_CATEGORIES.
UNREACHABLE = "unreachable"  # no connection: refused, reset, no route, no such name
TIMEOUT = "timeout"  # no connection or no answer in time
REJECTED = "rejected"  # the receiver said no, for good (HTTP 4xx, SMTP 5xx)
UNAVAILABLE = "unavailable"  # the receiver said "later" (HTTP 5xx, 408, 429; SMTP 4xx)
TLS = "tls"  # the receiver's certificate or TLS is not acceptable
BLOCKED = "blocked"  # the destination is not one this service may reach
INVALID = "invalid"  # the address, URL or message cannot be sent as it is
REMOVED = "removed"  # the webhook was removed before the delivery
ERROR = "error"  # anything else (a surprise: retrying is bounded anyway)

# The reasons stored before categories existed (v1 of DeliveryFailed), in
# the words channels.py used then; the first that matches wins.
_OLD_REASONS: tuple[tuple[str, str], ...] = (
    (r"removed", REMOVED),
    (r"malformed|bad URL|no secret|not supported|cannot send|no such channel", INVALID),
    (r"TLS", TLS),
    (r"no answer within|no connection within", TIMEOUT),
    (r"connection refused|connection failed|closed the connection", UNREACHABLE),
    (r"HTTP (5\d\d|408|429)\b", UNAVAILABLE),
    (r"HTTP \d{3}\b", REJECTED),
    (r"smtp: (recipient refused \()?4\d\d", UNAVAILABLE),
    (r"smtp: (recipient refused \()?5\d\d", REJECTED),
)


def category_of_reason(reason: str) -> str:
    """The category of a reason stored before categories were recorded."""
    for pattern, category in _OLD_REASONS:
        if re.search(pattern, reason):
            return category
    return ERROR
