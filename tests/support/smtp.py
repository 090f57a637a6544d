"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and
that a test can stop ("the mail server is down": connection refused) and start
again on the same port.

aiosmtpd runs its own asyncio loop in a thread. Once eventlet has
monkey-patched the process (tests/conftest.py does), that thread is a green
thread on green sockets: it runs whenever the test waits cooperatively
(socket I/O, time.sleep), which the code under test and ``wait_for`` do.

    with Mailbox() as mailbox:
        monkeypatch.setenv("SMTP_HOST", mailbox.host)
        monkeypatch.setenv("SMTP_PORT", str(mailbox.port))
        ...
        [mail] = mailbox.wait_for(1)
        assert mail.subject == "…" and mail.to == ["ion@example.ro"]
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.waiting import eventually


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str  # the envelope's, as given in MAIL FROM
    to: list[str]  # the envelope's recipients (RCPT TO)
    # decoded and stripped: Python's parser keeps the blank that starts a
    # folded line ("Subject:\r\n URGENT…" reads " URGENT…"), mail clients do not
    subject: str
    text: str  # the text/plain body, decoded, with \n line ends (SMTP's are \r\n)
    headers: dict[str, str]  # decoded; of a repeated header, the last
    message: EmailMessage  # the whole message, parsed
    raw: bytes  # as it arrived

    @property
    def message_id(self) -> str | None:
        return self.headers.get("Message-ID")


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.mailbox.refuse:
            return self.mailbox.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        message = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        self.mailbox.received.append(
            ReceivedMail(
                mail_from=envelope.mail_from,
                to=list(envelope.rcpt_tos),
                subject=str(message.get("Subject", "")).strip(),
                text=body.get_content().replace("\r\n", "\n") if body is not None else "",
                headers={name: str(value).strip() for name, value in message.items()},
                message=message,
                raw=raw,
            )
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """Starts at once; ``received`` holds every mail accepted, in order.

    ``refuse``: set it to an SMTP reply (``"550 5.1.1 no such mailbox"``,
    ``"450 4.2.1 try later"``) and every recipient is refused with it."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.received: list[ReceivedMail] = []
        self.refuse: str | None = None
        self._controller: Controller | None = None
        self.start()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """(Again) on the same port; a fresh loop each time, as a stopped
        controller's cannot be restarted."""
        if self._controller is None:
            controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=self.port,
                # aiosmtpd would otherwise ask DNS for this host's FQDN
                server_hostname="mailbox.test",
                ready_timeout=5.0,
            )
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """The server goes away: new connections are refused."""
        if self._controller is not None:
            controller, self._controller = self._controller, None
            controller.stop()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMail]:
        """Waits until at least ``count`` mails have arrived and returns all of
        them; AssertionError if they have not within ``timeout`` seconds."""
        eventually(
            lambda: len(self.received) >= count,
            timeout,
            every=0.02,
            message=lambda: f"received {len(self.received)} of {count} mails",
        )
        return list(self.received)

    def env(self) -> dict[str, str]:
        """SMTP_HOST and SMTP_PORT pointing at this server (for monkeypatch)."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port)}

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
