"""Case 2 of 4.6 through RPC: abuse seen on a home visit → urgent report →
an outside AMQP subscriber gets the event, with no beneficiary identity →
the coordinator acknowledges and notifies DGASPC under their RNASR code.
Also situation B (the benefit check that needs the coordinator's
co-signature) and erasure of a person's data."""

import pytest
from nameko.exceptions import RemoteError

from events.contracts import check_published
from events.verify import verify_store
from tests.support.casework import ago, open_case
from tests.support.outside import OutsideSubscriber
from tests.support.registry import ADMIN, AUDITOR


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def test_case_2_abuse_is_reported_published_acknowledged_and_notified(casework):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    outside = OutsideSubscriber(
        casework["amqp_uri"],
        *(
            f"ro.coordonare.cases.{name}.v1"
            for name in (
                "UrgentRiskReported",
                "UrgentRiskAcknowledged",
                "UrgentRiskAssessed",
                "InstitutionNotified",
            )
        ),
    )
    try:
        risk = cases.report_urgent_risk(
            tech,
            {
                "case_id": case["case_id"],
                "category": "abuse",
                "observations": "Urme de lovituri pe brațele copilului Andrei Popescu.",
                "called_112": False,
                "observed_at": ago(minutes=30),
            },
        )
        assert (risk["late"], risk["status"]) == (False, "reported")
        reported = outside.receive(1)[0]
        check_published(reported)
        assert reported["type"] == "ro.coordonare.cases.UrgentRiskReported.v1"
        assert reported["municipality"] == "54975"
        assert reported["data"]["coordinator_id"] == casework["expert"]["staff_id"]
        assert "Popescu" not in str(reported) and "lovituri" not in str(reported)

        key = {"risk_id": risk["risk_id"]}
        by_tech = refused(
            cases.notify_institution,
            tech,
            key | {"institution": "dgaspc", "summary": "Sesizare abuz."},
        )
        assert by_tech.exc_type == "ExclusiveActOfSocialWorker" and "R2" in str(by_tech)
        assert cases.urgent_risks(sw, True)[0]["risk_id"] == risk["risk_id"]
        cases.acknowledge_urgent_risk(sw, key)
        twice = refused(cases.acknowledge_urgent_risk, sw, key)
        assert twice.exc_type == "RiskAlreadyAcknowledged"
        cases.assess_urgent_risk(
            sw,
            key
            | {
                "level": "high",
                "assessment": "Risc ridicat de abuz fizic.",
                "measures": ["official_notification", "increased_monitoring"],
            },
        )
        notified = cases.notify_institution(
            sw,
            key
            | {
                "institution": "dgaspc",
                "reference": "SPAS-CJ 1234/2026",
                "summary": "Sesizare privind suspiciunea de abuz asupra unui copil.",
            },
        )
        assert notified["notified"] == ["dgaspc"]

        events = outside.receive(4)
        assert [e["type"].split(".")[3] for e in events] == [
            "UrgentRiskReported",
            "UrgentRiskAcknowledged",
            "UrgentRiskAssessed",
            "InstitutionNotified",
        ]
        assert events[3]["data"]["rnasr_code"] == "AS100"
        assert events[1]["actor"] == casework["expert"]["staff_id"]
        assert cases.get_urgent_risk(sw, risk["risk_id"])["observations"].startswith("Urme")
    finally:
        outside.close()


def test_situation_b_discrepancies_wait_for_the_coordinators_cosignature(casework):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    applicant = {
        "full_name": "Vasile Ionescu",
        "household_size": 4,
        "monthly_income": 900,
    }
    heating = cases.record_benefit_check(
        tech,
        {
            "benefit": "heating_aid",
            "applicant": applicant,
            "documents_checked": ["identity_document", "income_proof"],
            "outcome": "eligible",
            "amount": 250,
        },
    )
    assert (heating["situation"], heating["status"], heating["outcome"]) == (
        "A",
        "decided",
        "eligible",
    )
    no_cosign = refused(
        cases.cosign_benefit_check,
        sw,
        {"check_id": heating["check_id"], "decision": "eligible", "rationale": "x", "amount": 250},
    )
    assert no_cosign.exc_type == "BenefitCheckConflict"

    vmi = cases.record_benefit_check(
        tech,
        {
            "benefit": "minimum_inclusion_income",
            "applicant": applicant,
            "documents_checked": ["identity_document", "income_proof", "household_composition"],
            "discrepancies": ["undeclared_income", "unsupervised_children"],
            "outcome": "eligible",
            "amount": 600,
        },
    )
    assert (vmi["situation"], vmi["status"], vmi["outcome"]) == ("B", "awaiting_cosignature", None)
    key = {"check_id": vmi["check_id"]}
    own = refused(
        cases.cosign_benefit_check,
        tech,
        key | {"decision": "eligible", "rationale": "x", "amount": 600},
    )
    assert own.exc_type == "ExclusiveActOfSocialWorker" and "R4" in str(own)
    decided = cases.cosign_benefit_check(
        sw,
        key
        | {
            "decision": "ineligible",
            "rationale": "Venituri nedeclarate confirmate; copii nesupravegheați.",
            "measures": ["parental_support", "dgaspc_notification"],
        },
    )
    assert (decided["status"], decided["outcome"], decided["cosigned_by"]) == (
        "decided",
        "ineligible",
        casework["expert"]["staff_id"],
    )
    assert (
        cases.get_benefit_check(sw, vmi["check_id"])["applicant"]["full_name"] == "Vasile Ionescu"
    )


def test_erasing_a_person_leaves_events_counts_and_chain_intact(casework):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    admin = ADMIN
    case = cases.refer_case(
        tech,
        {
            "municipality": "54975",
            "beneficiary": {"kind": "person", "full_name": "Elena Marin", "cnp": "2900101123456"},
            "categories": ["old_age"],
            "referral_source": "neighbours",
            "referral_note": "Vecinii spun că stă singură.",
        },
    )
    key = {"case_id": case["case_id"]}
    cases.record_initial_evaluation(tech, key | {"findings": "Are familie care o îngrijește."})
    erase = {
        "beneficiary_id": case["beneficiary_id"],
        "legal_basis": "recorded_in_error",
        "reference": "DPO 7/2026",
    }
    still_open = refused(cases.erase_personal_data, admin, erase)
    assert still_open.exc_type == "StageConflict"
    cases.close_case(sw, key | {"outcome": "not_opened", "rationale": "Nu are nevoie de sprijin."})
    cases.archive_case(sw, key)
    by_sw = refused(cases.erase_personal_data, sw, erase)
    assert by_sw.exc_type == "CaseAccessDenied"

    assert cases.erase_personal_data(admin, erase)["erased"] is True
    seen = cases.get_case(sw, case["case_id"])
    assert seen["beneficiary"]["full_name"] == "[erased]"
    assert seen["referral_note"] == "[erased]"
    assert (seen["stage"], seen["categories"]) == ("archived", ["old_age"])
    again = refused(cases.erase_personal_data, admin, erase)
    assert again.exc_type == "PersonalDataErased"
    assert verify_store("cases", casework["cases_store"]).intact
    reads = cases.personal_data_reads(AUDITOR, case["case_id"])
    assert {r["actor_id"] for r in reads} == {casework["expert"]["staff_id"]}
