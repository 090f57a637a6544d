"""The case record through RPC on the real broker and database, as the guide
tells it: situation C (school-dropout risk), the technician's documents and
the coordinator's validation, competence refusals on record, scope between
municipalities, and bad input that stores nothing."""

import pytest
from nameko.exceptions import RemoteError

from tests.support.casework import CALENDAR, ago, open_case, plan, referral, wait_until_refused
from tests.support.published import REFUSAL, stored_count, stored_since


def refused(call, *args):
    with pytest.raises(RemoteError) as error:
        call(*args)
    return error.value


def observation_sheet(case, text="Copilul nu a fost la școală; mama spune că nu are ghete."):
    return {
        "case_id": case["case_id"],
        "kind": "observation_sheet",
        "content": {"text": text},
        "occurred_at": ago(hours=3),
    }


def test_situation_c_the_technician_collects_the_coordinator_diagnoses_plans_and_decides(
    casework,
):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    key = {"case_id": case["case_id"]}
    assert case["stage"] == "opened"
    assert case["social_worker_id"] == casework["expert"]["staff_id"]

    visit = cases.draft_document(
        tech,
        key
        | {
            "kind": "visit_report",
            "content": {"text": "Vizită la domiciliu: locuință modestă, copil acasă."},
            "occurred_at": ago(hours=1),
        },
    )
    cases.submit_document(tech, {"document_id": visit["document_id"]})
    refusal = refused(
        cases.record_social_diagnosis,
        tech,
        key | {"diagnosis": "x", "needs": ["school_support"], "risk_level": "low"},
    )
    assert refusal.exc_type == "ExclusiveActOfSocialWorker" and "R2" in str(refusal)

    cases.validate_document(sw, {"document_id": visit["document_id"]})
    plan(casework, case)
    decided = cases.record_decision(
        sw,
        key
        | {
            "decision": "service_recommendation",
            "rationale": "Sprijin educațional la școală și consiliere parentală.",
        },
    )
    assert decided["stage"] == "intervention"
    assert decided["history"] == [
        "referred",
        "initial_evaluation",
        "opened",
        "assessment",
        "intervention_plan",
        "intervention",
    ]
    assert decided["decisions"] == ["service_recommendation"]

    seen = cases.get_case(tech, case["case_id"])
    assert seen["beneficiary"]["full_name"] == "Familia Popescu"
    assert seen["plan"]["objectives"][0]["objective"] == "Reintegrarea școlară"
    timeline = cases.case_timeline(sw, case["case_id"])
    assert [e["event"] for e in timeline][:3] == [
        "Referred",
        "InitialEvaluationRecorded",
        "Opened",
    ]
    names = {e["event"] for e in timeline}
    assert {"Drafted", "Submitted", "Validated", "Diagnosed", "PlanVersioned"} <= names


def test_a_technician_may_not_close_plan_or_validate_and_each_attempt_is_recorded(casework):
    cases, tech = casework["cases"], casework["tech_actor"]
    case = plan(casework, open_case(casework))
    key = {"case_id": case["case_id"]}
    sheet = cases.draft_document(tech, observation_sheet(case))
    cases.submit_document(tech, {"document_id": sheet["document_id"]})
    before = stored_count(casework["cases_store"], "cases")

    attempts = [
        (cases.close_case, key | {"outcome": "plan_achieved", "rationale": "gata"}),
        (
            cases.write_intervention_plan,
            key
            | {
                "objectives": [
                    {
                        "objective": "x",
                        "indicator": "y",
                        "responsible": "technician",
                        "deadline": "2027-01-01",
                    }
                ],
                "activities": CALENDAR,
            },
        ),
        (cases.validate_document, {"document_id": sheet["document_id"]}),
    ]
    for call, command in attempts:
        error = refused(call, tech, command)
        assert error.exc_type == "ExclusiveActOfSocialWorker" and "R2" in str(error)

    assert stored_since(casework["cases_store"], before, "cases") == [REFUSAL] * 3
    assert cases.get_case(tech, case["case_id"])["stage"] == "intervention"


