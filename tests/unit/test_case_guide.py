"""The case record as the DGASPC page and the guide tell it (issue 20): who
referred the case, the person's request and consent, closure on the final
report and the follow-up period after it. Pure domain, with stand-in tokens
for sealed fields."""

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from eventsourcing.application import Application

from events.actor import Actor
from events.clock import add_months
from events.vocabulary import cases as names
from services.cases.closure import FinalReportMissing
from services.cases.competence import (
    ExclusiveActOfSocialWorker,
    InvalidCaseCommand,
    StageConflict,
)
from services.cases.consent import CaseConsent, NoConsentToProcessing
from services.cases.domain import Case
from services.cases.follow_up import FollowUp, FollowUpOutsideWindow
from services.cases.published import publication_of
from tests.support.published import as_published
from tests.unit.test_case_domain import (
    CALENDAR,
    SW,
    SW_ID,
    TECH,
    TECH_ID,
    in_intervention,
    referred,
)
from tests.unit.test_cases_published import SW as SW_STAFF
from tests.unit.test_cases_published import TECH as TECH_STAFF
from tests.unit.test_cases_published import app as app  # the embedded service (fixture)

DAY, ONE = date(2026, 11, 20), timedelta(days=1)


def test_neighbours_and_a_tenants_association_are_two_referral_sources():
    """DGASPC page: cases are "sesizate de medici de familie, spitale,
    asociatii de locatari, vecini" — each its own source."""
    by_neighbours = referred(referral_source="neighbours")
    by_association = referred(referral_source="tenants_association")
    assert by_neighbours.referral_source == "neighbours"
    assert by_association.referral_source == "tenants_association"
    with pytest.raises(InvalidCaseCommand, match="referral_source is one of"):
        referred(referral_source=names.NEIGHBOURS_OR_TENANTS)


def test_a_referral_stored_as_neighbours_before_keeps_meaning_either():
    """A referral stored before the two sources were told apart said
    "neighbours" for neighbours and tenants' associations alike: it reads,
    and is published, as either, not as the neighbours alone."""
    mapper = Application().mapper
    case = referred(referral_source="neighbours", beneficiary_id=str(uuid.uuid4()))
    event = case.collect_events()[0]
    stored = mapper.to_stored_event(event)
    state = mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 3
    del state["origin"]
    old = replace(stored, state=mapper.transcoder.encode(state))
    read = mapper.to_domain_event(old)
    assert read.referral_source == "neighbours_or_tenants_association" and read.origin is None
    body = as_published(read, 1, "cases", publication_of)
    assert body is not None
    assert body["data"]["referral_source"] == "neighbours_or_tenants_association"
    # one stored since reads as it was recorded
    assert mapper.to_domain_event(stored).referral_source == "neighbours"


# -- the person's request and consent (DGASPC page; issue 20 item 16) ----------
def test_a_case_records_how_it_started_request_report_or_field_identification():
    """DGASPC page, "Acte necesare": the request, solicitation or report
    (cerere/solicitare/sesizare) the case starts with; cases are identified
    in the field, reported by others, or brought by the person or family."""
    assert referred(referral_source="self").origin == "request"
    assert referred(referral_source="school").origin == "report"
    assert referred(referral_source="field_identification").origin == "field_identification"
    assert referred(referral_source="family", origin="request").origin == "request"
    with pytest.raises(InvalidCaseCommand, match="referred by school starts as report"):
        referred(referral_source="school", origin="request")
    with pytest.raises(InvalidCaseCommand, match="starts as field_identification"):
        referred(referral_source="field_identification", origin="report")


def test_a_referral_stored_before_reads_as_not_recording_how_it_started():
    mapper = Application().mapper
    event = referred(beneficiary_id=str(uuid.uuid4())).collect_events()[0]
    stored = mapper.to_stored_event(event)
    state = mapper.transcoder.decode(stored.state)
    state["class_version"] = 2
    del state["origin"]
    read = mapper.to_domain_event(replace(stored, state=mapper.transcoder.encode(state)))
    assert read.origin is None and read.referral_source == "school"
    assert as_published(read, 1, "cases", publication_of)["data"]["origin"] is None


