"""The coordinator's remaining acts: closing a case offers the follow-up
period (R8) and the case's validated final reports, and is refused without
one (2.4); an open incident offers
its escalation one level up (4.4.3), and escalating shows the level reached;
the day's pages on a tablet are accessible."""

from __future__ import annotations

from events.clock import local_today
from tests.support.browser import DESKTOP, TABLET, check, sign_in

COORDINATOR, TECHNICIAN = "asistent.cluj", "tehnician.cluj"


def items(body: object) -> list[dict]:
    return body["items"] if isinstance(body, dict) else body  # type: ignore[index,return-value]


def test_the_closing_form_offers_the_follow_up_window(web, open_page):
    cases = items(web.as_(COORDINATOR).get(f"{web.url}/cases").json())
    case_id = cases[0]["case_id"]
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/cazuri/{case_id}/inchide")
    assert page.get_by_role("heading", name="Închiderea cazului").is_visible()
    assert page.get_by_role("group", name="Monitorizarea după închidere (R8)").is_visible()
    length = page.get_by_label("Durata (luni de la închidere)")
    assert length.locator("option").all_inner_texts() == [
        "Din planul de coordonare",
        "3",
        "4",
        "5",
        "6",
    ]
    assert page.get_by_label("Raportul final (identificator)").count() == 0  # no typed id any more
    assert check(page, "coordonator-inchidere") == []
    # no validated final report of the technician yet: refused naming R8, the text kept
    page.get_by_label("Rezultatul").select_option("plan_achieved")
    page.get_by_label("Motivarea").fill("Obiectivele au fost atinse.")
    length.select_option("3")
    page.get_by_role("button", name="Închide cazul").click()
    assert page.get_by_text("Validați mai întâi raportul final al tehnicianului.").is_visible()
    assert page.get_by_label("Motivarea").input_value() == "Obiectivele au fost atinse."


def test_an_incident_offers_its_escalation(web, open_page):
    technician_id = web.user(TECHNICIAN)["sub"]
    reported = web.as_(TECHNICIAN).post(
        f"{web.url}/technicians/{technician_id}/incidents",
        json={
            "difficulty_type": "communication",
            "description": "Beneficiarul amenință la fiecare vizită.",
        },
    )
    assert reported.status_code in (200, 201), reported.text
    incident_id = reported.json()["incident_id"]
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/incidente/{incident_id}")
    assert page.get_by_role("heading", name="Escaladarea incidentului").is_visible()
    assert check(page, "coordonator-incident-escaladare") == []
    page.get_by_role("button", name="Escaladează").click()  # no reason: told, nothing sent
    assert page.locator("#reason-eroare").inner_text() == "Completați acest câmp."
    page.get_by_label("Motivul escaladării").fill("Siguranța tehnicianului depășește echipa.")
    page.get_by_role("button", name="Escaladează").click()
    assert page.get_by_role("status").inner_text() == (
        "Incidentul a fost escaladat la nivelul superior."
    )
    assert page.get_by_text("Escaladat la: șeful SPAS").is_visible()


def test_the_day_and_the_validation_queue_on_a_tablet(web, open_page):
    page = open_page(TABLET)
    sign_in(page, web.url, COORDINATOR, "/acasa")
    assert page.get_by_role("heading", level=1).count() == 1
    assert check(page, "coordonator-acasa-tableta") == []
    page.goto(f"{web.url}/validare")
    assert page.get_by_role("heading", level=1).count() == 1
    assert "visit_report" not in page.locator("main").inner_text()  # the label, not the name
    assert check(page, "coordonator-validare-tableta") == []


def test_a_mistaken_journal_entry_is_withdrawn_with_its_reason(web, open_page):

    technician_id = web.user(TECHNICIAN)["sub"]
    contracts = items(
        web.as_(COORDINATOR).get(f"{web.url}/technicians/{technician_id}/contracts").json()
    )
    contract_id = next(c["contract_id"] for c in contracts if c["status"] == "active")
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/contracte/{contract_id}")
    page.get_by_label("Data").fill(local_today().isoformat())
    page.locator("#hours").fill("1")
    page.get_by_label("Canalul").select_option("video")
    page.get_by_label("Felul activității").select_option("contact")
    page.get_by_role("button", name="Trece în jurnal").click()
    assert page.get_by_role("status").inner_text() == "Activitatea a fost trecută în jurnal."
    before = page.locator("#ore-titlu + p").inner_text()
    row = page.locator("tbody tr").last
    row.get_by_role("button", name="Retrage").click()  # no reason chosen: told
    assert page.locator("[id$=-eroare]").first.inner_text() == "Alegeți motivul retragerii."
    row = page.locator("tbody tr").last
    row.get_by_label("Motivul retragerii").select_option("duplicate")
    row.get_by_role("button", name="Retrage").click()
    assert page.get_by_role("status").inner_text() == "Înregistrarea a fost retrasă din jurnal."
    assert page.get_by_text("retrasă: înregistrare dublă").first.is_visible()
    assert page.locator("#ore-titlu + p").inner_text() != before  # no longer counted (R6)
    assert check(page, "coordonator-jurnal-retras") == []


def test_the_plan_page_shows_the_current_plan_and_its_versions(web, open_page):
    cases = items(web.as_(COORDINATOR).get(f"{web.url}/cases?stage=intervention").json())
    case_id = cases[0]["case_id"]
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/cazuri/{case_id}/plan")
    assert page.get_by_role("heading", name="Planul actual — versiunea 1").is_visible()
    plan = page.get_by_role("table").first
    assert plan.get_by_text("Reintegrarea școlară a copilului").is_visible()
    assert plan.get_by_text("tehnicianul").is_visible()  # the label, not "technician"
    # its dated calendar of activities (3.2 C), and the form's rows for the next version
    assert page.get_by_role("heading", name="Calendarul activităților").is_visible()
    calendar = page.get_by_role("table").nth(1)
    assert calendar.get_by_text("Întâlnire cu dirigintele").is_visible()
    assert page.get_by_role("group", name="Activitatea 1 din calendarul planului").is_visible()
    assert page.get_by_role("heading", name="Versiunile planului").is_visible()
    assert page.get_by_text("Etapa: intervenție").is_visible()  # the stage's label
    assert "intervention_plan" not in page.locator("main").inner_text()
    assert check(page, "coordonator-plan-versiuni") == []
