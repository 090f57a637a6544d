"""Who a notification reaches beyond the inbox: a person's contact (their
e-mail address and language) and another county system's webhook. Pure: no
nameko, no database, no I/O.

Both lived in ``domain.py`` with the alerts and notifications until that
module passed 400 lines; their stored topics still name it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.actor import Actor, AuditedAggregate
from events.topics import moved
from services.notifications.competence import WebhookRemoved


class Contact(AuditedAggregate):
    """How a person is reached beyond the inbox, and in which language first."""

    class Set(Aggregate.Created, AuditedAggregate.Event):
        staff_id: str
        email: str | None
        language: str

    def __init__(self, staff_id: str, email: str | None, language: str) -> None:
        self.staff_id, self.email, self.language = staff_id, email, language

    @event("Changed")
    def change(
        self, email: str | None, language: str, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.email, self.language = email, language


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.notifications.domain:Contact", Contact)


def contact_id(staff_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/coordonare/notifications/contact/{staff_id}")


class Webhook(AuditedAggregate):
    """Another county system that wants the alerts: its URL, the kinds it
    wants and the municipality it serves (None: the whole county). The
    secret its deliveries are signed with is derived from the service's
    webhook key, the webhook's id and its generation (one more at each
    rotation), never stored (``webhook_secret``)."""

    class Registered(Aggregate.Created, AuditedAggregate.Event):
        name: str
        url: str
        kinds: list[str]
        municipality: str | None

    def __init__(self, name: str, url: str, kinds: list[str], municipality: str | None) -> None:
        self.name, self.url, self.kinds, self.municipality = name, url, kinds, municipality
        self.active = True
        self.generation = 0

    def check_active(self) -> None:
        if not self.active:
            raise WebhookRemoved(
                f"Webhook-ul {self.id} a fost șters; înregistrați unul nou dacă sistemul "
                "trebuie să primească din nou notificări.",
                webhook_id=str(self.id),
            )

    def rotate(self, actor: Actor) -> None:
        """A new signing secret; the old one signs nothing from now on."""
        self.check_active()
        self._secret_rotated(self.generation + 1, **actor.event_fields())

    @event("SecretRotated")
    def _secret_rotated(
        self, generation: int, actor_id: str, actor_role: str, correlation_id: str
    ) -> None:
        self.generation = generation

    def remove(self, actor: Actor) -> None:
        self.check_active()
        self._removed(**actor.event_fields())

    @event("Removed")
    def _removed(self, actor_id: str, actor_role: str, correlation_id: str) -> None:
        self.active = False

    def wants(self, kind: str, municipality: str | None) -> bool:
        return (
            self.active
            and kind in self.kinds
            and (self.municipality is None or self.municipality == municipality)
        )


# Stored before the capability folders (ADR 0016): old topics stay readable.
moved("services.notifications.domain:Webhook", Webhook)


def webhook_secret(key: bytes, webhook_id: UUID, generation: int = 0) -> str:
    """HMAC of the webhook's id (and generation, after a rotation) under the
    service's key, as a Standard Webhooks secret (``whsec_`` + base64): given
    to the county admin once, at registration or rotation, and derived again
    for each delivery."""
    signed = str(webhook_id) if generation == 0 else f"{webhook_id}/{generation}"
    digest = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(digest).decode("ascii")
