"""Outbound channels beyond the in-app inbox: e-mail over SMTP and signed
webhooks to other county systems. Pure I/O: no nameko, no database. Each
``send`` either returns (delivered) or raises :class:`DeliveryError`, which
says whether trying again later could help; the caller records the outcome and
schedules the retry with :func:`backoff`, so one failing channel never holds
up another.

Both adapters use stdlib sockets underneath (smtplib, urllib3), so
they cooperate with eventlet once it has monkey-patched the process.

Webhook signatures
------------------
A webhook is an HTTP POST whose body is the notification's JSON payload
(UTF-8, keys sorted, no whitespace: ``{"case_id":"…","kind":"…"}``), signed
as the Standard Webhooks specification says (standardwebhooks.com), so that
a receiver verifies it with that project's library in its own language::

    Content-Type: application/json
    webhook-id: <delivery id; the same on every retry of one delivery>
    webhook-timestamp: <Unix time in whole seconds, when this attempt was sent>
    webhook-signature: v1,<base64 HMAC-SHA256>

The secret is the ``whsec_…`` string shown when the webhook is registered or
its secret rotated; the signed bytes are ``<webhook-id>.<webhook-timestamp>.<body>``.
A receiver verifies over the raw body (before any JSON parsing), refuses
timestamps more than 5 minutes away (a replay), and de-duplicates on
``webhook-id``. Any 2xx answer counts as delivered; 5xx, 408, 429 and no
answer within the timeout are retried later; any other answer is final.
Redirects are not followed. The payload carries ids, kind, category and a
link to the gateway, never a person's name.

Where a webhook may go is ``destinations.py``'s: each delivery resolves the
name once, checks every address, and connects to the checked one, with the
URL's name as Host and as TLS server name (SNI, certificate check).
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import certifi
import urllib3
from standardwebhooks import Webhook as StandardWebhook
from urllib3 import exceptions as http_errors

from services.notifications import outcomes
from services.notifications.destinations import (
    DestinationRefused,
    Policy,
    Resolver,
    system_resolver,
)

# With backoff()'s defaults the 7 waits between 8 attempts add up to about an
# hour (30 s, 1 min, 2, 4, 8, 16, 32 min); after the 8th failure the delivery
# is recorded as failed for good.
MAX_ATTEMPTS = 8


class DeliveryError(Exception):
    """A delivery that did not happen. ``reason`` is short and goes into the
    store's audit record as it is (never a URL); ``category`` (outcomes.py)
    is all that is published; ``retryable`` is False when trying again cannot
    help (a refused address, a missing endpoint) until someone changes something."""

    def __init__(self, reason: str, *, retryable: bool, category: str = outcomes.ERROR) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.category = category


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # plain text, sent as it is (Romanian first, English second)
    link: str  # to the gateway; the receiver logs in to see more
    payload: dict[str, Any]  # the webhook's JSON: ids, kind, category, link; never names


def backoff(attempt: int, base_seconds: float = 30.0, cap_seconds: float = 3600.0) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (from 1) before
    the next: base, 2 × base, 4 × base, …, at most ``cap_seconds``. No jitter,
    on purpose: the retry time is recorded in the event log and must come out
    the same on every replica; deliveries do not fail in lockstep anyway, as
    each notification's first attempt is at its own moment."""
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, not {attempt}")
    # the exponent is bounded so that a very large attempt cannot overflow
    return min(cap_seconds, base_seconds * 2.0 ** min(attempt - 1, 60))


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