def test_a_returned_observation_sheet_is_resubmitted_and_validated_both_versions_kept(casework):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    sheet = cases.draft_document(tech, observation_sheet(case))
    key = {"document_id": sheet["document_id"]}
    cases.submit_document(tech, key)
    assert [d["document_id"] for d in cases.validation_queue(sw)] == [sheet["document_id"]]

    cases.return_document(sw, key | {"comments": "Precizați cine era acasă și la ce oră."})
    again = refused(cases.submit_document, tech, key)
    assert again.exc_type == "DocumentStateConflict"
    cases.revise_document(
        tech, key | {"content": {"text": "Ora 10: mama și copilul acasă; copilul nu are ghete."}}
    )
    cases.submit_document(tech, key)
    done = cases.validate_document(sw, key | {"completions": "Se solicită sprijin material."})
    assert (done["status"], done["validated_version"]) == ("validated", 2)
    assert cases.validation_queue(sw) == []

    document = cases.get_document(tech, sheet["document_id"])
    assert [v["content"]["text"][:6] for v in document["versions"]] == ["Copilu", "Ora 10"]
    assert document["returns"] == ["Precizați cine era acasă și la ce oră."]
    assert document["completions"] == "Se solicită sprijin material."

    twice = refused(cases.validate_document, sw, key)
    assert twice.exc_type == "DocumentAlreadyValidated"
    changed = refused(cases.revise_document, tech, key | {"content": {"text": "altceva"}})
    assert changed.exc_type == "DocumentAlreadyValidated"


def test_case_1_nobody_signs_on_the_beneficiarys_behalf(casework):
    cases, tech = casework["cases"], casework["tech_actor"]
    case = open_case(casework)
    before = stored_count(casework["cases_store"], "cases")
    command = observation_sheet(case) | {"beneficiary_signature": "on_behalf"}
    error = refused(cases.draft_document, tech, command)
    assert error.exc_type == "NobodySignsForTheBeneficiary" and "R2" in str(error)
    assert stored_since(casework["cases_store"], before, "cases") == [REFUSAL]
    signed_by_self = cases.draft_document(tech, command | {"beneficiary_signature": "self"})
    assert signed_by_self["beneficiary_signature"] == "self"


def test_a_technician_of_another_municipality_learns_nothing_of_the_case(casework):
    cases, other = casework["cases"], casework["other_tech_actor"]
    case = open_case(casework)
    hidden = refused(cases.get_case, other, case["case_id"])
    missing = refused(cases.get_case, other, "00000000-0000-4000-8000-000000000000")
    assert hidden.exc_type == missing.exc_type == "UnknownCase"
    assert str(hidden.value).replace(case["case_id"], "ID") == str(missing.value).replace(
        "00000000-0000-4000-8000-000000000000", "ID"
    )
    assert cases.list_cases(other) == []
    acting = refused(cases.draft_document, other, observation_sheet(case))
    assert acting.exc_type == "UnknownCase"
    head = casework["head"]  # Cluj's SPAS head: the stage, never the person
    summary = cases.get_case(head, case["case_id"])
    assert summary["stage"] == "opened" and "beneficiary" not in summary


def test_r1_when_the_contract_ends_the_technician_loses_the_case(casework):
    cases, tech = casework["cases"], casework["tech_actor"]
    case = open_case(casework)
    casework["rpc"].coordination.terminate_contract(
        casework["head"],
        {"contract_id": casework["contract"]["contract_id"], "reason": "by_agreement"},
    )
    error = wait_until_refused(cases.get_case, tech, case["case_id"])
    assert error.exc_type == "NoActiveCoordination" and "R1" in str(error)


