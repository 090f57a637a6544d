"""The coordinator's day (asistent.cluj, desktop): a technician's forged R2
post refused in Romanian, bad input kept, and returning a report by
keyboard alone. The report's whole round trip and the urgent risk arriving
live on the home page are told through both people's pages in
``test_round_trip``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.browser import DESKTOP, check, sign_in

COORDINATOR, TECHNICIAN = "asistent.cluj", "tehnician.cluj"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _a_case(web: Any) -> dict[str, Any]:
    cases = web.as_(TECHNICIAN).get(f"{web.url}/cases", params={"stage": "intervention"}).json()
    return cases["items"][0]


def _submitted_report(web: Any, text: str) -> str:
    """A visit report the technician drafts and submits through the API."""
    tech = web.as_(TECHNICIAN)
    case_id = _a_case(web)["case_id"]
    drafted = tech.post(
        f"{web.url}/cases/{case_id}/documents",
        json={"kind": "visit_report", "content": {"text": text}, "occurred_at": _now(),
              "beneficiary_signature": "self"},
    )
    assert drafted.status_code in (200, 201), drafted.text
    document_id = drafted.json()["document_id"]
    submitted = tech.post(f"{web.url}/documents/{document_id}/submit", json={})
    assert submitted.status_code == 200, submitted.text
    return document_id


def test_a_technicians_forged_post_of_an_r2_act_is_refused_naming_r2(web, open_page):
    case = _a_case(web)
    page = open_page(DESKTOP)
    sign_in(page, web.url, TECHNICIAN, f"/cazuri/{case['case_id']}/deschide")
    assert page.get_by_role("button", name="Deschide cazul").count() == 0  # never offered
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value")
    answer = page.request.post(
        f"{web.url}/cazuri/{case['case_id']}/deschide",
        form={"csrf": csrf, "form_id": "forjat-1", "rationale": "Îl deschid eu."},
    )
    assert answer.status == 403
    assert "R2 — doar asistentul social coordonator deschide cazul" in answer.text()
    after = web.as_(COORDINATOR).get(f"{web.url}/cases/{case['case_id']}").json()
    assert after["stage"] == case["stage"]


def test_bad_input_is_kept_and_told_at_the_field(web, open_page):
    document_id = _submitted_report(web, "Raport de vizită pentru verificare.")
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/validare/{document_id}")
    page.get_by_label("Completările dumneavoastră (opțional)").fill("Text păstrat")
    page.get_by_role("button", name="Returnează").click()  # without comments
    field = page.get_by_label("Ce trebuie schimbat")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#comments-eroare").inner_text() == "Scrieți ce trebuie schimbat."
    assert check(page, "coordonator-document-eroare") == []
    # a decision with a blank rationale: the choice is kept, the field told
    case_id = _a_case(web)["case_id"]
    page.goto(f"{web.url}/cazuri/{case_id}/decizie")
    page.get_by_label("Decizia").select_option("other")
    page.get_by_role("button", name="Înregistrează decizia").click()
    assert page.get_by_label("Decizia").input_value() == "other"
    assert page.locator("#rationale-eroare").inner_text() == "Completați acest câmp."
    assert check(page, "coordonator-decizie-eroare") == []


def test_returning_a_report_by_keyboard_alone(web, open_page):
    document_id = _submitted_report(web, "Raport pentru tastatură.")
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/validare/{document_id}")
    field = page.get_by_label("Ce trebuie schimbat")
    for _ in range(40):  # Tab through the page until the comments field
        page.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the comments field is not reachable by Tab")
    page.keyboard.type("Completați semnătura.")
    page.keyboard.press("Tab")  # the Return button follows its field
    page.keyboard.press("Enter")
    page.wait_for_url(f"{web.url}/validare")
    assert page.get_by_role("status").inner_text() == "Documentul a fost returnat tehnicianului."
