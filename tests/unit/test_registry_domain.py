"""The registry, told as the county admin would live it."""

import pytest

from events.actor import Actor
from events.errors import Forbidden, InvalidCommand
from events.vocabulary import CATEGORIES
from services.coordination.registry.domain import Municipality, StaffMember
from services.coordination.registry.rules import (
    InvalidRegistryEntry,
    NotATechnician,
    StaffHasDeparted,
    staff_id,
)
from tests.support.registry import TECHNICIAN

ADMIN = Actor("admin-1", "county_admin", correlation_id="c-1")


def social_worker(**overrides):
    profile = dict(
        email="Ana.Pop@dgaspc-cj.ro",
        full_name="Ana Pop",
        role="social_worker",
        rnasr_code="AS12345",
        experience_domains=["old_age", "poverty"],
    )
    return StaffMember.register(ADMIN, **(profile | overrides))


def test_county_admin_registers_a_municipality_and_the_event_names_who_did_it():
    m = Municipality.register(ADMIN, "54975", " Cluj-Napoca ", "Cluj")
    (event,) = m.collect_events()
    assert isinstance(event, Municipality.Registered)
    assert (event.siruta, event.name, event.county) == ("54975", "Cluj-Napoca", "Cluj")
    assert (event.actor_id, event.actor_role, event.correlation_id) == (
        "admin-1",
        "county_admin",
        "c-1",
    )


@pytest.mark.parametrize("siruta", ["", "12", "0123", "1234567", "54a75"])
def test_a_siruta_code_must_be_four_to_six_digits(siruta):
    with pytest.raises(InvalidRegistryEntry, match="SIRUTA"):
        Municipality.register(ADMIN, siruta, "X", "Cluj")


@pytest.mark.parametrize("role", ["technician", "social_worker", "spas_head", "auditor"])
def test_only_the_county_admin_manages_the_registry(role):
    with pytest.raises(Forbidden, match="county admin"):
        Municipality.register(Actor("x", role), "54975", "Cluj-Napoca", "Cluj")


def test_a_social_worker_needs_an_rnasr_code_and_domains_of_experience():
    sw = social_worker()
    assert sw.email == "ana.pop@dgaspc-cj.ro"
    assert sw.id == staff_id("ANA.POP@dgaspc-cj.ro")  # one person, one id, whatever the case
    assert sw.experience_domains == ["poverty", "old_age"]  # in the guide's order
    with pytest.raises(InvalidRegistryEntry, match="RNASR") as refused:
        social_worker(rnasr_code=None)
    assert refused.value.details["field"] == "rnasr_code"
    with pytest.raises(InvalidRegistryEntry, match="domain of experience"):
        social_worker(experience_domains=[])


def test_a_technician_belongs_to_one_spas_and_has_beneficiary_categories():
    tech = StaffMember.register(ADMIN, **TECHNICIAN.command(municipality="55259"))
    assert tech.municipality == "55259" and tech.active
    with pytest.raises(InvalidRegistryEntry, match="municipality is required"):
        StaffMember.register(
            ADMIN,
            email="x@y.ro",
            full_name="X",
            role="technician",
            beneficiary_categories=["poverty"],
        )
    with pytest.raises(InvalidRegistryEntry, match="only a social worker"):
        StaffMember.register(
            ADMIN,
            email="x@y.ro",
            full_name="X",
            role="technician",
            municipality="55259",
            rnasr_code="AS1",
            beneficiary_categories=["poverty"],
        )


def test_unknown_roles_and_categories_are_named_in_the_refusal():
    with pytest.raises(InvalidCommand, match="unknown role 'volunteer'"):
        social_worker(role="volunteer")
    with pytest.raises(InvalidCommand, match="unknown experience_domains: astrology") as refused:
        social_worker(experience_domains=["poverty", "astrology"])
    assert refused.value.details["unknown"] == ["astrology"]


def test_changing_categories_records_only_real_changes_and_departure_is_final():
    sw = social_worker()
    sw.collect_events()
    sw.change_experience(ADMIN, ["old_age", "poverty"])  # same set: nothing happens
    assert sw.collect_events() == []
    sw.change_experience(ADMIN, list(CATEGORIES[:3]))
    (changed,) = sw.collect_events()
    assert changed.experience_domains == list(CATEGORIES[:3])
    sw.record_departure(ADMIN, "retired", "pensionare")
    with pytest.raises(StaffHasDeparted):
        sw.change_experience(ADMIN, ["poverty"])
    with pytest.raises(InvalidRegistryEntry, match="departure reason"):
        social_worker().record_departure(ADMIN, "bored")


def test_a_technician_entered_in_rnasr_becomes_a_social_worker():
    """R10: licensing changes the role; the coordination contract ends on it."""
    tech = StaffMember.register(ADMIN, **TECHNICIAN.command())
    tech.collect_events()
    tech.record_licensing(ADMIN, "AS999", ["school_dropout_risk"])
    (licensed,) = tech.collect_events()
    assert isinstance(licensed, StaffMember.Licensed)
    assert (tech.role, tech.rnasr_code, tech.beneficiary_categories) == (
        "social_worker",
        "AS999",
        [],
    )
    with pytest.raises(NotATechnician):
        tech.record_licensing(ADMIN, "AS1000", ["poverty"])
    another = StaffMember.register(ADMIN, **TECHNICIAN.command())
    with pytest.raises(InvalidRegistryEntry, match="not well formed"):
        another.record_licensing(ADMIN, "as 1", ["poverty"])


def test_only_spas_staff_are_transferred_and_never_to_where_they_are():
    tech = StaffMember.register(ADMIN, **TECHNICIAN.command())
    tech.transfer(ADMIN, "55259")
    assert tech.municipality == "55259"
    with pytest.raises(InvalidRegistryEntry, match="already employed"):
        tech.transfer(ADMIN, "55259")
    with pytest.raises(InvalidRegistryEntry, match="not employed by one SPAS"):
        social_worker().transfer(ADMIN, "55259")
