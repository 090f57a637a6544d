"""The notifications' outbound channels against real servers on loopback: an
SMTP server that can go down and come back, and a webhook endpoint that
answers 200, 500, 404 or hangs. No mocks."""

import json
import time
from collections.abc import Iterator

import eventlet
import pytest

from services.notifications.channels import (
    MAX_ATTEMPTS,
    DeliveryError,
    Message,
    SmtpChannel,
    WebhookChannel,
    backoff,
    encode_payload,
    sign,
    verify,
)
from tests.support.smtp import Mailbox
from tests.support.webhook_sink import WebhookSink

SECRET = "secret-comun-cu-județul"

MESSAGE = Message(
    subject="URGENT: suspiciune de abuz, cazul C-17 / URGENT: suspected abuse, case C-17",
    text=(
        "Tehnicianul a raportat o situație de suspiciune de abuz în cazul C-17. "
        "Confirmați primirea până la 14:30.\n\n"
        "The technician reported suspected abuse in case C-17. Acknowledge by 14:30.\n"
    ),
    link="https://coordonare.example.ro/notifications/n-1",
    payload={
        "notification_id": "n-1",
        "case_id": "C-17",
        "kind": "urgent_risk_alert",
        "category": "abuse",
        "link": "https://coordonare.example.ro/notifications/n-1",
    },
)


@pytest.fixture
def mailbox(monkeypatch) -> Iterator[Mailbox]:
    with Mailbox() as box:
        for name, value in box.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SMTP_FROM", "alerte@dgaspc.example.ro")
        monkeypatch.setenv("SMTP_TIMEOUT", "2")
        yield box


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    with WebhookSink(SECRET) as webhook_sink:
        yield webhook_sink


@pytest.fixture
def webhooks(monkeypatch) -> WebhookChannel:
    monkeypatch.setenv("WEBHOOK_TIMEOUT", "0.5")
    return WebhookChannel.from_env()


def test_mail_arrives_in_utf8_with_its_message_id(mailbox):
    SmtpChannel.from_env().send("asistent@spas.example.ro", MESSAGE, "delivery-1")

    [mail] = mailbox.wait_for(1)
    assert mail.to == ["asistent@spas.example.ro"]
    assert mail.mail_from == "alerte@dgaspc.example.ro"
    assert mail.subject == MESSAGE.subject
    assert mail.text.strip() == MESSAGE.text.strip()
    assert "situație" in mail.text and "Confirmați" in mail.text
    assert mail.message_id == "<delivery-1@dgaspc.example.ro>"
    assert mail.headers["X-Coordonare-Link"] == MESSAGE.link
    assert mail.headers["From"] == "alerte@dgaspc.example.ro"


def test_mail_server_down_is_retryable_and_the_mail_goes_once_it_is_back(mailbox):
    channel = SmtpChannel.from_env()
    mailbox.stop()

    with pytest.raises(DeliveryError) as failure:
        channel.send("asistent@spas.example.ro", MESSAGE, "delivery-2")
    assert failure.value.retryable
    assert failure.value.reason == "smtp: connection refused"
    assert mailbox.received == []

    mailbox.start()  # the same port
    channel.send("asistent@spas.example.ro", MESSAGE, "delivery-2")
    [mail] = mailbox.wait_for(1)
    assert mail.message_id == "<delivery-2@dgaspc.example.ro>"
    time.sleep(0.1)
    assert len(mailbox.received) == 1


def test_mail_refused_for_good_is_final_and_for_now_is_retryable(mailbox):
    channel = SmtpChannel.from_env()
    mailbox.refuse = "550 5.1.1 no such mailbox"
    with pytest.raises(DeliveryError) as failure:
        channel.send("nimeni@spas.example.ro", MESSAGE, "delivery-3")
    assert not failure.value.retryable
    assert failure.value.reason.startswith("smtp: recipient refused (550")

    mailbox.refuse = "451 4.3.0 try again later"
    with pytest.raises(DeliveryError) as failure:
        channel.send("nimeni@spas.example.ro", MESSAGE, "delivery-3")
    assert failure.value.retryable
    assert mailbox.received == []


@pytest.mark.parametrize(
    "address", ["", "not an address", "x@", "@spas.ro", "a@b.ro, c@d.ro", "a@b.ro\r\nBcc: e@f.ro"]
)
def test_malformed_address_is_final_and_nothing_is_sent(mailbox, address):
    with pytest.raises(DeliveryError) as failure:
        SmtpChannel.from_env().send(address, MESSAGE, "delivery-4")
    assert not failure.value.retryable
    assert failure.value.reason.startswith("smtp: malformed address")
    assert mailbox.received == []