class SmtpChannel:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 25,
        sender: str = "coordonare@localhost",
        user: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls = user, password, starttls
        self.timeout = timeout
        # Message-IDs and our EHLO name use the sender's domain: smtplib would
        # otherwise ask DNS for this host's FQDN on every connection.
        self.domain = sender.rpartition("@")[2] or "localhost"

    @classmethod
    def from_env(cls) -> SmtpChannel:
        env = os.environ
        return cls(
            host=env.get("SMTP_HOST") or "127.0.0.1",
            port=int(env.get("SMTP_PORT") or 25),
            sender=env.get("SMTP_FROM") or "coordonare@localhost",
            user=env.get("SMTP_USER") or None,
            password=env.get("SMTP_PASSWORD") or None,
            starttls=env.get("SMTP_STARTTLS", "0").strip() == "1",
            timeout=_env_float("SMTP_TIMEOUT", 10.0),
        )

    def message_id(self, message_id: str) -> str:
        """The Message-ID header for our id: the same id gives the same
        header, so a receiver can drop a copy that a retry sent again."""
        if message_id.startswith("<") and message_id.endswith(">"):
            return message_id
        return f"<{message_id}@{self.domain}>"

    def compose(self, to_address: str, message: Message, message_id: str) -> EmailMessage:
        """The mail as it will be sent; DeliveryError (final) if it cannot be."""
        try:
            # the parser raises ValueError, HeaderParseError or IndexError
            to = Address(addr_spec=to_address.strip())
            if not to.username or not to.domain:
                raise ValueError("no local part or no domain")
        except (ValueError, IndexError, HeaderParseError) as error:
            raise DeliveryError(
                f"smtp: malformed address {to_address!r}",
                retryable=False,
                category=outcomes.INVALID,
            ) from error
        mail = EmailMessage()
        try:
            mail["From"] = self.sender
            mail["To"] = to
            mail["Subject"] = message.subject  # non-ASCII is RFC 2047-encoded as UTF-8
            mail["Date"] = formatdate(localtime=False)
            mail["Message-ID"] = self.message_id(message_id)
            mail["X-Coordonare-Link"] = message.link
            mail.set_content(message.text, charset="utf-8")
        except ValueError as error:  # a line break in a header value, say
            raise DeliveryError(
                f"smtp: malformed message: {error}", retryable=False, category=outcomes.INVALID
            ) from error
        return mail

    def send(self, to_address: str, message: Message, message_id: str) -> None:
        mail = self.compose(to_address, message, message_id)
        try:
            with smtplib.SMTP(
                self.host, self.port, local_hostname=self.domain, timeout=self.timeout
            ) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(mail, from_addr=self.sender, to_addrs=[to_address.strip()])
        except DeliveryError:
            raise
        except Exception as error:
            raise self._failure(error) from error

    def _failure(self, error: Exception) -> DeliveryError:
        # SMTP reply codes: 4xx is "try again later", 5xx is "no" (RFC 5321).
        # The order matters: most smtplib errors are also OSErrors.
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            code, text = next(iter(error.recipients.values()), (0, b""))
            return DeliveryError(
                f"smtp: recipient refused ({code} {_text(text)})".strip(),
                retryable=400 <= code < 500,
                category=_smtp_category(code),
            )
        if isinstance(error, smtplib.SMTPResponseException):
            return DeliveryError(
                f"smtp: {error.smtp_code} {_text(error.smtp_error)}".strip(),
                retryable=400 <= error.smtp_code < 500,
                category=_smtp_category(error.smtp_code),
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            # STARTTLS or SMTPUTF8 asked of a server without them: configuration
            return DeliveryError(
                f"smtp: not supported: {error}", retryable=False, category=outcomes.INVALID
            )
        if isinstance(error, ssl.SSLCertVerificationError):
            return DeliveryError(
                "smtp: TLS certificate not trusted", retryable=False, category=outcomes.TLS
            )
        if isinstance(error, ConnectionRefusedError):
            return DeliveryError(
                "smtp: connection refused", retryable=True, category=outcomes.UNREACHABLE
            )
        if isinstance(error, TimeoutError):
            return DeliveryError(
                f"smtp: no answer within {self.timeout} s",
                retryable=True,
                category=outcomes.TIMEOUT,
            )
        if isinstance(error, smtplib.SMTPServerDisconnected):
            return DeliveryError(
                "smtp: server closed the connection",
                retryable=True,
                category=outcomes.UNREACHABLE,
            )
        if isinstance(error, OSError):
            return DeliveryError(
                f"smtp: {error.strerror or error}", retryable=True, category=outcomes.UNREACHABLE
            )
        # anything else is a bug of ours or a surprise: retrying is bounded anyway
        return DeliveryError(f"smtp: {type(error).__name__}: {error}", retryable=True)


def _smtp_category(code: int) -> str:
    return outcomes.UNAVAILABLE if 400 <= code < 500 else outcomes.REJECTED


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())[:200]


def encode_payload(payload: dict[str, Any]) -> bytes:
    """The body as sent and signed: the same payload gives the same bytes."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature_headers(secret: str, delivery_id: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (the library signs)."""
    signature = StandardWebhook(secret).sign(
        delivery_id, datetime.fromtimestamp(timestamp, UTC), body.decode("utf-8")
    )
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


