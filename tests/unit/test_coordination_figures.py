"""The coordination side of the county's report (instrument G) on plain
rows: which contracts owe a month's hours (R6), how the journal measured up,
which technicians have no contract to act under (R1) — and that only counts
come out, to those who may read them."""

from datetime import date

import pytest

from events.actor import Actor
from services.coordination.contracts.commands import ContractReadDenied
from services.coordination.figures import (
    check_month,
    coordination_hours,
    county_figures,
    covered_technicians,
    in_force_during,
    municipalities_in_scope,
    technicians,
    terms_of,
)
from services.coordination.planning.domain import InvalidMonth, month_compliance

TODAY = date(2026, 11, 26)


def contract(contract_id="c-1", technician_id="t-1", **overrides):
    return {
        "contract_id": contract_id,
        "municipality": "54975",
        "technician_id": technician_id,
        "coordinator_id": "sw-1",
        "hours_per_month": 40,
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "status": "active",
        "ended_on": None,
    } | overrides


def staff(staff_id, role="technician", active=True, municipality="54975"):
    return {"staff_id": staff_id, "role": role, "active": active, "municipality": municipality}


def compliance(minutes, hours_per_month=40, **contract_fields):
    row = contract(**contract_fields) | {"hours_per_month": hours_per_month}
    return month_compliance(terms_of(row), "2026-10", minutes, 1, TODAY) | {
        "municipality": row["municipality"]
    }


# -- the month and who asks -----------------------------------------------------
@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "octombrie", 202610, None, "2026-12"])
def test_a_month_is_yyyy_mm_already_begun(bad):
    with pytest.raises(InvalidMonth) as error:
        check_month(bad, TODAY)
    assert error.value.details["field"] == "month"


def test_the_county_and_auditors_read_every_municipality_a_spas_head_their_own():
    known = ["55259", "54975", "54975"]
    admin, auditor = Actor("a", "county_admin"), Actor("x", "auditor")
    head = Actor("h", "spas_head", "55259")
    assert municipalities_in_scope(admin, None, known) == ["54975", "55259"]
    assert municipalities_in_scope(auditor, "54975", known) == ["54975"]
    assert municipalities_in_scope(head, None, known) == ["55259"]
    refused = [
        (head, "54975"),
        (Actor("h2", "spas_head"), None),
        (Actor("t", "technician", "54975"), None),
        (Actor("sw", "social_worker"), None),
    ]
    for actor, asked in refused:
        with pytest.raises(ContractReadDenied):
            municipalities_in_scope(actor, asked, known)


# -- contracts over a month ----------------------------------------------------------
def test_a_contract_owes_the_hours_of_every_month_it_was_in_force():
    assert in_force_during(contract(), "2026-10")
    assert not in_force_during(contract(starts_on="2026-11-15"), "2026-10")
    assert in_force_during(contract(starts_on="2026-10-31"), "2026-10")
    assert not in_force_during(contract(ends_on="2026-09-30"), "2026-10")
    assert in_force_during(contract(ends_on=None), "2026-10")
    ended = contract(status="terminated", ended_on="2026-10-05")
    assert in_force_during(ended, "2026-10") and not in_force_during(ended, "2026-11")
    never = contract(starts_on="2026-10-20", status="terminated", ended_on="2026-10-10")
    assert not in_force_during(never, "2026-10")


def test_a_month_a_contract_covered_in_part_is_flagged_partial():
    ended = contract(status="terminated", ended_on="2026-10-05")
    assert terms_of(ended).ends_on == date(2026, 10, 5)
    assert month_compliance(terms_of(ended), "2026-10", 0, 0, TODAY)["partial"] is True
    assert month_compliance(terms_of(contract()), "2026-10", 0, 0, TODAY)["partial"] is False


def test_38_hours_are_below_40_and_the_lowest_is_named():
    figures = coordination_hours([compliance(38 * 60), compliance(40 * 60), compliance(45 * 60)])
    assert figures == {
        "contracts_in_force": 3,
        "compliant": 2,
        "below": 1,
        "partial": 0,
        "total_hours": 123.0,
        "lowest_hours": 38.0,
    }
    assert coordination_hours([compliance(2400, hours_per_month=50)])["below"] == 1
    assert coordination_hours([])["lowest_hours"] is None


def test_technicians_without_a_contract_active_today():
    contracts = [
        contract("c-1", "t-1"),
        contract("c-2", "t-2", status="suspended"),
        contract("c-3", "t-3", status="terminated", ended_on="2026-11-20"),
        contract("c-4", "t-4", ends_on="2026-11-25"),
        contract("c-5", "t-5", starts_on="2026-12-01"),
    ]
    covered = covered_technicians(contracts, TODAY)
    assert covered == {"t-1"}
    registry = [
        *(staff(f"t-{n}") for n in range(1, 7)),
        staff("t-7", active=False),
        staff("sw-1", role="social_worker"),
    ]
    assert technicians(registry, covered) == {"registered": 6, "without_active_contract": 5}


def test_every_municipality_asked_for_is_there_with_counts_only():
    figures = county_figures(
        "2026-10",
        ["54975", "55259"],
        [compliance(38 * 60), compliance(40 * 60, contract_id="c-2", technician_id="t-2")],
        [staff("t-1"), staff("t-2"), staff("t-3"), staff("t-9", municipality="54984")],
        [contract("c-1", "t-1"), contract("c-2", "t-2")],
        TODAY,
    )
    assert figures["month"] == "2026-10"
    cluj, turda = figures["municipalities"]["54975"], figures["municipalities"]["55259"]
    assert (cluj["coordination_hours"]["compliant"], cluj["coordination_hours"]["below"]) == (1, 1)
    assert cluj["technicians"] == {"registered": 3, "without_active_contract": 1}
    assert turda == {
        "coordination_hours": {
            "contracts_in_force": 0,
            "compliant": 0,
            "below": 0,
            "partial": 0,
            "total_hours": 0.0,
            "lowest_hours": None,
        },
        "technicians": {"registered": 0, "without_active_contract": 0},
    }
    assert not any(i in str(figures) for i in ("c-1", "t-1", "sw-1", "54984"))
