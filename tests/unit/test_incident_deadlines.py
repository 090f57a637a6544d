"""Incident deadlines by kind (1.3 §2.5, instrument F, 4.2): the county's
deadline for each difficulty type, ethics breaches handled at once."""

from datetime import timedelta

import pytest

from events.vocabulary.coordination import DIFFICULTY_TYPES
from services.coordination.incidents.deadlines import check_deadline_hours
from services.coordination.incidents.rules import InvalidIncident
from tests.unit.test_incident_domain import MAY_1, SYSTEM, report


def test_ethics_breaches_are_handled_at_once_and_each_difficulty_has_its_countys_deadline():
    """1.3 §2.5, F ("intervenție rapidă ... încălcări etice"), 4.2: an ethics
    breach — a suspicion of abuse left unreported among them (4.2.4) — is
    handled within hours, not the old 14 days; each difficulty type of 4.2
    has its own default deadline, which the county sets; the reporter may
    shorten it, never lengthen it; escalation gives as long again."""
    defaults = check_deadline_hours({})
    ethics = report(difficulty_type="ethics_and_integrity", deadlines=defaults)
    assert (ethics.resolution_hours, ethics.deadline) == (4, "2026-05-01T13:00:00+00:00")
    assert not ethics.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(hours=4))
    assert ethics.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(hours=5))
    assert (ethics.escalation_level, ethics.deadline) == ("spas_head", "2026-05-01T18:00:00+00:00")
    by_type = {
        kind: report(difficulty_type=kind, deadlines=defaults).resolution_hours
        for kind in DIFFICULTY_TYPES
    }
    assert by_type == {
        "roles_and_competences": 72,
        "communication": 336,
        "sensitive_situations": 24,
        "ethics_and_integrity": 4,
        "resources": 336,
        "emotional_strain": 168,
    }
    county = check_deadline_hours({"ethics_and_integrity": 2, "resources": 21 * 24})
    assert report(difficulty_type="resources", deadlines=county).resolution_days == 21
    assert report(difficulty_type="ethics_and_integrity", deadlines=county).resolution_hours == 2
    shorter = report(difficulty_type="communication", deadlines=county, resolution_hours=48)
    assert shorter.deadline == "2026-05-03T09:00:00+00:00"
    with pytest.raises(InvalidIncident, match="handled at once"):
        check_deadline_hours({"ethics_and_integrity": 14 * 24})
    with pytest.raises(InvalidIncident, match="by difficulty type"):
        check_deadline_hours({"gossip": 1})


def test_an_incident_stored_with_a_deadline_in_days_keeps_it():
    """Reported before deadlines were in hours: its days, as they were."""
    incident = report()
    [reported] = incident.collect_events()
    del reported.__dict__["resolution_hours"]
    stored = reported.mutate(None)
    assert (stored.resolution_days, stored.resolution_hours) == (14, 14 * 24)
    assert stored.escalate_if_overdue(SYSTEM, MAY_1 + timedelta(days=15))
    assert stored.deadline == "2026-05-30T09:00:00+00:00"