class WebhookChannel:
    def __init__(
        self,
        timeout: float = 5.0,
        policy: Policy | None = None,
        resolver: Resolver = system_resolver,
        ca_file: str | None = None,
    ) -> None:
        self.timeout = timeout
        self.policy = policy or Policy()
        # given in so that tests control every name's addresses (no DNS)
        self.resolver = resolver
        self.ca_file = ca_file or certifi.where()  # a county's own CA, for internal receivers

    @classmethod
    def from_env(cls, resolver: Resolver = system_resolver) -> WebhookChannel:
        ca_file = os.environ.get("WEBHOOK_CA_FILE") or None
        return cls(_env_float("WEBHOOK_TIMEOUT", 5.0), Policy.from_env(), resolver, ca_file)

    def send(self, url: str, secret: str, message: Message, delivery_id: str) -> None:
        if not secret:
            # an unsigned request could be forged by anyone: refuse to send one
            raise DeliveryError(
                "webhook: no secret configured", retryable=False, category=outcomes.INVALID
            )
        try:
            where = self.policy.resolve(url, self.resolver)
        except DestinationRefused as refused:
            # a name that does not resolve now may tomorrow; a refused address
            # or URL needs someone to change the webhook
            raise DeliveryError(
                f"webhook: destination refused ({refused.why})",
                retryable=refused.why == "unresolved",
                category=outcomes.UNREACHABLE if refused.why == "unresolved" else outcomes.BLOCKED,
            ) from refused
        body = encode_payload(message.payload)
        headers = {
            "Content-Type": "application/json",
            "Host": where.host_header,
            **signature_headers(secret, delivery_id, body, int(time.time())),
        }
        # One connection to the checked address, never to the name: the name
        # is the Host header and, over https, the TLS server name (SNI) that
        # the certificate is checked against. urllib3, not requests: it reads
        # no proxy from the environment.
        if where.scheme == "https":
            pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
                where.address,
                where.port,
                maxsize=1,
                # the standard library's context (verifying, against the name):
                # urllib3's own trips over eventlet's green ssl where ssl was
                # imported before the monkey-patching
                ssl_context=ssl.create_default_context(cafile=self.ca_file),
                server_hostname=where.hostname,
            )
        else:
            pool = urllib3.HTTPConnectionPool(where.address, where.port, maxsize=1)
        try:
            # preload_content=False: the answer's body is never read, so an
            # endpoint cannot keep us busy sending one. The timeout bounds the
            # connect and each wait for bytes of the answer's head.
            response = pool.urlopen(
                "POST",
                where.target,
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
            )
            status = response.status
            response.close()
        except Exception as error:
            raise self._failure(error) from error
        finally:
            pool.close()
        if 200 <= status < 300:
            return
        retryable = status >= 500 or status in (408, 429)
        raise DeliveryError(
            f"webhook: HTTP {status}",
            retryable=retryable,
            category=outcomes.UNAVAILABLE if retryable else outcomes.REJECTED,
        )

    def _failure(self, error: Exception) -> DeliveryError:
        # The order matters: urllib3's NewConnectionError is a ConnectTimeoutError.
        if isinstance(error, http_errors.NewConnectionError):
            reason = "connection refused" if _refused(error) else "connection failed"
            return DeliveryError(
                f"webhook: {reason}", retryable=True, category=outcomes.UNREACHABLE
            )
        if isinstance(error, http_errors.ConnectTimeoutError):
            return DeliveryError(
                f"webhook: no connection within {self.timeout} s",
                retryable=True,
                category=outcomes.TIMEOUT,
            )
        if isinstance(error, http_errors.TimeoutError | TimeoutError):
            return DeliveryError(
                f"webhook: no answer within {self.timeout} s",
                retryable=True,
                category=outcomes.TIMEOUT,
            )
        if isinstance(error, http_errors.SSLError | ssl.SSLError):
            # a certificate problem needs someone to fix it, not another try
            return DeliveryError("webhook: TLS error", retryable=False, category=outcomes.TLS)
        if isinstance(error, http_errors.ProtocolError | OSError):
            return DeliveryError(
                "webhook: connection failed", retryable=True, category=outcomes.UNREACHABLE
            )
        if isinstance(error, ValueError):  # an invalid header value, say: the same every time
            return DeliveryError(
                f"webhook: cannot send: {error}", retryable=False, category=outcomes.INVALID
            )
        return DeliveryError(f"webhook: {type(error).__name__}", retryable=True)


def _refused(error: BaseException) -> bool:
    """urllib3 wraps the socket's error: look inside."""
    seen: set[int] = set()
    stack: list[Any] = [error]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
        stack.extend(current.args)
    return False
