"""The published contract is complete, consistent and documented."""

import inspect
import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from events import contracts
from events.actor import Actor, AuditedAggregate
from events.catalogue import render
from events.errors import InvalidCommand
from events.refusals import Refusal
from events.vocabulary import ROLES
from events.vocabulary.coordination import DEPARTURE_REASONS
from services.coordination.contracts import domain as contracting
from services.coordination.contracts import index as contract_index
from services.coordination.contracts.rules import OBLIGATIONS
from services.coordination.published import publication_of
from services.coordination.registry import domain, rules
from tests.support.published import as_published
from tests.support.registry import TECHNICIAN

ADMIN = Actor("admin", "county_admin")


def stored_event_classes():
    aggregates = [c for _, c in inspect.getmembers(domain, inspect.isclass)]
    aggregates += [Refusal, contracting.CoordinationContract, contract_index.TechnicianCoordination]
    for aggregate in aggregates:
        if issubclass(aggregate, AuditedAggregate) and aggregate is not AuditedAggregate:
            for _, member in inspect.getmembers(aggregate, inspect.isclass):
                # eventsourcing derives generic Event/Created classes per aggregate
                if (
                    issubclass(member, AuditedAggregate.Event)
                    and member.__qualname__.startswith(aggregate.__name__ + ".")
                    and member.__name__ not in ("Event", "Created", "Parties")
                ):
                    yield member


def sample_events():
    m = domain.Municipality.register(ADMIN, "54975", "Cluj-Napoca", "Cluj")
    sw = domain.StaffMember.register(
        ADMIN,
        email="a@b.ro",
        full_name="Ana",
        role="social_worker",
        rnasr_code="AS1",
        experience_domains=["poverty"],
    )
    claim = domain.RnasrCodeClaim.claim(ADMIN, sw)
    sw.change_experience(ADMIN, ["old_age"])
    tech = domain.StaffMember.register(ADMIN, **TECHNICIAN.command())
    tech.change_categories(ADMIN, ["pregnancy"])
    tech.transfer(ADMIN, "55259")
    tech.record_licensing(ADMIN, "AS2", ["pregnancy"])
    tech.record_departure(ADMIN, "retired")
    refusal = Refusal.record(
        Actor("t-1", "technician", "54975"),
        "register_municipality",
        rules.RegistryAccessDenied("only a county admin manages the registry"),
    )
    return [
        *contract_story(),
        *refusal.collect_events(),
        *m.collect_events(),
        *sw.collect_events(),
        *claim.collect_events(),
        *tech.collect_events(),
    ]


def contract_story():
    head, coordinator = Actor("h", "spas_head", "54975"), Actor(SW["staff_id"], "social_worker")
    technician = {
        "staff_id": str(uuid4()),
        "role": "technician",
        "active": True,
        "municipality": "54975",
        "beneficiary_categories": ["poverty"],
    }
    contract = contracting.CoordinationContract.draft(
        head,
        technician=technician,
        coordinator=SW,
        legal_form="cooperation_agreement",
        obligations={p: list(c) for p, c in OBLIGATIONS.items()},
        hours_per_month=40,
        starts_on="2026-12-01",
        ends_on=None,
    )
    index = contract_index.TechnicianCoordination.open(head, technician["staff_id"])
    index.add(head, str(contract.id))
    contract.sign(head)
    contract.sign(coordinator)
    contract.activate(coordinator)
    index.put_in_force(coordinator, str(contract.id))
    contract.propose_amendment(head, {"ends_on": "2027-12-31"})
    contract.accept_amendment(coordinator)
    contract.suspend(head, "concediu")
    contract.resume(head)
    # R5 kept true: the technician's categories grow past the coordinator's experience
    grown = technician | {"beneficiary_categories": ["poverty", "old_age"]}
    contract.recheck_experience(ADMIN, grown, SW, "categories_changed")
    contract.recheck_experience(ADMIN, technician, SW, "categories_changed")
    contract.close(head, "coordinator_replaced", replaced_by=str(uuid4()))
    return [*contract.collect_events(), *index.collect_events()]


SW = {
    "staff_id": str(uuid4()),
    "role": "social_worker",
    "active": True,
    "experience_domains": ["poverty"],
}


def test_every_stored_event_class_is_exercised_here():
    assert {type(e) for e in sample_events()} == set(stored_event_classes())


def test_every_published_event_matches_its_schema():
    bodies = [as_published(e, p) for p, e in enumerate(sample_events(), start=1)]
    assert len([b for b in bodies if b is not None]) == 20


def test_staff_events_on_the_bus_carry_no_names_or_contact_data():
    for event in sample_events():
        publication = publication_of(event)
        if publication is not None:
            text = json.dumps(publication.data)
            assert "Ana" not in text and "Ion" not in text and "@" not in text


def test_a_contract_violation_is_reported():
    with pytest.raises(contracts.ContractViolation, match="data"):
        contracts.check_published(
            {
                "specversion": "1.0",
                "id": str(uuid4()),
                "source": "/coordonare/coordination",
                "type": "ro.coordonare.coordination.StaffDeparted.v1",
                "subject": "x",
                "time": datetime.now(UTC).isoformat(),
                "datacontenttype": "application/json",
                "position": 1,
                "actor": "a",
                "actorrole": "county_admin",
                "data": {"staff_id": str(uuid4()), "reason": "bored"},
            }
        )


def test_command_schemas_speak_the_domain_vocabulary():
    schema = contracts.resolved("commands/coordination/register_staff.schema.json")
    assert schema["properties"]["role"]["enum"] == list(ROLES)
    assert schema["properties"]["experience_domains"]["items"]["enum"] == list(rules.CATEGORIES)
    departure = contracts.resolved("commands/coordination/record_departure.schema.json")
    assert departure["properties"]["reason"]["enum"] == list(DEPARTURE_REASONS)


def test_malformed_commands_name_the_field():
    with pytest.raises(InvalidCommand) as refused:
        contracts.check_command(
            "coordination", "register_municipality", {"siruta": "54975", "name": "X"}
        )
    assert "county" in str(refused.value)
    with pytest.raises(InvalidCommand, match="'color' was unexpected"):
        contracts.check_command(
            "coordination",
            "register_municipality",
            {"siruta": "54975", "name": "X", "county": "Cluj", "color": "red"},
        )


def test_the_catalogue_is_generated_from_the_contracts():
    committed = (Path(__file__).parents[2] / "docs" / "events.md").read_text()
    assert committed == render(), "docs/events.md is stale: run `make catalogue`"
    for event_type in contracts.published_event_types():
        assert f"`{event_type}`" in committed
