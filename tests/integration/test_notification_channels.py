"""The notifications' outbound channels against real servers on loopback: an
SMTP server that can go down and come back, and a webhook endpoint that
answers 200, 500, 404 or hangs. No mocks; no name is looked up in DNS (the
webhooks' resolver is the test's) and nothing leaves loopback."""

import base64
import ipaddress
import json
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks import WebhookVerificationError

from services.notifications.channels import (
    MAX_ATTEMPTS,
    DeliveryError,
    Message,
    SmtpChannel,
    WebhookChannel,
    backoff,
    encode_payload,
    signature_headers,
)
from services.notifications.destinations import Policy
from tests.support.smtp import Mailbox
from tests.support.webhook_sink import WebhookSink

# Standard Webhooks secrets: "whsec_" and the base64 of the key's bytes
SECRET = "whsec_" + base64.b64encode("secret-comun-cu-județul".encode()).decode()
HOOKS = "dispecerat.dgaspc-cluj.example"  # exists only in the tests' resolvers
OTHER_SECRET = "whsec_" + base64.b64encode(b"another secret").decode()

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
    """As configured for a demo: the sink is on loopback, over plain http."""
    monkeypatch.setenv("WEBHOOK_TIMEOUT", "0.5")
    monkeypatch.setenv("WEBHOOK_DEMO", "1")
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


def test_webhook_is_signed_as_standard_webhooks_and_a_tampered_body_is_not(sink, webhooks):
    before = int(time.time())
    webhooks.send(sink.url, SECRET, MESSAGE, "delivery-5")

    [hook] = sink.wait_for(1)
    assert hook.verified  # by the Standard Webhooks library, as a receiver would
    assert hook.json == MESSAGE.payload
    assert hook.body == encode_payload(MESSAGE.payload)  # compact, sorted keys
    assert hook.body == json.dumps(MESSAGE.payload, sort_keys=True, separators=(",", ":")).encode()
    assert hook.headers["Content-Type"] == "application/json"
    assert hook.headers["webhook-id"] == "delivery-5"
    timestamp = hook.headers["webhook-timestamp"]
    assert before <= int(timestamp) <= time.time()
    signature = hook.headers["webhook-signature"]
    assert signature.startswith("v1,") and len(base64.b64decode(signature[3:])) == 32

    receiver = StandardWebhook(SECRET)
    headers = {k: v for k, v in hook.headers.items() if k.startswith("webhook-")}
    assert receiver.verify(hook.body, headers) == MESSAGE.payload
    tampered = hook.body.replace(b"C-17", b"C-18")
    with pytest.raises(WebhookVerificationError):
        receiver.verify(tampered, headers)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(OTHER_SECRET).verify(hook.body, headers)
    with pytest.raises(WebhookVerificationError):  # another delivery's id
        receiver.verify(hook.body, headers | {"webhook-id": "delivery-6"})
    with pytest.raises(WebhookVerificationError):  # a replay: the right signature, too late
        old = int(timestamp) - 301
        receiver.verify(hook.body, signature_headers(SECRET, "delivery-5", hook.body, old))


def test_webhook_answering_500_is_retryable(sink, webhooks):
    sink.answer(500)
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, SECRET, MESSAGE, "delivery-6")
    assert failure.value.retryable
    assert failure.value.reason == "webhook: HTTP 500"
    assert failure.value.category == "unavailable"
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
    assert failure.value.category == ("unavailable" if retryable else "rejected")


def test_webhook_that_hangs_fails_after_the_timeout(sink, webhooks):
    sink.hang()
    started = time.monotonic()
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, SECRET, MESSAGE, "delivery-8")
    took = time.monotonic() - started
    assert failure.value.retryable
    assert failure.value.reason == "webhook: no answer within 0.5 s"
    assert failure.value.category == "timeout"
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
    assert failure.value.category == "unreachable"


@pytest.mark.parametrize(
    "url", ["", "not a url", "ftp://example.ro/hook", "http://", "https://u:p@127.0.0.1:9/x"]
)
def test_webhook_bad_url_is_final_and_not_in_the_reason(webhooks, url):
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(url, SECRET, MESSAGE, "delivery-10")
    assert not failure.value.retryable
    assert failure.value.reason.startswith("webhook: destination refused")
    assert failure.value.category == "blocked"
    assert (url or "nothing") not in failure.value.reason