def test_webhook_is_signed_and_a_tampered_body_is_not(sink, webhooks):
    before = int(time.time())
    webhooks.send(sink.url, SECRET, MESSAGE, "delivery-5")

    [hook] = sink.wait_for(1)
    assert hook.verified
    assert hook.json == MESSAGE.payload
    assert hook.body == encode_payload(MESSAGE.payload)  # compact, sorted keys
    assert hook.body == json.dumps(MESSAGE.payload, sort_keys=True, separators=(",", ":")).encode()
    assert hook.headers["Content-Type"] == "application/json"
    assert hook.headers["X-Coordonare-Delivery"] == "delivery-5"
    timestamp = hook.headers["X-Coordonare-Timestamp"]
    assert before <= int(timestamp) <= time.time()
    signature = hook.headers["X-Coordonare-Signature"]
    assert signature.startswith("sha256=") and len(signature) == len("sha256=") + 64
    assert signature == sign(SECRET, timestamp, hook.body)

    tampered = hook.body.replace(b"C-17", b"C-18")
    assert not verify(SECRET, timestamp, tampered, signature)
    assert not verify("another secret", timestamp, hook.body, signature)
    assert not verify(SECRET, int(timestamp) + 1, hook.body, signature)
    # a replay: the right signature, too late
    assert not verify(SECRET, timestamp, hook.body, signature, now=int(timestamp) + 301)
    assert verify(SECRET, timestamp, hook.body, signature, now=int(timestamp) + 299)


def test_webhook_answering_500_is_retryable(sink, webhooks):
    sink.answer(500)
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, SECRET, MESSAGE, "delivery-6")
    assert failure.value.retryable
    assert failure.value.reason == "webhook: HTTP 500"
    assert sink.wait_for(1)[0].verified


@pytest.mark.parametrize(
    ("status", "retryable"), [(404, False), (400, False), (410, False), (429, True), (408, True)]
)
def test_webhook_client_errors_are_final_but_408_and_429(sink, webhooks, status, retryable):
    sink.answer(status)
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, SECRET, MESSAGE, "delivery-7")
    assert failure.value.retryable is retryable
    assert failure.value.reason == f"webhook: HTTP {status}"


def test_webhook_that_hangs_fails_after_the_timeout(sink, webhooks):
    sink.hang()
    started = time.monotonic()
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, SECRET, MESSAGE, "delivery-8")
    took = time.monotonic() - started
    assert failure.value.retryable
    assert failure.value.reason == "webhook: no answer within 0.5 s"
    assert 0.4 <= took < 2.0
    assert len(sink.received) == 1

    # and the endpoint answering again is enough: nothing stays stuck
    sink.answer(200)
    webhooks.send(sink.url, SECRET, MESSAGE, "delivery-8")
    assert len(sink.wait_for(2)) == 2


def test_webhook_endpoint_gone_is_retryable(webhooks):
    with WebhookSink(SECRET) as gone:
        url = gone.url
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(url, SECRET, MESSAGE, "delivery-9")
    assert failure.value.retryable
    assert failure.value.reason == "webhook: connection refused"


@pytest.mark.parametrize("url", ["", "not a url", "ftp://example.ro/hook", "http://"])
def test_webhook_bad_url_or_no_secret_is_final(webhooks, url):
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(url, SECRET, MESSAGE, "delivery-10")
    assert not failure.value.retryable
    assert failure.value.reason.startswith("webhook: bad URL")


def test_webhook_without_a_secret_is_not_sent(sink, webhooks):
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, "", MESSAGE, "delivery-11")
    assert not failure.value.retryable
    time.sleep(0.1)
    assert sink.received == []


def test_a_hanging_webhook_does_not_hold_up_the_mail(mailbox, sink, webhooks):
    """Under eventlet (as in the service) both adapters wait cooperatively."""
    sink.hang()
    hanging = eventlet.spawn(webhooks.send, sink.url, SECRET, MESSAGE, "delivery-12")
    sink.wait_for(1)  # the webhook is now waiting for its answer
    started = time.monotonic()
    SmtpChannel.from_env().send("asistent@spas.example.ro", MESSAGE, "delivery-12")
    assert mailbox.wait_for(1) and time.monotonic() - started < 0.4
    with pytest.raises(DeliveryError, match="no answer"):
        hanging.wait()


def test_backoff_doubles_from_the_base_up_to_the_cap():
    assert [backoff(n) for n in range(1, MAX_ATTEMPTS)] == [30, 60, 120, 240, 480, 960, 1920]
    assert backoff(8) == 3600 and backoff(1000) == 3600
    assert [backoff(n, base_seconds=1, cap_seconds=5) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]
    assert backoff(3) == backoff(3)  # deterministic
    with pytest.raises(ValueError):
        backoff(0)
    assert MAX_ATTEMPTS == 8
