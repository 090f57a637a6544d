"""What the notices of the coordination's difficulties say: an incident's
(chapter 4 of the guide: the type, the deadline and the level; never the
description, which this service never has) and a contract's short of
experience (R5), in the recipient's language first."""

from events import vocabulary
from events.vocabulary import ESCALATION_LEVELS
from events.vocabulary.coordination import DIFFICULTY_TYPES
from events.vocabulary.notifications import NOTIFICATION_KINDS
from services.notifications.messages import CATEGORIES, DIFFICULTIES, LEVELS, TEMPLATES, render

REPORTED = {
    "incident_id": "i-1",
    "difficulty_type": "ethics_and_integrity",
    "deadline": "20.11.2026 09:00",
}


def test_every_kind_has_its_words_and_every_difficulty_and_level_its_label():
    assert set(TEMPLATES) == set(NOTIFICATION_KINDS)
    assert set(DIFFICULTIES) == set(DIFFICULTY_TYPES)
    assert set(LEVELS) == set(ESCALATION_LEVELS)


def test_a_reported_difficulty_names_its_type_and_deadline():
    subject, text = render("incident_reported", "ro", REPORTED | {"about_coordinator": False})
    assert subject == "Dificultate raportată (etică și integritate): incidentul i-1"
    assert "până la 20.11.2026 09:00" in text and "ethics and integrity" in text
    assert "relația de coordonare" not in text


def test_a_difficulty_about_the_coordinator_tells_the_head_it_is_theirs_to_lead():
    _, text = render("incident_reported", "en", REPORTED | {"about_coordinator": True})
    assert text.startswith("A difficulty of the technician") and "you lead it" in text
    assert "o conduceți dumneavoastră" in text


def test_an_escalation_names_the_level_and_the_next_deadline_while_there_is_one():
    fields = {"incident_id": "i-1", "level": "spas_head", "next_deadline": "27.11.2026 09:00"}
    subject, text = render("incident_escalated", "ro", fields)
    assert subject == "Dificultate nerezolvată, escaladată la șeful SPAS: incidentul i-1"
    assert "Nerezolvată până la 27.11.2026 09:00, urcă la nivelul următor." in text
    subject, text = render(
        "incident_escalated", "en", fields | {"level": "county_admin", "next_deadline": ""}
    )
    assert subject == "Unresolved difficulty escalated to the county (DGASPC): incident i-1"
    assert "next level" not in text and "nivelul următor" not in text


def test_a_contract_short_of_experience_names_the_categories_missing():
    """R5 (principle 9): the SPAS head reads what the coordinator lacks and
    the proposal, in words, not codes."""
    fields = {"contract_id": "k-1", "missing": ["old_age", "abuse_neglect"]}
    subject, text = render("experience_mismatch_flagged", "ro", fields)
    assert subject == "Coordonatorul nu mai are experiența cerută (R5): contractul k-1"
    assert "vârstă înaintată, abuz, neglijare" in text and "old age, abuse, neglect" in text
    assert "R10" in text
    assert set(CATEGORIES) == set(vocabulary.CATEGORIES)
