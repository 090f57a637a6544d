"""The coordination contract (instrument A), as the SPAS head and the
coordinator live it."""

from datetime import date

import pytest

from events.actor import Actor
from events.errors import Forbidden, RuleViolation
from services.coordination.contracts.domain import CoordinationContract
from services.coordination.contracts.index import TechnicianCoordination
from services.coordination.contracts.rules import (
    OBLIGATIONS,
    AlreadySigned,
    ContractStateConflict,
    InvalidContract,
    JobDescriptionOutsideTheSpas,
    OwnEmployeeUnderContractForm,
)

HEAD = Actor("head-1", "spas_head", "54975")
COORDINATOR_ID = "11111111-1111-1111-1111-111111111111"
COORDINATOR = Actor(COORDINATOR_ID, "social_worker")
TECHNICIAN = {
    "staff_id": "22222222-2222-2222-2222-222222222222",
    "role": "technician",
    "active": True,
    "municipality": "54975",
    "beneficiary_categories": ["disability_chronic_illness", "old_age"],
}
SOCIAL_WORKER = {
    "staff_id": COORDINATOR_ID,
    "role": "social_worker",
    "active": True,
    "municipality": None,
    "experience_domains": ["old_age", "disability_chronic_illness", "poverty"],
}
ALL_OBLIGATIONS = {party: list(codes) for party, codes in OBLIGATIONS.items()}


def draft(**overrides):
    terms = dict(
        technician=TECHNICIAN,
        coordinator=SOCIAL_WORKER,
        legal_form="service_contract",
        obligations=ALL_OBLIGATIONS,
        hours_per_month=40,
        starts_on="2026-12-01",
        ends_on="2027-11-30",
    )
    return CoordinationContract.draft(HEAD, **(terms | overrides))


def test_drafted_by_the_spas_head_signed_by_both_then_active():
    contract = draft()
    assert contract.status == "draft"
    contract.sign(HEAD)
    assert not contract.fully_signed
    contract.sign(COORDINATOR)
    assert contract.fully_signed
    contract.activate(COORDINATOR)
    assert contract.status == "active"
    assert contract.is_active_on(date(2026, 12, 1)) and not contract.is_active_on(
        date(2026, 11, 30)
    )
    assert not contract.is_active_on(date(2027, 12, 1))  # expired
    with pytest.raises(ContractStateConflict):
        contract.sign(HEAD)


def test_each_party_signs_once_and_a_technician_never_signs():
    contract = draft()
    contract.sign(HEAD)
    with pytest.raises(AlreadySigned):
        contract.sign(HEAD)
    with pytest.raises(Forbidden, match="not by a technician"):
        contract.sign(Actor(TECHNICIAN["staff_id"], "technician", "54975"))
    with pytest.raises(Forbidden):
        contract.sign(Actor("another-sw", "social_worker"))  # not this contract's coordinator


def test_only_the_head_of_the_technicians_spas_drafts():
    for actor in (Actor("h2", "spas_head", "55259"), COORDINATOR, Actor("a", "county_admin")):
        with pytest.raises(Forbidden, match="head of the technician's SPAS"):
            CoordinationContract.draft(
                actor,
                technician=TECHNICIAN,
                coordinator=SOCIAL_WORKER,
                legal_form="service_contract",
                obligations=ALL_OBLIGATIONS,
                hours_per_month=40,
                starts_on="2026-12-01",
            )


def test_r5_a_coordinator_without_matching_experience_is_refused_naming_what_is_missing():
    child_protection_only = SOCIAL_WORKER | {"experience_domains": ["child_under_16"]}
    with pytest.raises(RuleViolation, match="R5") as refused:
        draft(coordinator=child_protection_only)
    assert refused.value.details["missing"] == ["disability_chronic_illness", "old_age"]


def test_r6_fewer_than_40_hours_a_month_is_refused():
    with pytest.raises(RuleViolation, match="R6: coordination takes at least 40 hours"):
        draft(hours_per_month=38)


def test_terms_are_checked():
    with pytest.raises(InvalidContract, match="on or before it starts"):
        draft(ends_on="2026-11-30")
    with pytest.raises(InvalidContract, match="legal form"):
        draft(legal_form="handshake")
    partial = ALL_OBLIGATIONS | {"technician": ["follow_guidance"]}
    with pytest.raises(InvalidContract, match="missing technician: attend_training"):
        draft(obligations=partial)
    with pytest.raises(InvalidContract, match="not an active technician"):
        draft(technician=TECHNICIAN | {"active": False})
    with pytest.raises(InvalidContract, match="not an active registered social worker"):
        draft(coordinator=SOCIAL_WORKER | {"role": "technician"})


def test_an_amendment_binds_when_the_coordinator_signs_it():
    contract = draft()
    contract.sign(HEAD)
    contract.sign(COORDINATOR)
    contract.activate(HEAD)
    contract.propose_amendment(HEAD, {"hours_per_month": 60})
    assert contract.hours_per_month == 40
    contract.accept_amendment(COORDINATOR)
    assert (contract.hours_per_month, contract.amendments) == (60, 1)
    with pytest.raises(RuleViolation, match="R6"):
        contract.propose_amendment(HEAD, {"hours_per_month": 20})
    with pytest.raises(ContractStateConflict, match="no amendment"):
        contract.accept_amendment(COORDINATOR)


