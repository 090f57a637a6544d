"""The monthly progress report, standardised (issue 20 item 14; guide 2.2,
2.3: "rapoarte lunare standardizate pentru fiecare caz, care să includă
progres, dificultăți și recomandări de ajustare"), told on the embedded
cases service."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from events.actor import Actor
from events.clock import local_day
from services.cases.competence import InvalidCaseCommand
from services.cases.documents import CaseDocument
from services.cases.domain import Case
from tests.unit.test_cases_published import SW, TECH
from tests.unit.test_cases_published import app as app  # the embedded service (fixture)

TECH_ACTOR, SW_ACTOR = Actor(TECH, "technician", "54975"), Actor(SW, "social_worker")
REPORT = {
    "progress": "Ion merge la școală patru zile din cinci.",
    "difficulties": "Autobuzul nu circulă dimineața.",
    "recommendations": "Un abonament de transport; vizite săptămânale.",
}


def in_intervention(app) -> uuid.UUID:
    case = app.refer_case(
        TECH_ACTOR,
        "54975",
        {"kind": "person", "full_name": "Ion Ionescu"},
        ["school_dropout_risk"],
        "school",
        "Copilul lipsește de la școală.",
        [],
    )
    cid = uuid.UUID(case["case_id"])
    app.record_initial_evaluation(TECH_ACTOR, cid, "Lipsește de trei săptămâni.")
    app.open_case(SW_ACTOR, cid, "Risc confirmat.")
    app.record_social_diagnosis(SW_ACTOR, cid, "Fără supraveghere.", ["school_support"], "medium")
    objective = {
        "objective": "Reintegrare",
        "indicator": "prezență",
        "responsible": "technician",
        "deadline": "2027-01-31",
    }
    calendar = [{"activity": "Vizită", "date": "2027-01-05", "responsible": "technician"}]
    app.write_intervention_plan(SW_ACTOR, cid, [objective], "", calendar)
    app.start_intervention(SW_ACTOR, cid)
    return cid


def visited(app, cid: uuid.UUID, kind: str = "visit_report") -> None:
    moment = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    done = app.draft_document(TECH_ACTOR, cid, kind, {"text": "Vizită."}, "none", moment)
    app.submit_document(TECH_ACTOR, uuid.UUID(done["document_id"]))


def this_month() -> str:
    return local_day(datetime.now(UTC)).strftime("%Y-%m")


def test_the_monthly_report_has_progress_difficulties_and_recommendations_and_the_case_figures(
    app,
):
    """2.3: the technician reports the month's progress, the difficulties and
    the adjustments they recommend, each its own section; beside them the
    case's figures of the month — field visits against the plan's "at least
    4 visits a month" (R7), observation sheets, phone notes — counted by the
    service, so every report is measured alike."""
    cid = in_intervention(app)
    visited(app, cid)
    visited(app, cid, "phone_note")
    report = app.draft_document(
        TECH_ACTOR, cid, "progress_report", REPORT, "none", None, this_month()
    )
    shown = app.get_document(SW_ACTOR, uuid.UUID(report["document_id"]))
    content = shown["versions"][-1]["content"]
    assert {k: content[k] for k in REPORT} == REPORT and content["text"] is None
    assert content["figures"] == {
        "visits": 1,
        "visits_planned": 4,
        "observation_sheets": 0,
        "phone_notes": 1,
    }
    # a revision counts again, as the month stands when it is written
    visited(app, cid)
    app.revise_document(TECH_ACTOR, uuid.UUID(report["document_id"]), REPORT)
    shown = app.get_document(TECH_ACTOR, uuid.UUID(report["document_id"]))
    assert shown["versions"][-1]["content"]["figures"]["visits"] == 2
    assert shown["versions"][0]["content"]["figures"]["visits"] == 1


def test_free_text_is_no_longer_a_progress_report(app):
    """The old rule is gone: a report of free text alone, or one missing a
    section, is refused naming the missing section, and nothing is drafted.
    The figures are the service's to count, never the writer's to give."""
    cid = in_intervention(app)

    def refused(content: dict) -> InvalidCaseCommand:
        with pytest.raises(InvalidCaseCommand) as error:
            app.draft_document(TECH_ACTOR, cid, "progress_report", content, "none", None, "2026-11")
        return error.value

    free = refused({"text": "Ion merge mai bine la școală."})
    assert free.details["field"] == "content.progress" and "progress, difficulties" in str(free)
    blank = refused(REPORT | {"difficulties": "  "})
    assert blank.details["field"] == "content.difficulties"
    given = refused(REPORT | {"figures": {"visits": 9}})
    assert given.details["field"] == "content.figures"
    assert app.documents_of_case(SW_ACTOR, cid) == []


def test_a_report_stored_as_free_text_still_loads_and_shows(app):
    """Reports stored before were free text (through the web app also its
    sections, under Romanian names): they load as they were and show their
    text, with their sections where they were kept, and no figures made up."""
    cid = in_intervention(app)
    case = app.repository.get(cid)
    assert isinstance(case, Case)
    stored: list[str] = []
    for content in (
        {"text": "Ion lipsește mai rar."},
        {
            "text": "Progres:\nMerge.",
            "facts": {"progres": "Merge.", "dificultati": "Nu", "recomandari": "Da"},
        },
    ):
        before = CaseDocument._create(
            CaseDocument.Drafted,
            id=uuid.uuid4(),
            case_id=str(cid),
            municipality="54975",
            beneficiary_id=case.beneficiary_id,
            kind="progress_report",
            author_id=TECH,
            content=app.seal(case.beneficiary_id, content),
            beneficiary_signature="none",
            occurred_at=None,
            period="2026-10",
            due_at="2026-11-01T00:00:00+02:00",
            actor_id=TECH,
            actor_role="technician",
            correlation_id="c",
        )
        app.save(before)
        stored.append(str(before.id))
    free, sectioned = (
        app.get_document(SW_ACTOR, uuid.UUID(d))["versions"][0]["content"] for d in stored
    )
    assert free == {
        "progress": None,
        "difficulties": None,
        "recommendations": None,
        "figures": None,
        "text": "Ion lipsește mai rar.",
    }
    assert (sectioned["progress"], sectioned["difficulties"], sectioned["recommendations"]) == (
        "Merge.",
        "Nu",
        "Da",
    )
    assert sectioned["text"] == "Progres:\nMerge." and sectioned["figures"] is None