def test_bad_input_gets_a_specific_error_and_stores_nothing(casework):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = cases.refer_case(tech, referral(casework))
    key = {"case_id": case["case_id"]}
    store = casework["cases_store"]
    before = stored_count(store, "cases")

    skipped = refused(cases.open_case, sw, key | {"rationale": "direct"})
    assert skipped.exc_type == "StageConflict" and "initial_evaluation" in str(skipped)
    unknown = refused(cases.get_case, sw, "11111111-1111-4111-8111-111111111111")
    assert unknown.exc_type == "UnknownCase"
    malformed = refused(cases.refer_case, tech, referral(casework, categories=["astrology"]))
    assert malformed.exc_type == "InvalidCommand" and "categories" in str(malformed)
    assert stored_count(store, "cases") == before

    cases.record_initial_evaluation(tech, key | {"findings": "Nu se încadrează."})
    closed = cases.close_case(
        sw,
        key
        | {
            "outcome": "not_opened",
            "rationale": "Nu ține de SPAS.",
            "destination": None,
        },
    )
    assert closed["stage"] == "closed" and closed["follow_up"] is None
    before = stored_count(store, "cases")
    late = refused(cases.draft_document, tech, observation_sheet(case))
    assert late.exc_type == "StageConflict" and "closed" in str(late)
    assert stored_count(store, "cases") == before


def test_the_person_withdraws_consent_and_nothing_more_is_collected_about_them(casework):
    """DGASPC page and issue 20 item 16: how the case started and the
    person's informed consent, recorded on the case over RPC; withdrawn, the
    technician's next document is refused, the refusal stored nothing."""
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    key, today = {"case_id": case["case_id"]}, ago(hours=0)[:10]
    cases.record_consent(tech, key | {"status": "given", "on": today})
    cases.record_consent(sw, key | {"status": "withdrawn", "on": today})
    before = stored_count(casework["cases_store"], "cases")
    error = refused(cases.draft_document, tech, observation_sheet(case))
    assert error.exc_type == "NoConsentToProcessing" and "withdrawn consent" in str(error)
    assert stored_count(casework["cases_store"], "cases") == before
    seen = cases.get_case(sw, case["case_id"])
    assert seen["origin"] == "report"  # referred by the school
    assert [(s["status"], s["on"]) for s in seen["consent"]] == [
        ("given", today),
        ("withdrawn", today),
    ]


def test_case_3_a_disagreement_with_an_institution_is_documented_and_escalated(casework):
    """4.6 case 3, 4.4.3: documented in the case record by the technician,
    escalated by the coordinator to the SPAS head; a technician may not."""
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    recorded = cases.record_disagreement(
        tech,
        {
            "case_id": case["case_id"],
            "party": "institution",
            "institution": "Școala Gimnazială nr. 1",
            "summary": "Școala nu acceptă reînscrierea copilului.",
        },
    )
    key = {"disagreement_id": recorded["disagreement_id"], "reason": "Școala nu răspunde."}
    error = refused(cases.escalate_disagreement, tech, key)
    assert error.exc_type == "ExclusiveActOfSocialWorker" and "R2" in str(error)
    assert cases.escalate_disagreement(sw, key)["escalated_to"] == ["spas_head"]
    seen = cases.get_disagreement(sw, recorded["disagreement_id"])
    assert seen["summary"] == "Școala nu acceptă reînscrierea copilului."


def test_the_case_files_missing_documents_are_the_technicians_work(casework):
    """DGASPC page, "Acte necesare": the checklist of the case file, what
    was received and when, and what is missing, as the technician sees it."""
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = open_case(casework)
    today = ago(hours=0)[:10]
    cases.record_case_file_document(
        tech, {"case_id": case["case_id"], "item": "request", "received_on": today}
    )
    [work] = [w for w in cases.missing_case_file_documents(tech) if w["case_id"] == case["case_id"]]
    assert work["missing"] == [
        "identity_document",
        "income_proof",
        "housing_proof",
        "supporting_document",
    ]
    seen = cases.case_file(sw, case["case_id"])
    assert [(r["item"], r["received_on"]) for r in seen["received"]] == [("request", today)]
