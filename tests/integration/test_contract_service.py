"""Coordination contracts through RPC on the real broker and database: the
SPAS head drafts, both sign, the technician is under coordination (R1) —
and every way of getting it wrong is refused, naming the rule."""

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from tests.support.county import activate, draft, outsider
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN, CLUJ, Person


def refused(call, *args, **kwargs):
    with pytest.raises(RemoteError) as error:
        call(*args, **kwargs)
    return error.value


def test_drafted_signed_by_both_and_the_technician_is_under_coordination(county):
    rpc, tech = county["rpc"], county["tech"]
    outside = OutsideSubscriber(
        county["amqp_uri"],
        *(f"ro.coordonare.coordination.Contract{e}.v1" for e in ("Drafted", "Signed", "Activated")),
    )
    try:
        contract = draft(county, county["expert"])
        assert contract["status"] == "draft"
        assert rpc.coordination_of(ADMIN, tech["staff_id"]) is None  # R1: not yet
        active = activate(county, county["expert_actor"], contract)
        assert (active["status"], active["signed_by"]) == ("active", ["coordinator", "institution"])
        coordination = rpc.coordination_of(ADMIN, tech["staff_id"])
        assert coordination["coordinator_id"] == county["expert"]["staff_id"]
        assert coordination["contract_id"] == contract["contract_id"]

        events = outside.receive(4)
        for event in events:
            check_published(event)
        assert [e["type"].split(".")[-2] for e in events] == [
            "ContractDrafted",
            "ContractSigned",
            "ContractSigned",
            "ContractActivated",
        ]
        assert events[-1]["data"]["technician_id"] == tech["staff_id"]
        assert events[-1]["municipality"] == "54975"
    finally:
        outside.close()


def test_r5_a_child_protection_coordinator_is_refused_for_disability_work(county):
    error = refused(draft, county, county["child_only"])
    assert error.exc_type == "ExperienceDoesNotCover"
    assert "R5" in str(error) and "disability_chronic_illness" in str(error)


