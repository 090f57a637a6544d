"""The coordinator's work with a technician (desktop): a task delegated
from the delegable types and cancelled again; a coordination journal entry,
refused first for want of its duration, then recorded against the month's
hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.clock import local_today
from tests.support.browser import DESKTOP, check, sign_in

COORDINATOR, TECHNICIAN = "asistent.cluj", "tehnician.cluj"


def test_the_coordinator_delegates_a_task_and_cancels_it(web, open_page):
    technician_id = web.user(TECHNICIAN)["sub"]
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/tehnicieni/{technician_id}/sarcini")
    assert check(page, "coordonator-sarcini") == []
    chooser = page.get_by_label("Tipul sarcinii (autonomia și sursa ei)")
    options = chooser.locator("option").all_inner_texts()
    assert any(o.startswith("observare — ") for o in options)  # the type, its autonomy, its source
    chooser.select_option("observation")
    page.get_by_label("Instrucțiuni").fill("Observați interacțiunea mamă-copil la masă.")
    due = (datetime.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    page.get_by_label("Termenul").fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Deleagă").click()
    assert page.get_by_role("status").inner_text() == "Sarcina a fost delegată."
    card = page.locator(".card", has_text="Observați interacțiunea mamă-copil la masă.")
    card.get_by_label("Motivul").fill("Vizita s-a făcut împreună.")
    card.get_by_role("button", name="Anulează sarcina").click()
    assert page.get_by_role("status").inner_text() == "Sarcina a fost anulată."
    assert page.get_by_text("Observați interacțiunea mamă-copil la masă.").count() == 0
    assert check(page, "coordonator-sarcini-dupa") == []


def test_a_journal_entry_without_its_duration_is_told_then_recorded(web, open_page):
    technician_id = web.user(TECHNICIAN)["sub"]
    contracts = web.as_(COORDINATOR).get(f"{web.url}/technicians/{technician_id}/contracts").json()
    contracts = contracts["items"] if isinstance(contracts, dict) else contracts
    contract_id = next(c["contract_id"] for c in contracts if c["status"] == "active")
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/contracte/{contract_id}")
    assert check(page, "coordonator-contract") == []
    before = page.locator("#ore-titlu + p").inner_text()
    page.get_by_label("Data").fill(local_today().isoformat())
    page.get_by_label("Canalul").select_option("phone")
    page.get_by_label("Felul activității").select_option("contact")
    page.get_by_role("button", name="Trece în jurnal").click()
    assert page.locator("#hours-eroare").inner_text() == "Scrieți durata în ore și minute."
    assert page.get_by_label("Canalul").input_value() == "phone"  # kept
    assert check(page, "coordonator-contract-eroare") == []
    page.locator("#hours").fill("2")
    page.get_by_role("button", name="Trece în jurnal").click()
    assert page.get_by_role("status").inner_text() == "Activitatea a fost trecută în jurnal."
    assert page.locator("#ore-titlu + p").inner_text() != before


def test_an_incident_takes_its_steps_in_order(web, open_page):
    technician_id = web.user(TECHNICIAN)["sub"]
    reported = web.as_(TECHNICIAN).post(
        f"{web.url}/technicians/{technician_id}/incidents",
        json={"difficulty_type": "communication",
              "description": "Familia refuză să vorbească cu mine după ultima vizită."},
    )
    assert reported.status_code in (200, 201), reported.text
    incident_id = reported.json()["incident_id"]
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/incidente/{incident_id}")
    assert check(page, "coordonator-incident") == []
    assert page.get_by_role("heading", name="1. Identificarea problemei").is_visible()
    page.get_by_label("Tipul dificultății").select_option("communication")
    page.get_by_label("Problema").fill("Comunicarea cu familia s-a întrerupt.")
    page.get_by_role("button", name="Înregistrează").click()
    assert page.get_by_role("status").inner_text() == "Problema a fost identificată."
    assert page.get_by_role("heading", name="2. Informarea").is_visible()
    assert check(page, "coordonator-incident-pas-2") == []


def test_the_coordinator_opens_an_evaluation_and_records_the_grid(web, open_page):
    technician_id = web.user(TECHNICIAN)["sub"]
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/tehnicieni/{technician_id}/evaluari")
    assert check(page, "coordonator-evaluari") == []
    page.get_by_label("Felul evaluării").select_option("initial")
    page.get_by_role("button", name="Deschide evaluarea").click()
    assert page.get_by_role("status").inner_text() == "Evaluarea a fost deschisă."
    assert "/evaluari/" in page.url
    assert check(page, "coordonator-evaluare") == []
    page.get_by_role("button", name="Înregistrează observația").click()  # nothing chosen
    assert page.locator("#grila-eroare").inner_text() == "Alegeți cel puțin un nivel."
    page.locator("select[name^=nivel-]").first.select_option("3")
    page.get_by_role("button", name="Înregistrează observația").click()
    assert page.get_by_role("status").inner_text() == "Observația a fost înregistrată."