def test_webhook_without_a_secret_is_not_sent(sink, webhooks):
    with pytest.raises(DeliveryError) as failure:
        webhooks.send(sink.url, "", MESSAGE, "delivery-11")
    assert not failure.value.retryable
    time.sleep(0.1)
    assert sink.received == []


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(sink):
    """The resolver is the test's: the name exists nowhere else. The request
    reaches the sink at the address the resolver gave, naming the host."""
    asked = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["127.0.0.1"]

    channel = WebhookChannel(timeout=0.5, policy=Policy(demo=True), resolver=resolver)
    url = f"http://dispecerat.dgaspc-cluj.example:{sink.port}/hooks/coordonare?v=1"
    channel.send(url, SECRET, MESSAGE, "delivery-13")
    [hook] = sink.wait_for(1)
    assert asked == [("dispecerat.dgaspc-cluj.example", sink.port)]
    assert hook.headers["Host"] == f"dispecerat.dgaspc-cluj.example:{sink.port}"
    assert hook.path == "/hooks/coordonare?v=1" and hook.verified


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.1"], ["169.254.169.254"], ["::ffff:127.0.0.1"], ["8.8.8.8", "::1"]],
)
def test_a_name_resolving_inside_is_refused_at_delivery_and_nothing_is_sent(sink, addresses):
    """Not a demo: loopback is as internal as the rest. No connection is made
    at all: the sink on loopback sees nothing, and the public address is
    never connected to (the name is refused as a whole)."""
    channel = WebhookChannel(timeout=0.5, policy=Policy(), resolver=lambda h, p: addresses)
    url = f"https://dispecerat.dgaspc-cluj.example:{sink.port}/hooks/coordonare"
    with pytest.raises(DeliveryError) as failure:
        channel.send(url, SECRET, MESSAGE, "delivery-14")
    assert failure.value.category == "blocked" and not failure.value.retryable
    assert failure.value.reason == "webhook: destination refused (blocked_address)"
    time.sleep(0.1)
    assert sink.received == []


def test_an_allowed_network_is_reached_but_plain_http_only_in_a_demo(sink):
    allowed = Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),))
    channel = WebhookChannel(timeout=0.5, policy=allowed, resolver=lambda h, p: ["127.0.0.1"])
    with pytest.raises(DeliveryError) as failure:  # allowed, but not over http
        channel.send(sink.url, SECRET, MESSAGE, "delivery-15")
    assert failure.value.reason == "webhook: destination refused (not_https)"
    # over https the allowed address is connected to; the sink speaks plain
    # HTTP, so the TLS handshake fails there: reached, and not trusted
    with pytest.raises(DeliveryError) as failure:
        channel.send(sink.url.replace("http://", "https://"), SECRET, MESSAGE, "delivery-15")
    assert failure.value.category == "tls" and not failure.value.retryable


@pytest.fixture
def county_tls(tmp_path) -> tuple[ssl.SSLContext, str]:
    """A county CA of the test's own and a certificate it signs for the
    receiver's name (and no other): the sink's TLS context, the CA's file."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)

    def certificate(subject: str, public_key, issuer: str, ca: bool, names=()):
        built = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if names:
            san = x509.SubjectAlternativeName([x509.DNSName(n) for n in names])
            built = built.add_extension(san, critical=False)
        if ca:
            usage = x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            )
            built = built.add_extension(usage, critical=True)
            built = built.add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
            )
        else:
            built = built.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        return built.sign(ca_key, hashes.SHA256())

    ca = certificate("CA DGASPC test", ca_key.public_key(), "CA DGASPC test", True)
    leaf = certificate(HOOKS, key.public_key(), "CA DGASPC test", False, [HOOKS])
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "leaf.key").write_bytes(
        key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    return context, str(tmp_path / "ca.pem")


def test_over_https_the_checked_address_is_reached_with_the_name_as_sni_and_host(county_tls):
    """An internal receiver on an allowed network, with the county's own CA:
    the connection goes to the address the resolver gave, and the name in
    the URL is the TLS server name the certificate must match, and the Host."""
    context, ca_file = county_tls
    allowed = Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),))  # not a demo
    with WebhookSink(SECRET, tls=context) as sink:
        channel = WebhookChannel(0.5, allowed, lambda h, p: ["127.0.0.1"], ca_file)
        channel.send(f"https://{HOOKS}:{sink.port}/hooks/coordonare", SECRET, MESSAGE, "d-16")
        [hook] = sink.wait_for(1)
        assert hook.verified and hook.headers["Host"] == f"{HOOKS}:{sink.port}"

        # the same address under a name the certificate is not for: refused
        with pytest.raises(DeliveryError) as failure:
            channel.send(f"https://altul.example:{sink.port}/h", SECRET, MESSAGE, "d-17")
        assert failure.value.category == "tls" and not failure.value.retryable
        # and without the county's CA, the public CAs do not vouch for it
        public_cas = WebhookChannel(0.5, allowed, lambda h, p: ["127.0.0.1"])
        with pytest.raises(DeliveryError) as failure:
            public_cas.send(f"https://{HOOKS}:{sink.port}/h", SECRET, MESSAGE, "d-18")
        assert failure.value.category == "tls"
        time.sleep(0.1)
        assert len(sink.received) == 1


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
