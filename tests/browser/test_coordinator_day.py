"""The coordinator's day (asistent.cluj, desktop): validating and returning
a technician's report, an urgent risk arriving live on the home page, a
technician's forged R2 post refused in Romanian, bad input kept, and one
flow by keyboard alone."""

from __future__ import annotations

import time
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


def test_the_coordinator_returns_a_report_and_validates_its_resubmission(web, open_page):
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, "/validare")
    assert check(page, "coordonator-validare") == []
    document_id = web.seeded["walkthrough"]["document_id"]
    page.goto(f"{web.url}/validare/{document_id}")
    assert check(page, "coordonator-document") == []
    page.get_by_label("Ce trebuie schimbat").fill("Adăugați ora vizitei și cine a fost de față.")
    page.get_by_role("button", name="Returnează").click()
    assert "/validare" in page.url
    assert page.get_by_role("status").inner_text() == "Documentul a fost returnat tehnicianului."
    # the technician revises and submits again (through the API)
    tech = web.as_(TECHNICIAN)
    revised = tech.post(
        f"{web.url}/documents/{document_id}/revise",
        json={"content": {"text": "Vizită la 10:00, de față mama și copilul."}},
    )
    assert revised.status_code == 200, revised.text
    assert tech.post(f"{web.url}/documents/{document_id}/submit", json={}).status_code == 200
    page.goto(f"{web.url}/validare/{document_id}")
    assert page.get_by_role("heading", name="Versiunea anterioară (1)").is_visible()
    assert page.get_by_text("Vizită la 10:00, de față mama și copilul.").is_visible()
    assert check(page, "coordonator-document-v2") == []
    page.get_by_role("button", name="Validează").click()
    assert page.get_by_role("status").inner_text() == "Documentul a fost validat."
    status = web.as_(COORDINATOR).get(f"{web.url}/documents/{document_id}").json()["status"]
    assert status == "validated"


def test_an_urgent_risk_shows_on_the_home_page_within_two_seconds(web, open_page):
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, "/acasa")
    assert page.get_by_role("heading", name="Riscuri urgente deschise").is_visible()
    assert check(page, "coordonator-acasa") == []
    case_id = _a_case(web)["case_id"]
    reported = web.as_(TECHNICIAN).post(
        f"{web.url}/cases/{case_id}/urgent-risks",
        json={"category": "neglect", "observations": "Copilul, singur acasă, fără hrană.",
              "called_112": False, "observed_at": _now()},
    )
    assert reported.status_code in (200, 201), reported.text
    risk_id = reported.json()["risk_id"]
    started = time.monotonic()
    alert = page.locator(f'#alerte a[href="/riscuri/{risk_id}"]')
    alert.wait_for(timeout=4000)  # the poll is every 2 s; the swap lands within it
    assert time.monotonic() - started < 4
    countdown = page.locator(f'#alerte li:has(a[href="/riscuri/{risk_id}"]) time[data-countdown]')
    assert countdown.inner_text().endswith("min")
    assert check(page, "coordonator-acasa-risc") == []
    alert.click()  # the risk's page: acknowledge it, then notify an institution
    assert check(page, "coordonator-risc") == []
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("status").inner_text() == "Riscul a fost confirmat."
    page.get_by_label("Instituția (cod RNASR)").select_option("dgaspc")
    page.get_by_label("Rezumatul sesizării").fill("Copil lăsat singur, fără hrană.")
    page.get_by_role("button", name="Trimite sesizarea").click()
    assert page.get_by_role("status").inner_text() == "Instituția a fost sesizată."


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
