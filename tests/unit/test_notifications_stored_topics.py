"""Contacts and webhooks stored before they moved out of ``domain.py``
(ADR 0016) still load: their old topics resolve to the classes that now
define them."""

from dataclasses import replace
from uuid import uuid4

from eventsourcing.application import Application

from events.actor import Actor
from services.notifications.recipients import Contact, Webhook, contact_id

ADMIN = Actor(str(uuid4()), "county_admin")
MOVED = (b"services.notifications.recipients:", b"services.notifications.domain:")


def stored_as_before(aggregate: Contact | Webhook) -> list:
    """The aggregate's events as the previous version stored them: every
    topic, in the record and in its state, naming ``domain``."""
    mapper = Application().mapper
    stored = [mapper.to_stored_event(e) for e in aggregate.collect_events()]
    before = [
        replace(
            s,
            topic=s.topic.replace(MOVED[0].decode(), MOVED[1].decode()),
            state=s.state.replace(*MOVED),
        )
        for s in stored
    ]
    assert all(s.topic.startswith(MOVED[1].decode()) for s in before)
    return [mapper.to_domain_event(s) for s in before]


def replayed(events: list) -> object:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def test_a_webhook_stored_under_domain_loads():
    webhook = Webhook._create(
        Webhook.Registered,
        id=uuid4(),
        name="DGASPC",
        url="https://dgaspc.example/hook",
        kinds=["urgent_risk_alert"],
        municipality=None,
        **ADMIN.event_fields(),
    )
    webhook.rotate(ADMIN)
    webhook.remove(ADMIN)
    loaded = replayed(stored_as_before(webhook))
    assert isinstance(loaded, Webhook)
    assert (loaded.url, loaded.generation, loaded.active) == (webhook.url, 1, False)


def test_a_contact_stored_under_domain_loads():
    staff_id = str(uuid4())
    contact = Contact._create(
        Contact.Set,
        id=contact_id(staff_id),
        staff_id=staff_id,
        email="a@example.ro",
        language="ro",
        **ADMIN.event_fields(),
    )
    contact.change("b@example.ro", "en", **ADMIN.event_fields())
    loaded = replayed(stored_as_before(contact))
    assert isinstance(loaded, Contact)
    assert (loaded.email, loaded.language) == ("b@example.ro", "en")
