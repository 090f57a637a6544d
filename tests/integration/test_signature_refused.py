"""Case 1 of the guide's 4.6: the family asks the technician to sign a
document in the beneficiary's name. The technician must not; the platform
refuses such a document, and the refusal reaches the coordinator (the
case's social worker), who talks it over with the technician — by inbox
and e-mail, whether the signature came with a new document or a revision."""

from __future__ import annotations

import pytest
from nameko.exceptions import RemoteError

from tests.support.casework import ago, open_case
from tests.support.notifying import inbox_kinds
from tests.support.waiting import eventually

KIND = "signature_for_beneficiary_refused"


def sheet(case: dict, signature: str) -> dict:
    return {
        "case_id": case["case_id"],
        "kind": "observation_sheet",
        "content": {"text": "Mama cere să semnez eu în locul ei."},
        "occurred_at": ago(hours=2),
        "beneficiary_signature": signature,
    }


def told(world: dict, actor: dict) -> list[dict]:
    return [n for n in world["notifications"].inbox(actor) if n["kind"] == KIND]


def test_case_1_a_signature_for_the_beneficiary_is_refused_and_reaches_the_coordinator(
    notifying,
):
    world, tech, sw = notifying, notifying["tech_actor"], notifying["expert_actor"]
    cases, case = world["cases"], open_case(notifying)

    with pytest.raises(RemoteError) as drafted:
        cases.draft_document(tech, sheet(case, "on_behalf"))
    assert drafted.value.exc_type == "NobodySignsForTheBeneficiary"

    [notice] = eventually(lambda: told(world, sw))
    assert notice["case_id"] == case["case_id"]
    assert "în numele beneficiarului" in notice["subject"] and "4.6" in notice["text"]
    [mail] = world["mailbox"].wait_for(1)
    assert mail.to == [world["emails"][sw["id"]]] and case["case_id"] in mail.subject

    # A revision signed for the beneficiary names the document: it reaches
    # the coordinator of the document's case all the same.
    draft = cases.draft_document(tech, sheet(case, "self"))
    revision = {"document_id": draft["document_id"], "content": {"text": "Semnez eu."}}
    with pytest.raises(RemoteError):
        cases.revise_document(tech, revision | {"beneficiary_signature": "on_behalf"})
    notices = eventually(lambda: told(world, sw), until=lambda found: len(found) == 2)
    assert {n["case_id"] for n in notices} == {case["case_id"]}

    # Other refusals are not this; the technician is not told of their own.
    cases.submit_document(tech, {"document_id": draft["document_id"]})
    with pytest.raises(RemoteError) as validating:  # R3: the coordinator validates
        cases.validate_document(tech, {"document_id": draft["document_id"]})
    assert validating.value.exc_type == "ExclusiveActOfSocialWorker"
    assert told(world, tech) == [] and KIND not in inbox_kinds(world, tech)
    assert len(told(world, sw)) == 2
