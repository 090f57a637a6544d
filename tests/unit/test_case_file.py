"""The case file's documents as the DGASPC page lists them ("Acte necesare
pentru oferirea serviciilor"; issue 20 item 17): the checklist, what was
received, when and by whom, and what is missing as the technician's work."""

import uuid
from datetime import UTC, date, datetime

import pytest

from events.actor import Actor
from events.clock import local_day
from services.cases.case_file import CaseFile
from services.cases.competence import InvalidCaseCommand, StageConflict
from services.cases.consent import NoConsentToProcessing
from tests.unit.test_case_domain import SW, TECH, TECH_ID, in_intervention, referred
from tests.unit.test_case_guide import whole_intervention
from tests.unit.test_cases_published import SW as SW_STAFF
from tests.unit.test_cases_published import TECH as TECH_STAFF
from tests.unit.test_cases_published import app as app  # the embedded service (fixture)

DAY = date(2026, 11, 20)


def test_the_case_file_s_checklist_request_identity_income_housing_supporting():
    """DGASPC page: cerere/solicitare/sesizare; CI/BI; acte doveditoare
    pentru venituri; document justificativ asupra situației locative; orice
    document justificativ (acte medicale, hotărâri de evacuare, debite)."""
    case = referred()
    case_file = CaseFile.start(TECH, case)
    assert case_file.missing == [
        "request",
        "identity_document",
        "income_proof",
        "housing_proof",
        "supporting_document",
    ]
    receive = dict(supporting=None, received_on=DAY, today=DAY, description="pd1:d")
    case_file.receive(TECH, case, case.stage, item="identity_document", **receive)
    eviction = receive | {"supporting": "eviction_notice"}
    case_file.receive(SW, case, case.stage, item="supporting_document", **eviction)
    assert case_file.missing == ["request", "income_proof", "housing_proof"]
    assert case_file.received[0] == {
        "item": "identity_document",
        "supporting": None,
        "received_on": "2026-11-20",
        "description": "pd1:d",
        "by": TECH_ID,
    }


def test_a_supporting_document_says_what_it_is_and_nothing_comes_from_tomorrow():
    case = in_intervention()
    case_file = CaseFile.start(TECH, case)
    with pytest.raises(InvalidCaseCommand, match="says what it is"):
        case_file.receive(
            TECH, case, case.stage, item="supporting_document", supporting=None,
            received_on=DAY, today=DAY, description=None,
        )  # fmt: skip
    with pytest.raises(InvalidCaseCommand, match="has not come yet"):
        case_file.receive(
            TECH, case, case.stage, item="request", supporting=None,
            received_on=date(2026, 11, 21), today=DAY, description=None,
        )  # fmt: skip
    with pytest.raises(StageConflict, match="its file is complete"):
        case_file.receive(
            TECH, case, "closed", item="request", supporting=None,
            received_on=DAY, today=DAY, description=None,
        )  # fmt: skip


def test_what_is_missing_is_the_technician_s_work_and_the_documents_stay_sealed(app):
    tech = Actor(TECH_STAFF, "technician", "54975")
    sw = Actor(SW_STAFF, "social_worker")
    cid = whole_intervention(app, tech, sw)
    today = local_day(datetime.now(UTC)).isoformat()
    app.record_case_file_document(tech, uuid.UUID(cid), "request", today, None, "Cerere nr. 12.")
    [work] = [w for w in app.missing_case_file_documents(tech) if w["case_id"] == cid]
    assert work["missing"] == ["identity_document", "income_proof", "housing_proof",
                               "supporting_document"]  # fmt: skip
    seen = app.case_file(sw, uuid.UUID(cid))
    assert seen["received"][0]["description"] == "Cerere nr. 12."
    assert seen["received"][0]["by"] == TECH_STAFF
    app.record_consent(tech, uuid.UUID(cid), "refused", today)
    with pytest.raises(NoConsentToProcessing):
        app.record_case_file_document(tech, uuid.UUID(cid), "income_proof", today)
