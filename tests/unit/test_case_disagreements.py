"""A disagreement with the family or an institution, documented in the case
record and escalated (guide 4.6 case 3, 4.4.3; issue 20 item 15): the pure
domain, then through the embedded service."""

import uuid

import pytest

from events.actor import Actor
from services.cases.competence import (
    ExclusiveActOfSocialWorker,
    InvalidCaseCommand,
    StageConflict,
)
from services.cases.disagreements import CaseDisagreement, DisagreementSettled
from tests.unit.test_case_domain import SW, TECH, in_intervention
from tests.unit.test_case_guide import whole_intervention
from tests.unit.test_cases_published import SW as SW_STAFF
from tests.unit.test_cases_published import TECH as TECH_STAFF
from tests.unit.test_cases_published import app as app  # the embedded service (fixture)


def test_a_disagreement_with_the_family_is_documented_then_escalated_head_then_county():
    """4.6: the situation is analysed together and documented; 4.4.3:
    what the team cannot settle goes to the head of the service, then up."""
    case = in_intervention()
    disagreement = CaseDisagreement.record(
        TECH, case, case.stage, party="family", institution=None, summary="pd1:s"
    )
    assert (disagreement.party, disagreement.case_id) == ("family", str(case.id))
    with pytest.raises(ExclusiveActOfSocialWorker, match="R2: escalate_disagreement"):
        disagreement.escalate(TECH, case, "pd1:r")
    assert disagreement.escalate(SW, case, "pd1:r") == "spas_head"
    assert disagreement.escalate(SW, case, "pd1:r2") == "county_admin"
    with pytest.raises(StageConflict, match="reached the county already"):
        disagreement.escalate(SW, case, "pd1:r3")


def test_a_disagreement_with_an_institution_names_it_and_once_settled_goes_no_further():
    case = in_intervention()
    with pytest.raises(InvalidCaseCommand, match="names the institution"):
        CaseDisagreement.record(
            TECH, case, case.stage, party="institution", institution=None, summary="pd1:s"
        )
    school = CaseDisagreement.record(
        TECH, case, case.stage, party="institution", institution="Școala nr. 1", summary="pd1:s"
    )
    school.settle(SW, case, "pd1:agreed")
    with pytest.raises(DisagreementSettled):
        school.escalate(SW, case, "pd1:r")


def test_the_disagreement_is_in_the_case_record_and_its_timeline(app):
    tech = Actor(TECH_STAFF, "technician", "54975")
    sw = Actor(SW_STAFF, "social_worker")
    cid = uuid.UUID(whole_intervention(app, tech, sw))
    recorded = app.record_disagreement(tech, cid, "family", "Fiica refuză ajutorul la menaj.")
    did = uuid.UUID(recorded["disagreement_id"])
    escalated = app.escalate_disagreement(sw, did, "Familia nu acceptă planul.")
    assert escalated["escalated_to"] == ["spas_head"]
    seen = app.get_disagreement(sw, did)
    assert seen["summary"] == "Fiica refuză ajutorul la menaj."
    assert seen["reasons"] == ["Familia nu acceptă planul."]
    assert [d["disagreement_id"] for d in app.disagreements_of_case(sw, cid)] == [str(did)]
    timeline = [e["event"] for e in app.case_timeline(sw, cid)]
    assert timeline[-2:] == ["Recorded", "Escalated"]