def test_informed_consent_given_limited_refused_withdrawn_dated_and_by_whom():
    """The person's informed consent to the processing of their data: each
    statement with its day and who recorded it, every one kept."""
    case = referred()
    consent = CaseConsent.start(TECH, case)
    consent.record(TECH, case, status="given", on=DAY, today=DAY, limits=None, stage="referred")
    consent.record(SW, case, status="limited", on=DAY, today=DAY, limits="pd1:l", stage="opened")
    assert consent.statements == [
        {"status": "given", "on": "2026-11-20", "limits": None, "recorded_by": TECH_ID},
        {"status": "limited", "on": "2026-11-20", "limits": "pd1:l", "recorded_by": SW_ID},
    ]
    with pytest.raises(InvalidCaseCommand, match="not on 2026-11-21 ahead"):
        consent.record(TECH, case, status="given", on=DAY + ONE, today=DAY, limits=None, stage="x")
    with pytest.raises(InvalidCaseCommand, match="says what it is limited to"):
        consent.record(TECH, case, status="limited", on=DAY, today=DAY, limits=None, stage="x")
    refused = CaseConsent.start(TECH, case)
    refused.record(TECH, case, status="refused", on=DAY, today=DAY, limits=None, stage="x")
    with pytest.raises(StageConflict, match="only a consent given is withdrawn"):
        refused.record(TECH, case, status="withdrawn", on=DAY, today=DAY, limits=None, stage="x")


def test_withdrawn_consent_stops_collecting_but_not_the_urgent_risk_report(app):
    """What withdrawing changes: nothing more is collected about the person
    (no document, no initial evaluation) until they consent again; what was
    recorded stays, sealed; a danger to them is still reported (4.6)."""
    tech = Actor(TECH_STAFF, "technician", "54975")
    sw = Actor(SW_STAFF, "social_worker")
    case = app.refer_case(
        tech, "54975", {"kind": "person", "full_name": "Ana"}, ["old_age"], "self", "Cere.", []
    )
    cid = uuid.UUID(case["case_id"])
    now = datetime.now(UTC)
    today = now.date().isoformat()
    app.record_consent(tech, cid, "given", today)
    app.record_initial_evaluation(tech, cid, "Singură, fără venit.")
    app.record_consent(tech, cid, "withdrawn", today)
    with pytest.raises(NoConsentToProcessing, match="withdrawn consent .* on " + today):
        app.draft_document(tech, cid, "phone_note", {"text": "A sunat."}, "none", now.isoformat())
    app.report_urgent_risk(tech, cid, "neglect", "Fără hrană.", False, now.isoformat())
    seen = app.get_case(sw, cid)
    assert seen["origin"] == "request" and seen["history"] == ["referred", "initial_evaluation"]
    assert [(s["status"], s["recorded_by"]) for s in seen["consent"]] == [
        ("given", TECH_STAFF),
        ("withdrawn", TECH_STAFF),
    ]
    app.record_consent(tech, cid, "limited", today, "Doar telefonic.")
    app.draft_document(tech, cid, "phone_note", {"text": "A sunat."}, "none", now.isoformat())
    assert app.get_case(sw, cid)["consent"][-1]["limits"] == "Doar telefonic."


# -- closure on the final report (2.4, R8; issue 20 item 11) ---------------------
def test_the_coordinator_validates_the_closure_on_the_technicians_final_report():
    """2.4: the technician writes the final case report ("Redactează
    raportul final de caz"), the coordinator validates the closure."""
    case = in_intervention()
    close = dict(outcome="plan_achieved", rationale="pd1:r", today=DAY)
    with pytest.raises(FinalReportMissing, match="R8: a case closes on its technician's valid"):
        case.close(SW, **close)
    with pytest.raises(InvalidCaseCommand, match="closes on their final report, not on a reason"):
        case.close(SW, **close, without_report="pd1:why")
    case.close(SW, **close, final_report_id="d-1")
    assert (case.stage, case.final_report_id) == ("closed", "d-1")


def test_with_no_technician_on_the_case_the_coordinator_records_why_no_final_report():
    case = in_intervention()
    case.release_technician(SW, TECH_ID)
    close = dict(outcome="referral", rationale="pd1:r", today=DAY, destination="DGASPC Cluj")
    with pytest.raises(FinalReportMissing, match="record why the case closes without one"):
        case.close(SW, **close)
    case.close(SW, **close, without_report="pd1:no technician since March")
    assert case.without_report_reason == "pd1:no technician since March"


