"""Chapter 4 of the guide through the real broker and databases: a
technician's difficulty reaches whoever leads it at once (4.5 step 2,
"Informarea"), and every level it is escalated to (4.4.3), by inbox and
e-mail, once each, and without what it is about."""

from __future__ import annotations

import time

from tests.support.casework import TURDA_HEAD
from tests.support.registry import ADMIN
from tests.support.waiting import eventually
from tests.support.webhook_sink import WebhookSink

DESCRIPTION = "Coordonatorul nu răspunde la solicitări de trei săptămâni."


def notices(world: dict, actor: dict, kind: str) -> list[dict]:
    return [n for n in world["notifications"].inbox(actor) if n["kind"] == kind]


def report(world: dict, **overrides: object) -> dict:
    form = {
        "technician_id": world["tech"]["staff_id"],
        "difficulty_type": "communication",
        "description": DESCRIPTION,
    }
    return world["rpc"].coordination.report_incident(world["tech_actor"], form | overrides)


def test_informarea_a_reported_difficulty_reaches_the_coordinator_at_once(notifying):
    """The technician reports; their coordinator hears of it at once, by
    inbox and e-mail, with the type and the deadline but not the
    description. The reporter and the heads are not told: the coordinator
    leads it."""
    world = notifying
    incident = report(world)
    [told] = eventually(lambda: notices(world, world["expert_actor"], "incident_reported"))
    assert told["subject"] == (
        f"Dificultate raportată (comunicare și colaborare): incidentul {incident['incident_id']}"
    )
    assert DESCRIPTION not in told["text"] and "4.5" in told["text"]
    assert told["link"].endswith(f"/incidents/{incident['incident_id']}")
    [mail] = world["mailbox"].wait_for(1)
    assert mail.to == [world["emails"][world["expert"]["staff_id"]]]
    assert notices(world, world["tech_actor"], "incident_reported") == []
    assert notices(world, world["head"], "incident_reported") == []


def test_about_the_coordinator_the_spas_head_hears_of_it_and_the_coordinator_once_shared(
    notifying,
):
    """4.5 step 2: a difficulty about the coordination itself goes to the
    superior. The SPAS head of the technician's municipality is told (not
    the other municipality's); the coordinator it concerns is not, as the
    incident itself is hidden from them, until the head shares it."""
    world = notifying
    incident = report(world, about_coordinator=True)
    [told] = eventually(lambda: notices(world, world["head"], "incident_reported"))
    assert told["link"].endswith(f"/incidents/{incident['incident_id']}")
    assert "relația de coordonare" in told["text"] and DESCRIPTION not in told["text"]
    [mail] = world["mailbox"].wait_for(1)
    assert mail.to == [world["emails"][world["head"]["id"]]]
    assert notices(world, world["expert_actor"], "incident_reported") == []
    assert notices(world, TURDA_HEAD.actor(), "incident_reported") == []

    # the head shares it: now the coordinator is told, and may read it
    world["rpc"].coordination.share_incident_with_coordinator(
        world["head"], {"incident_id": incident["incident_id"], "note": "discutăm în echipă"}
    )
    [shared] = eventually(lambda: notices(world, world["expert_actor"], "incident_shared"))
    assert shared["link"].endswith(f"/incidents/{incident['incident_id']}")
    assert DESCRIPTION not in shared["text"] and "4.5" in shared["text"]
    assert notices(world, world["head"], "incident_shared") == []


def test_escalated_the_head_then_the_county_hear_of_it_once_each(notifying):
    """4.4.3: unresolved, the incident goes to the SPAS head, then to the
    county's staff; each level is told once, whoever else was told before."""
    world, coordination = notifying, notifying["rpc"].coordination
    incident = report(world)
    key = {"incident_id": incident["incident_id"]}
    eventually(lambda: notices(world, world["expert_actor"], "incident_reported"))

    coordination.escalate_incident(world["expert_actor"], key | {"reason": "depășește coordonarea"})
    [to_head] = eventually(lambda: notices(world, world["head"], "incident_escalated"))
    assert to_head["subject"] == (
        f"Dificultate nerezolvată, escaladată la șeful SPAS: incidentul {incident['incident_id']}"
    )
    assert "urcă la nivelul următor" in to_head["text"]
    assert notices(world, world["county_admin"], "incident_escalated") == []

    coordination.escalate_incident(world["head"], key | {"reason": "resurse lipsă la SPAS"})
    [to_county] = eventually(lambda: notices(world, world["county_admin"], "incident_escalated"))
    assert "DGASPC" in to_county["subject"] and "urcă" not in to_county["text"]
    assert len(notices(world, world["head"], "incident_escalated")) == 1


def test_a_county_system_hears_of_an_escalation_once_however_many_people_do(
    webhook_demo, notifying
):
    """The county's staff are several people; the dispatch system that
    wants escalations gets one notice of the incident's level, not one per
    person (which would also have made two notifications of one id, and
    held up every later event)."""
    world, coordination = notifying, notifying["rpc"].coordination
    admin = world["county_admin"]  # and ADMIN, who registered them: two of the county
    with WebhookSink("whsec_") as sink:
        registered = world["notifications"].register_webhook(
            admin, {"name": "dispecerat", "url": sink.url, "kinds": ["incident_escalated"]}
        )
        sink.secret = registered["secret"]
        key = {"incident_id": report(world)["incident_id"]}
        coordination.escalate_incident(world["expert_actor"], key | {"reason": "nerezolvat"})
        coordination.escalate_incident(world["head"], key | {"reason": "resurse lipsă"})
        [to_county] = eventually(lambda: notices(world, admin, "incident_escalated"))
        assert "DGASPC" in to_county["subject"]
        assert len(eventually(lambda: notices(world, ADMIN, "incident_escalated"))) == 1
        [head_level, county_level] = sink.wait_for(2)
        time.sleep(1)  # a third would come now
        assert len(sink.received) == 2 and head_level.verified and county_level.verified
        levels = sorted(h.json["level"] for h in sink.received)
        assert levels == ["county_admin", "spas_head"]
        assert {h.json["incident_id"] for h in sink.received} == {key["incident_id"]}
