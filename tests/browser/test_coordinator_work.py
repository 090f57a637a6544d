"""The coordinator's work with a technician (desktop): a task delegated
from the delegable types and cancelled again; a coordination journal entry,
refused first for want of its duration, then recorded against the month's
hours; a feedback session recorded in the journal, to which the technician
adds their view from their phone (E.3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.clock import local_today
from tests.support.browser import DESKTOP, PHONE, check, sign_in

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


def contract_in_force(web) -> str:
    technician_id = web.user(TECHNICIAN)["sub"]
    contracts = web.as_(COORDINATOR).get(f"{web.url}/technicians/{technician_id}/contracts").json()
    contracts = contracts["items"] if isinstance(contracts, dict) else contracts
    return next(c["contract_id"] for c in contracts if c["status"] == "active")


def test_a_journal_entry_without_its_duration_is_told_then_recorded(web, open_page):
    contract_id = contract_in_force(web)
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


def test_a_feedback_session_is_a_journal_entry_the_technician_adds_their_view_to(
    web, open_page
):
    """E.3, 3.1: the coordinator records the session in the journal (it
    counts towards the month's hours) with what went well, what to improve
    and the actions agreed; the technician reads it under "Coordonarea" and
    adds their own view, once."""
    contract_id = contract_in_force(web)
    page = open_page(DESKTOP)
    sign_in(page, web.url, COORDINATOR, f"/contracte/{contract_id}")
    page.get_by_label("Data").fill(local_today().isoformat())
    page.locator("#hours").fill("1")
    page.get_by_label("Canalul").select_option("in_person")
    page.get_by_label("Felul activității").select_option("feedback_session")
    page.get_by_label("Ce a mers bine").fill("A câștigat încrederea familiei.")
    page.get_by_label("Ce trebuie îmbunătățit").fill("Fișele de observație mai detaliate.")
    page.get_by_label("Acțiuni convenite cu tehnicianul").fill("Fișa în 24 de ore")
    page.get_by_role("button", name="Trece în jurnal").click()
    assert page.get_by_role("status").inner_text() == "Activitatea a fost trecută în jurnal."
    assert page.get_by_text("Ce a mers bine: A câștigat încrederea familiei.").count() == 1

    phone = open_page(PHONE)
    sign_in(phone, web.url, TECHNICIAN, "/azi")
    phone.get_by_role("link", name="Coordonarea").click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/contracte/{contract_id}")
    session = phone.locator("tr.details", has_text="A câștigat încrederea familiei.")
    session.get_by_role("button", name="Adaugă observațiile").click()
    assert phone.locator(".field-error, [id$='-eroare']").first.inner_text() == (
        "Scrieți observațiile dumneavoastră."
    )
    session = phone.locator("tr.details", has_text="A câștigat încrederea familiei.")
    session.get_by_label("Observațiile dumneavoastră despre sesiune").fill("Exemplul m-a ajutat.")
    session.get_by_role("button", name="Adaugă observațiile").click()
    assert phone.get_by_role("status").inner_text() == "Observațiile au fost adăugate la sesiune."
    session = phone.locator("tr.details", has_text="A câștigat încrederea familiei.")
    assert "Observațiile tehnicianului: Exemplul m-a ajutat." in session.inner_text()
    assert session.get_by_role("button", name="Adaugă observațiile").count() == 0
    assert check(phone, "tehnician-sesiune-feedback") == []


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
