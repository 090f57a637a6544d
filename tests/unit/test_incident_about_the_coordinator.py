"""A difficulty about the coordinator (guide 4.5 step 2: "dacă dificultatea
privește chiar relația de coordonare, aceasta se discută într-un cadru de
echipă sau se aduce la cunoștința superiorului"), as the technician, the
SPAS head and the coordinator it concerns live it."""

from datetime import timedelta

import pytest

from services.coordination.incidents.domain import Incident
from services.coordination.incidents.published import incident_publication
from services.coordination.incidents.rules import (
    IncidentLedByTheHead,
    IncidentNotHidden,
    InvalidIncident,
    UnknownIncident,
)
from tests.support.published import as_published
from tests.unit.test_incident_domain import (
    ADMIN,
    COORDINATION,
    COORDINATOR,
    COORDINATOR_ID,
    HEAD,
    MAY_1,
    SYSTEM,
    TECH,
    report,
)


def about_the_coordinator(**overrides):
    return report(difficulty_type="communication", about_coordinator=True, **overrides)


def test_informarea_a_difficulty_about_the_coordinator_goes_to_the_spas_head_hidden_from_them():
    """Guide 4.5 step 2 (Informarea): the technician reports that the
    difficulty concerns the coordination relationship itself; the SPAS head
    leads it, the coordinator neither leads it nor sees it until the head
    decides to share it — then they read it, and the head still leads."""
    incident = about_the_coordinator()
    assert incident.about_coordinator and not incident.shared_with_coordinator
    with pytest.raises(UnknownIncident):  # hidden, as if it were not there
        incident.identify(COORDINATOR, COORDINATOR_ID, "communication", "conflict de opinii")
    with pytest.raises(UnknownIncident):
        incident.check_may_read(COORDINATOR, COORDINATOR_ID)
    assert incident.hidden_from(COORDINATOR) and not incident.hidden_from(HEAD)
    incident.check_may_read(HEAD, COORDINATOR_ID)
    incident.check_may_read(TECH, COORDINATOR_ID)

    incident.identify(HEAD, COORDINATOR_ID, "communication", "conflict de opinii")
    with pytest.raises(UnknownIncident):  # the decision is the head's
        incident.share_with_coordinator(COORDINATOR, COORDINATOR_ID, "discutăm împreună")
    incident.share_with_coordinator(HEAD, COORDINATOR_ID, "discuție în echipă")
    incident.check_may_read(COORDINATOR, COORDINATOR_ID)
    with pytest.raises(IncidentLedByTheHead, match=r"4\.5 step 2"):  # shared, still the head's
        incident.inform(COORDINATOR, COORDINATOR_ID, "superior", "notă")
    with pytest.raises(IncidentNotHidden):
        incident.share_with_coordinator(HEAD, COORDINATOR_ID, "încă o dată")

    published = [incident_publication(e) for e in incident.collect_events()]
    assert published[0].data["about_coordinator"] is True
    assert published[-1].name == "IncidentSharedWithCoordinator"
    for position, event in enumerate(incident.collect_events(), start=1):
        as_published(event, position)


def test_only_the_technician_or_the_head_say_it_concerns_the_coordinator():
    """Guide 4.5 step 2: there must be a coordinator, and they do not report
    a difficulty about themselves; an ordinary report stays theirs to lead."""
    with pytest.raises(InvalidIncident, match="not by the coordinator"):
        about_the_coordinator(actor=COORDINATOR)
    with pytest.raises(InvalidIncident, match="no coordinator"):
        about_the_coordinator(actor=HEAD, coordination=None)
    assert about_the_coordinator(actor=HEAD).about_coordinator
    ordinary = report()
    assert not ordinary.about_coordinator and not ordinary.hidden_from(COORDINATOR)
    with pytest.raises(IncidentNotHidden):
        ordinary.share_with_coordinator(HEAD, COORDINATOR_ID, "nimic de ascuns")


def test_overdue_it_goes_past_the_head_to_the_county():
    """Guide 4.4.3: the SPAS head already leads it, so the first escalation
    of an overdue difficulty about the coordinator is to the county."""
    incident = about_the_coordinator()
    assert incident.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=30))
    assert incident.escalation_level == "county_admin"
    incident.check_may_lead(ADMIN, COORDINATION["coordinator_id"])


def test_a_report_stored_before_item_9_is_not_about_the_coordinator():
    """Events stored by the previous version keep their meaning."""
    incident = report()
    [reported] = incident.collect_events()
    state = {k: v for k, v in reported.__dict__.items() if k != "about_coordinator"}
    old = Incident.Reported(**state)
    assert old.about_coordinator is False