def test_a_case_not_opened_closes_without_a_final_report():
    case = referred()
    case.record_initial_evaluation(TECH, "pd1:findings")
    case.close(SW, outcome="not_opened", rationale="pd1:r", today=DAY)
    assert case.stage == "closed" and case.follow_up is None


def test_a_closure_stored_before_the_rule_reads_as_it_was():
    mapper = Application().mapper
    case = in_intervention()
    case.close(SW, outcome="plan_achieved", rationale="pd1:r", today=DAY, final_report_id="d")
    stored = mapper.to_stored_event(case.collect_events()[-1])
    state = mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    del state["without_report_reason"]
    state["final_report_id"] = None
    read = mapper.to_domain_event(replace(stored, state=mapper.transcoder.encode(state)))
    assert (read.final_report_id, read.without_report_reason) == (None, None)


def test_closing_names_a_final_report_validated_not_one_still_a_draft(app):
    """R8 through the service: a final report not yet validated is refused,
    naming the rule; validated, the case closes on it."""
    tech = Actor(TECH_STAFF, "technician", "54975")
    sw = Actor(SW_STAFF, "social_worker")
    cid = uuid.UUID(whole_intervention(app, tech, sw))
    final = app.draft_document(tech, cid, "final_report", {"text": "Obiective atinse."})
    report = uuid.UUID(final["document_id"])
    app.submit_document(tech, report)
    with pytest.raises(FinalReportMissing, match=r"R8: the final report .* is submitted"):
        app.close_case(sw, cid, "plan_achieved", "Gata.", None, str(report))
    app.validate_document(sw, report)
    closed = app.close_case(sw, cid, "plan_achieved", "Gata.", None, str(report))
    assert closed["final_report_id"] == str(report)


def whole_intervention(app, tech, sw) -> str:
    case = app.refer_case(
        tech, "54975", {"kind": "person", "full_name": "Ana"}, ["old_age"], "self", "Cere.", []
    )
    cid = uuid.UUID(case["case_id"])
    app.record_initial_evaluation(tech, cid, "Singură.")
    app.open_case(sw, cid, "Risc.")
    app.record_social_diagnosis(sw, cid, "Izolare.", ["social_support"], "medium")
    objective = {"objective": "Sprijin", "indicator": "vizite", "responsible": "technician"}
    app.write_intervention_plan(sw, cid, [objective | {"deadline": "2027-06-30"}], "", CALENDAR)
    app.start_intervention(sw, cid)
    return case["case_id"]


# -- the follow-up period after closure (2.4, R8; issue 20 item 1) ---------------
def closed_on(day: date, months: int | None = 3) -> Case:
    case = in_intervention()
    case.close(
        SW,
        outcome="plan_achieved",
        rationale="pd1:r",
        today=day,
        final_report_id="d",
        follow_up_months=months,
    )
    return case


def test_three_monthly_follow_up_visits_after_a_child_returns_to_school():
    """2.4: "asistentul social coordonator solicită tehnicianului efectuarea
    a trei vizite lunare de follow-up" — within a monitoring period of e.g.
    3–6 months that starts at closure."""
    case = closed_on(DAY)
    assert case.follow_up == ("2026-11-20", "2027-02-20")
    follow_up = FollowUp.start(SW, case)
    monthly = [{"action": "visit", "due_on": add_months(DAY, n).isoformat()} for n in (1, 2, 3)]
    follow_up.plan(SW, case, case.stage, case.follow_up, monthly)
    assert [a["due_on"] for a in follow_up.planned] == ["2026-12-20", "2027-01-20", "2027-02-20"]
    visit = dict(action="visit", done_on=DAY + 30 * ONE, today=DAY + 30 * ONE, note="pd1:n")
    follow_up.record(TECH, case, case.stage, case.follow_up, **visit)
    assert follow_up.done == [
        {"action": "visit", "done_on": "2026-12-20", "note": "pd1:n", "by": TECH_ID}
    ]


