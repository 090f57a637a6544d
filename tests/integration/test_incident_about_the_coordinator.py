"""A difficulty about the coordinator through RPC on the real broker and
database (guide 4.5 step 2): the technician tells the SPAS head, who leads
it; the coordinator does not see it until the head shares it."""

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from tests.support.county import activate
from tests.support.outside import OutsideSubscriber
from tests.support.published import stored_count, stored_since


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def test_informarea_when_the_difficulty_concerns_the_coordinator_the_spas_head_leads_it(
    county, store_url
):
    """Guide 4.5 step 2 (Informarea: "dacă dificultatea privește chiar
    relația de coordonare … se aduce la cunoștința superiorului"): reported
    as about the coordinator, the incident is led by the SPAS head and hidden
    from the coordinator — not in their list, not found when they ask —
    until the head decides to share it; then the coordinator reads it and
    the head still leads it."""
    rpc, tech = county["rpc"], county["tech"]
    activate(county)
    outside = OutsideSubscriber(
        county["amqp_uri"],
        "ro.coordonare.coordination.IncidentReported.v1",
        "ro.coordonare.coordination.IncidentSharedWithCoordinator.v1",
    )
    try:
        form = {
            "technician_id": tech["staff_id"],
            "difficulty_type": "communication",
            "description": "Coordonatorul nu răspunde la solicitări de trei săptămâni.",
            "about_coordinator": True,
        }
        # the coordinator does not report a difficulty about themselves; nothing stored
        before = stored_count(store_url)
        error = refused(rpc.report_incident, county["expert_actor"], form)
        assert error.exc_type == "InvalidIncident" and "not by the coordinator" in str(error)
        assert stored_since(store_url, before) == []  # bad input: nothing stored

        incident = rpc.report_incident(county["tech_actor"], form)
        key = {"incident_id": incident["incident_id"]}
        assert incident["about_coordinator"] and not incident["shared_with_coordinator"]
        assert rpc.incidents_of_technician(county["expert_actor"], tech["staff_id"]) == []
        hidden = refused(rpc.get_incident, county["expert_actor"], incident["incident_id"])
        assert hidden.exc_type == "UnknownIncident"
        led = {"difficulty_type": "communication", "problem": "comunicare întreruptă"}
        hidden = refused(rpc.identify_incident, county["expert_actor"], key | led)
        assert hidden.exc_type == "UnknownIncident"

        rpc.identify_incident(county["head"], key | led)
        shared = rpc.share_incident_with_coordinator(
            county["head"], key | {"note": "discuție în echipă, cu toți trei"}
        )
        assert shared["shared_with_coordinator"]
        seen = rpc.get_incident(county["expert_actor"], incident["incident_id"])
        assert seen["steps"][0]["step"] == "identified"
        listed = rpc.incidents_of_technician(county["expert_actor"], tech["staff_id"])
        assert [i["incident_id"] for i in listed] == [incident["incident_id"]]
        inform = {"informed_party": "superior", "note": "notă"}
        still_the_heads = refused(rpc.inform_about_incident, county["expert_actor"], key | inform)
        assert still_the_heads.exc_type == "IncidentLedByTheHead"

        reported, shared_event = outside.receive(2)
        for event in (reported, shared_event):
            check_published(event)
        assert reported["data"]["about_coordinator"] is True
        assert shared_event["data"] == {
            "incident_id": incident["incident_id"],
            "technician_id": tech["staff_id"],
            "coordinator_id": county["expert"]["staff_id"],
        }
    finally:
        outside.close()