@pytest.mark.parametrize(
    ("overrides", "code", "says"),
    [
        ({"hours_per_month": 38}, "TooFewHours", "R6"),
        ({"ends_on": "2025-12-31"}, "InvalidContract", "ends (2025-12-31) on or before"),
        ({"legal_form": "verbal"}, "InvalidCommand", "'verbal' is not one of"),
        ({"technician_id": "00000000-0000-0000-0000-000000000000"}, "UnknownStaff", "no staff"),
        (
            {"obligations": {"institution": [], "coordinator": [], "technician": []}},
            "InvalidContract",
            "every obligation of the guide",
        ),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_drafted(county, overrides, code, says):
    error = refused(draft, county, county["expert"], **overrides)
    assert error.exc_type == code and says in str(error)
    assert county["rpc"].contracts_of_technician(ADMIN, county["tech"]["staff_id"]) == []


def test_signing_is_for_the_parties_and_only_once(county):
    rpc = county["rpc"]
    contract = draft(county, county["expert"])
    key = {"contract_id": contract["contract_id"]}
    assert refused(rpc.sign_contract, county["tech_actor"], key).exc_type == "ContractAccessDenied"
    wrong_coordinator = refused(rpc.sign_contract, county["child_only_actor"], key)
    assert wrong_coordinator.exc_type == "ContractAccessDenied"
    rpc.sign_contract(county["head"], key)
    assert refused(rpc.sign_contract, county["head"], key).exc_type == "AlreadySigned"
    assert rpc.get_contract(ADMIN, contract["contract_id"])["signed_by"] == ["institution"]


def test_r1_one_contract_in_force_per_technician(county):
    activate(county, county["expert_actor"], draft(county, county["expert"]))
    error = refused(draft, county, county["expert"])
    assert error.exc_type == "TechnicianAlreadyCoordinated" and "R1" in str(error)


def test_r10_a_licensed_technician_leaves_coordination(county):
    rpc, tech = county["rpc"], county["tech"]
    contract = activate(county, county["expert_actor"], draft(county, county["expert"]))
    rpc.record_licensing(
        ADMIN,
        {
            "staff_id": tech["staff_id"],
            "rnasr_code": "AS300",
            "experience_domains": ["disability_chronic_illness"],
        },
    )
    ended = rpc.get_contract(ADMIN, contract["contract_id"])
    assert (ended["status"], ended["termination_reason"]) == ("terminated", "technician_licensed")
    assert rpc.coordination_of(ADMIN, tech["staff_id"]) is None


def test_a_replaced_coordinator_hands_over_and_the_history_stays_readable(county):
    rpc, tech = county["rpc"], county["tech"]
    first = activate(county, county["expert_actor"], draft(county, county["expert"]))
    rpc.change_experience(
        ADMIN,
        {
            "staff_id": county["child_only"]["staff_id"],
            "experience_domains": ["child_under_16", "disability_chronic_illness"],
        },
    )
    second = rpc.replace_coordinator(
        county["head"],
        {
            "contract_id": first["contract_id"],
            "coordinator_id": county["child_only"]["staff_id"],
            "starts_on": "2026-06-01",
        },
    )
    assert rpc.coordination_of(ADMIN, tech["staff_id"])["contract_id"] == first["contract_id"]
    activate(county, county["child_only_actor"], second)

    now = rpc.coordination_of(ADMIN, tech["staff_id"])
    assert now["coordinator_id"] == county["child_only"]["staff_id"]
    history = rpc.contracts_of_technician(county["tech_actor"], tech["staff_id"])
    assert [c["contract_id"] for c in history] == [first["contract_id"], second["contract_id"]]
    assert history[0]["termination_reason"] == "coordinator_replaced"
    assert history[1]["replaces"] == first["contract_id"]
    stranger = outsider(county, "technician", "cineva@primaria-dej.ro")
    assert refused(rpc.contracts_of_technician, stranger, tech["staff_id"]).exc_type == (
        "ContractReadDenied"
    )


def test_suspended_coordination_is_no_coordination(county):
    rpc, tech = county["rpc"], county["tech"]
    contract = activate(county, county["expert_actor"], draft(county, county["expert"]))
    key = {"contract_id": contract["contract_id"]}
    rpc.suspend_contract(county["head"], key | {"reason": "concediu medical"})
    assert rpc.coordination_of(ADMIN, tech["staff_id"]) is None
    rpc.resume_contract(county["head"], key)
    assert rpc.coordination_of(ADMIN, tech["staff_id"]) is not None
    rpc.propose_amendment(county["head"], key | {"changes": {"hours_per_month": 48}})
    amended = rpc.accept_amendment(county["expert_actor"], key)
    assert amended["hours_per_month"] == 48


def test_an_expired_contract_is_ended_as_a_fact_once(county):
    rpc, tech = county["rpc"], county["tech"]
    contract = activate(
        county,
        contract=draft(county, county["expert"], starts_on="2026-01-01", ends_on="2026-06-30"),
    )
    assert rpc.expire_contracts(ADMIN, {"today": "2026-06-30"}) == []
    assert rpc.expire_contracts(ADMIN, {"today": "2026-07-01"}) == [contract["contract_id"]]
    ended = rpc.get_contract(ADMIN, contract["contract_id"])
    assert (ended["status"], ended["termination_reason"]) == ("terminated", "expired")
    assert rpc.coordination_of(ADMIN, tech["staff_id"]) is None
    assert rpc.expire_contracts(ADMIN, {"today": "2026-07-02"}) == []
    technician_job = refused(rpc.expire_contracts, county["tech_actor"], {})
    assert technician_job.exc_type == "Forbidden"


def test_a_coordinator_who_leaves_ends_the_coordination_they_held(county):
    rpc, tech = county["rpc"], county["tech"]
    contract = activate(county)
    rpc.record_departure(ADMIN, {"staff_id": county["expert"]["staff_id"], "reason": "retired"})
    ended = rpc.get_contract(ADMIN, contract["contract_id"])
    assert (ended["status"], ended["termination_reason"]) == ("terminated", "coordinator_departed")
    assert rpc.coordination_of(ADMIN, tech["staff_id"]) is None


def test_coordination_only_with_relevant_experience_kept_when_the_registry_changes(county):
    """Guide 1.2, principle 9 ("Asistentul social oferă coordonare doar dacă
    are experiență profesională relevantă în domeniul în care activează
    tehnicianul"), R5 kept true: the technician's categories change, the
    contract in force is checked again and flagged to the SPAS head with
    what is missing and a proposal to replace the coordinator; widening the
    coordinator's experience clears it. A draft that no longer matches is not
    put in force by its last signature."""
    rpc, tech, expert = county["rpc"], county["tech"], county["expert"]
    outside = OutsideSubscriber(
        county["amqp_uri"], "ro.coordonare.coordination.ContractExperienceMismatchFlagged.v1"
    )
    try:
        contract = activate(county)
        grown = ["disability_chronic_illness", "old_age"]
        rpc.change_categories(
            ADMIN, {"staff_id": tech["staff_id"], "beneficiary_categories": grown}
        )
        flagged = rpc.get_contract(county["head"], contract["contract_id"])
        assert flagged["status"] == "active"
        assert flagged["experience_mismatch"] == {
            "missing": ["old_age"],
            "proposal": "replace_coordinator",
        }
        [listed] = rpc.experience_mismatches(county["head"])
        assert (listed["contract_id"], listed["missing"]) == (contract["contract_id"], ["old_age"])
        assert listed["because"] == "categories_changed"
        [event] = outside.receive(1)
        check_published(event)
        assert event["data"]["missing"] == ["old_age"] and event["municipality"] == "54975"
    finally:
        outside.close()
    # only the SPAS head and the county list them
    denied = refused(rpc.experience_mismatches, county["expert_actor"])
    assert denied.exc_type == "ContractReadDenied"

    rpc.change_experience(ADMIN, {"staff_id": expert["staff_id"], "experience_domains": grown})
    cleared = rpc.get_contract(county["head"], contract["contract_id"])
    assert cleared["experience_mismatch"] is None
    assert rpc.experience_mismatches(county["head"]) == []


def test_a_draft_no_longer_matching_is_not_put_in_force(county):
    """Guide 1.2, principle 9: R5 is asked again when the last signature would
    put a draft in force; the refusal names what is missing and nothing changes."""
    rpc, tech = county["rpc"], county["tech"]
    contract = draft(county, county["expert"])
    rpc.sign_contract(county["head"], {"contract_id": contract["contract_id"]})
    rpc.change_categories(
        ADMIN, {"staff_id": tech["staff_id"], "beneficiary_categories": ["poverty"]}
    )
    error = refused(
        rpc.sign_contract, county["expert_actor"], {"contract_id": contract["contract_id"]}
    )
    assert error.exc_type == "ExperienceDoesNotCover" and "poverty" in str(error)
    unchanged = rpc.get_contract(ADMIN, contract["contract_id"])
    assert (unchanged["status"], unchanged["signed_by"]) == ("draft", ["institution"])
    assert rpc.coordination_of(ADMIN, tech["staff_id"]) is None


def test_fisa_postului_a_social_worker_employed_by_the_spas_coordinates_through_the_job_description(
    county,
):
    """Guide 3.2 A (Contractarea: "Fișa postului … se întocmește când
    asistentul social cu rol de coordonare este deja angajat al instituției"),
    2.1 §1: the SPAS head records the coordination of a social worker the
    SPAS employs in their job description — the same obligations, hours and
    period, signed by both, in force under R1 like any contract; a form of
    art. 40(7) for them is refused, as is the job description for someone
    from outside, and nothing is drafted."""
    rpc, tech = county["rpc"], county["tech"]
    employee = Person(
        "irina@primaria-cluj.ro",
        "Irina Lazăr",
        "social_worker",
        municipality=CLUJ.siruta,
        rnasr_code="AS400",
        experience_domains=("disability_chronic_illness",),
    )
    registered = rpc.register_staff(ADMIN, employee.command())
    outside = OutsideSubscriber(county["amqp_uri"], "ro.coordonare.coordination.ContractDrafted.v1")
    try:
        with_contract = refused(draft, county, registered)  # service_contract
        assert with_contract.exc_type == "OwnEmployeeUnderContractForm"
        assert "job description" in str(with_contract)
        from_outside = refused(draft, county, county["expert"], legal_form="job_description")
        assert from_outside.exc_type == "JobDescriptionOutsideTheSpas"
        assert rpc.contracts_of_technician(ADMIN, tech["staff_id"]) == []

        internal = draft(county, registered, legal_form="job_description")
        [event] = outside.receive(1)
        check_published(event)
        assert event["data"]["legal_form"] == "job_description"
    finally:
        outside.close()
    active = activate(county, employee.actor(), internal)
    assert (active["status"], active["legal_form"]) == ("active", "job_description")
    assert active["hours_per_month"] == 40 and active["obligations"] == internal["obligations"]
    coordination = rpc.coordination_of(ADMIN, tech["staff_id"])
    assert coordination["coordinator_id"] == registered["staff_id"]
    # R1 as for any contract: one in force per technician
    assert refused(draft, county, county["expert"]).exc_type == "TechnicianAlreadyCoordinated"
    # handing over to a coordinator from outside names the form they come under
    handover = rpc.replace_coordinator(
        county["head"],
        {
            "contract_id": internal["contract_id"],
            "coordinator_id": county["expert"]["staff_id"],
            "starts_on": internal["starts_on"],
            "legal_form": "cooperation_agreement",
        },
    )
    assert handover["legal_form"] == "cooperation_agreement"