def test_follow_up_actions_lie_within_the_period_and_are_the_coordinators_to_plan():
    case = closed_on(DAY)
    follow_up = FollowUp.start(SW, case)
    late = [{"action": "evaluation", "due_on": "2027-03-01"}]
    with pytest.raises(FollowUpOutsideWindow, match="outside the follow-up period"):
        follow_up.plan(SW, case, case.stage, case.follow_up, late)
    with pytest.raises(ExclusiveActOfSocialWorker, match="R2: plan_follow_up"):
        follow_up.plan(TECH, case, case.stage, case.follow_up, late)
    with pytest.raises(InvalidCaseCommand, match="has not come yet"):
        follow_up.record(
            TECH, case, case.stage, case.follow_up,
            action="visit", done_on=DAY + ONE, today=DAY, note=None,
        )  # fmt: skip


def test_the_period_is_as_long_as_the_coordination_plan_sets_within_three_to_six_months():
    """2.4, R8: the plan sets the follow-up's shortest and longest period
    (here 3–4 months); a case closes with the longest unless the coordinator
    gives another length within it."""
    [(technician_id, coordination)] = SW.coordinated.items()
    terms = replace(coordination.terms, follow_up_from_months=3, follow_up_until_months=4)
    planned = replace(SW, coordinated={technician_id: replace(coordination, terms=terms)})
    closing = dict(outcome="plan_achieved", rationale="pd1:r", today=DAY, final_report_id="d")
    with pytest.raises(FollowUpOutsideWindow, match="3–4 months from closure"):
        in_intervention().close(planned, **closing, follow_up_months=6)
    case = in_intervention()
    case.close(planned, **closing, follow_up_months=None)
    assert case.follow_up == ("2026-11-20", "2027-03-20")


def test_archiving_waits_for_the_period_s_end_or_a_recorded_decision():
    """R8: not archived the day follow-up begins."""
    case = closed_on(DAY)
    case.begin_follow_up(SW, None)
    with pytest.raises(FollowUpOutsideWindow, match="has not ended"):
        case.archive(SW, None, DAY, None)
    case.archive(SW, None, DAY, "pd1:the family moved abroad")
    assert case.stage == "archived"
    ended = closed_on(DAY)
    ended.archive(SW, None, date(2027, 2, 21), None)
    assert ended.stage == "archived"


def test_a_window_stored_before_keeps_its_days():
    """A closure stored with the former window (3–6 months after closure)
    keeps it: follow-up is planned within it and archiving waits for its end."""
    mapper = Application().mapper
    *before, closure = [mapper.to_stored_event(e) for e in closed_on(DAY).collect_events()]
    state = mapper.transcoder.decode(closure.state)
    state |= {"class_version": 1, "follow_up_from": "2027-02-20", "follow_up_until": "2027-05-20"}
    del state["without_report_reason"]
    old = replace(closure, state=mapper.transcoder.encode(state))
    read = None
    for stored in [*before, old]:
        read = mapper.to_domain_event(stored).mutate(read)
    assert isinstance(read, Case) and read.follow_up == ("2027-02-20", "2027-05-20")
    with pytest.raises(FollowUpOutsideWindow, match="has not ended"):
        read.archive(SW, None, date(2027, 5, 20), None)
    FollowUp.start(SW, read).plan(
        SW, read, read.stage, read.follow_up, [{"action": "visit", "due_on": "2027-03-20"}]
    )


def test_the_follow_up_is_planned_recorded_and_read_through_the_service(app):
    tech = Actor(TECH_STAFF, "technician", "54975")
    sw = Actor(SW_STAFF, "social_worker")
    cid = uuid.UUID(whole_intervention(app, tech, sw))
    final = app.draft_document(tech, cid, "final_report", {"text": "Obiective atinse."})
    app.submit_document(tech, uuid.UUID(final["document_id"]))
    app.validate_document(sw, uuid.UUID(final["document_id"]))
    closed = app.close_case(sw, cid, "plan_achieved", "Gata.", None, final["document_id"], 3)
    today = date.fromisoformat(closed["follow_up"]["from"])
    monthly = [{"action": "visit", "due_on": add_months(today, n).isoformat()} for n in (1, 2, 3)]
    app.plan_follow_up(sw, cid, monthly)
    app.record_follow_up(tech, cid, "visit", today.isoformat(), "Stabil.")
    seen = app.follow_up_of_case(sw, cid)
    assert len(seen["planned"]) == 3 and seen["done"][0]["note"] == "Stabil."
    with pytest.raises(FollowUpOutsideWindow):
        app.archive_case(sw, cid)
    assert app.archive_case(sw, cid, "", "Cazul a fost preluat de DGASPC.")["stage"] == "archived"
