"""The two deadlines of an urgent risk (2.3.1, 4.6 case 2): the technician's
2 hours from observing suspected abuse to telling the coordinator, and the
coordinator's acknowledgement, with its own SLA per category set by the
county, immediate danger the shortest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from events.actor import Actor
from services.notifications.domain import Alert
from services.notifications.messages import render
from services.notifications.sla import (
    InvalidServiceLevels,
    acknowledgement_sla,
    check_service_levels,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SYSTEM = Actor("notifications", "system")


def risk(category: str, **more: object) -> dict[str, object]:
    return {
        "risk_id": "11111111-1111-1111-1111-111111111111",
        "case_id": "22222222-2222-2222-2222-222222222222",
        "category": category,
        "coordinator_id": "sw",
        "reporter_id": "tech",
        "observed_at": (NOW - timedelta(hours=3)).isoformat(),
        "deadline_hours": 2,
        "late": False,
        "life_or_integrity_at_risk": False,
    } | more


def test_the_coordinators_acknowledgement_has_its_own_sla_per_category_set_by_the_county():
    """2.3.1, 4.6 case 2: the 2 hours are the technician's; the coordinator
    acknowledges within the county's SLA for the category — immediate danger
    to life or integrity the shortest, whatever the category."""
    defaults = check_service_levels({})
    assert acknowledgement_sla(defaults, risk("abuse")) == 120
    assert (
        acknowledgement_sla(defaults, risk("danger_to_life", life_or_integrity_at_risk=True)) == 30
    )
    county = check_service_levels({"immediate_danger": 15, "abuse": 60, "default": 240})
    assert acknowledgement_sla(county, risk("abuse")) == 60
    assert acknowledgement_sla(county, risk("neglect")) == 240
    beaten = risk("domestic_violence", life_or_integrity_at_risk=True)
    assert acknowledgement_sla(county, beaten) == 15
    # published before the cases service said so: danger to life only
    old = {k: v for k, v in risk("danger_to_life").items() if k != "life_or_integrity_at_risk"}
    assert acknowledgement_sla(county, old) == 15


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"abuse": 10}, "immediate danger to life or integrity has the shortest"),
        ({"immediate_danger": 180}, "immediate danger to life or integrity has the shortest"),
        ({"burglary": 60}, "acknowledgement SLAs are set for"),
        ({"abuse": 0}, "positive number of minutes"),
        ({"abuse": "soon"}, "positive number of minutes"),
    ],
)
def test_the_county_cannot_give_immediate_danger_a_longer_sla_than_another_risk(table, says):
    with pytest.raises(InvalidServiceLevels, match=says):
        check_service_levels(table)


def test_a_report_later_than_the_technicians_two_hours_is_flagged_in_the_alert():
    """2.3.1: "maximum 2 ore pentru raportarea unui caz de abuz", from
    observation to report; the cases service records the lateness and the
    coordinator's alert says so, in both languages."""
    late = Alert.raise_for(SYSTEM, risk("abuse", late=True), "054975", 120, NOW)
    on_time = Alert.raise_for(SYSTEM, risk("abuse"), "054975", 120, NOW)
    assert (late.reported_late, on_time.reported_late) == (True, False)
    fields = {
        "case_id": late.case_id,
        "category": "abuse",
        "observed_at": "20.11.2026 07:00",
        "due_at": "20.11.2026 12:00",
        "deadline_hours": 2,
    }
    _, text = render("urgent_risk_alert", "ro", fields | {"reported_late": True})
    assert "Raportată după termenul de 2 ore de la observare (R7)." in text
    assert "Reported after the 2-hour deadline from observation (R7)." in text
    _, text = render("urgent_risk_alert", "ro", fields | {"reported_late": False})
    assert "termenul" not in text
    _, text = render("urgent_risk_alert", "ro", fields)  # an alert raised before: unchanged
    assert "observată la 20.11.2026 07:00. Confirmați primirea" in text


def test_an_alert_stored_before_the_two_deadlines_keeps_its_meaning():
    """An alert raised before the lateness and the danger were recorded reads
    as on time, in immediate danger only for danger to life."""

    def as_stored_before(category: str) -> Alert:
        alert = Alert.raise_for(SYSTEM, risk(category), "054975", 120, NOW)
        [raised] = alert.collect_events()
        for name in ("reported_late", "immediate_danger"):
            del raised.__dict__[name]
        return raised.mutate(None)

    assert as_stored_before("danger_to_life").immediate_danger
    assert not as_stored_before("self_harm").immediate_danger
    assert not as_stored_before("abuse").reported_late


def test_the_alert_says_when_112_was_not_called_for_a_life_or_integrity_in_danger():
    """4.6: "se apelează mai întâi 112" wherever a life or a person's
    integrity is in danger; a report taken without the call (marked
    ``emergency_call_missing`` by the cases service) tells the coordinator
    to make sure of it, in both languages. With the call made, or for an
    alert of before, the text is as it was."""
    fields = {
        "case_id": "c-1",
        "category": "danger_to_life",
        "observed_at": "20.11.2026 07:00",
        "due_at": "20.11.2026 07:30",
    }
    _, text = render("urgent_risk_alert", "ro", fields | {"emergency_call_missing": True})
    assert "Apelul la 112 nu a fost făcut" in text and "112 was not called" in text
    for said in ({"emergency_call_missing": False}, {}):
        _, text = render("urgent_risk_alert", "ro", fields | said)
        assert "112" not in text


def test_an_escalated_disagreement_names_the_level_it_reached():
    """4.4.3, 4.6 case 3: the SPAS head, then the county, each told what
    reached them — the case and the level, never what it is about."""
    subject, text = render(
        "disagreement_escalated", "ro", {"case_id": "c-1", "level": "spas_head"}
    )
    assert subject == "Dezacord escaladat la șeful SPAS: cazul c-1"
    assert "4.4.3" in text and "escalated to the SPAS head" in text
    subject, _ = render("disagreement_escalated", "en", {"case_id": "c-1", "level": "county_admin"})
    assert subject == "Disagreement escalated to the county (DGASPC): case c-1"