def test_suspension_and_termination():
    contract = draft()
    with pytest.raises(ContractStateConflict):
        contract.suspend(HEAD, "concediu medical")  # a draft is not in force
    contract.sign(HEAD)
    contract.sign(COORDINATOR)
    contract.activate(HEAD)
    contract.suspend(HEAD, "concediu medical al coordonatorului")
    assert not contract.is_active_on(date(2027, 1, 10))
    contract.resume(HEAD)
    contract.terminate(HEAD, "by_agreement")
    assert contract.status == "terminated"
    with pytest.raises(ContractStateConflict, match="already ended"):
        contract.terminate(HEAD, "expired")


def test_one_contract_in_force_per_technician():
    index = TechnicianCoordination.open(HEAD, TECHNICIAN["staff_id"])
    index.put_in_force(HEAD, "contract-a")
    with pytest.raises(RuleViolation, match=r"R1: technician .* already has an active"):
        index.check_none_in_force()
    index.check_none_in_force(replacing="contract-a")  # a replacement may take over


def test_coordination_only_with_relevant_experience_a_contract_no_longer_matching_is_flagged():
    """Guide 1.2, principle 9 (R5 kept true): when the technician starts
    working with a category their coordinator has no experience with, the
    contract in force is flagged to the SPAS head with what is missing and a
    proposal to replace the coordinator; it is cleared once the coordinator's
    experience covers it again."""
    contract = draft()
    contract.sign(HEAD)
    contract.sign(COORDINATOR)
    contract.activate(COORDINATOR)
    admin = Actor("admin", "county_admin")
    grown = TECHNICIAN | {"beneficiary_categories": [*TECHNICIAN["beneficiary_categories"],
                                                      "domestic_violence"]}  # fmt: skip
    assert contract.recheck_experience(admin, grown, SOCIAL_WORKER, "categories_changed")
    assert contract.experience_mismatch == {
        "missing": ["domestic_violence"],
        "proposal": "replace_coordinator",
    }
    # the same gap again is no new fact
    assert not contract.recheck_experience(admin, grown, SOCIAL_WORKER, "categories_changed")
    wider = SOCIAL_WORKER | {
        "experience_domains": [*SOCIAL_WORKER["experience_domains"], "domestic_violence"]
    }
    assert contract.recheck_experience(admin, grown, wider, "experience_changed")
    assert contract.experience_mismatch is None
    # a draft is not in force: it is checked when its last signature would activate it
    assert not draft().recheck_experience(admin, grown, SOCIAL_WORKER, "categories_changed")


def test_fisa_postului_a_coordinator_employed_by_the_spas_coordinates_through_the_job_description():
    """Guide 3.2 A (Contractarea: "Fișa postului … se întocmește când
    asistentul social cu rol de coordonare este deja angajat al instituției"),
    2.1 §1: a social worker the technician's SPAS employs coordinates through
    their job description, with the same obligations, hours and period and
    the same rules; one from outside, through a form of art. 40(7)."""
    employee = SOCIAL_WORKER | {"municipality": "54975"}
    internal = draft(coordinator=employee, legal_form="job_description")
    internal.sign(HEAD)
    internal.sign(COORDINATOR)
    internal.activate(COORDINATOR)
    assert (internal.status, internal.legal_form) == ("active", "job_description")
    assert internal.obligations == ALL_OBLIGATIONS and internal.hours_per_month == 40

    with pytest.raises(OwnEmployeeUnderContractForm, match="job description"):
        draft(coordinator=employee, legal_form="service_contract")
    with pytest.raises(JobDescriptionOutsideTheSpas, match=r"art\. 40"):
        draft(legal_form="job_description")  # a DGASPC social worker: no job at this SPAS
    with pytest.raises(JobDescriptionOutsideTheSpas):
        draft(coordinator=employee | {"municipality": "55259"}, legal_form="job_description")
    # the same rules as any contract: R6, R5, every obligation
    with pytest.raises(RuleViolation, match="R6"):
        draft(coordinator=employee, legal_form="job_description", hours_per_month=20)
    narrow = employee | {"experience_domains": ["poverty"]}
    with pytest.raises(RuleViolation, match="R5"):
        draft(coordinator=narrow, legal_form="job_description")
    with pytest.raises(InvalidContract, match="every obligation"):
        draft(coordinator=employee, legal_form="job_description", obligations={})


def test_the_head_of_the_technicians_spas_signs_for_the_institution_once():
    contract = draft()
    assert contract.party_still_to_sign(HEAD) == "institution"
    contract.sign(HEAD)
    assert contract.party_still_to_sign(HEAD) is None
    other_head = Actor("head-2", "spas_head", "57887")
    assert draft().party_still_to_sign(other_head) is None  # not their SPAS
    contract.sign(COORDINATOR)
    assert contract.party_still_to_sign(COORDINATOR) is None  # only a draft is signed


def test_the_coordinator_named_signs_for_themselves_and_no_one_else_does():
    assert draft().party_still_to_sign(COORDINATOR) == "coordinator"
    assert draft().party_still_to_sign(Actor("sw-2", "social_worker")) is None
    assert draft().party_still_to_sign(Actor("t-1", "technician", "54975")) is None
