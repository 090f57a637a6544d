"""A technician's day on a 360 px phone: a visit report written and sent,
an urgent risk in three steps with 112 first, a case out of scope that
looks exactly like an unknown one, bad input kept with a Romanian message,
and one flow by keyboard alone. Every page visited passes axe-core."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.browser import DESKTOP, PHONE, TABLET, check, main_text, sign_in, tab_to

COUNTY = ZoneInfo("Europe/Bucharest")


def _case(web) -> str:
    return web.seeded["walkthrough"]["case_id"]


def _an_hour_ago() -> str:
    return (datetime.now(COUNTY) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def test_a_technician_writes_and_submits_a_visit_report(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", "/azi")
    assert page.get_by_role("heading", name="Azi", level=1).is_visible()
    assert check(page, "tehnician-azi") == []
    # the case files' missing documents are work to do (DGASPC page)
    assert page.get_by_role("heading", name="Acte lipsă din dosarele cazurilor").is_visible()
    assert "actul de identitate" in main_text(page)
    page.get_by_role("link", name=f"Caz {_case(web)[:8]}").first.click()
    assert check(page, "tehnician-caz") == []
    assert "Obiectivele planului" in main_text(page)
    page.get_by_role("link", name="Redactează un document").click()
    assert check(page, "tehnician-document-nou") == []
    page.get_by_label("Data și ora vizitei sau a apelului").fill(_an_hour_ago())
    page.get_by_label("Textul documentului").fill(
        "Vizită: copilul a mers la școală toată săptămâna."
    )
    page.get_by_role("button", name="Salvează ciorna").click()
    assert re.search(r"/documente/[0-9a-f-]{36}$", page.url)
    assert "salvat ca ciornă" in main_text(page)
    assert check(page, "tehnician-document") == []
    page.get_by_label("Textul documentului").fill("Vizită: copilul a mers la școală 5 zile din 5.")
    page.get_by_role("button", name="Salvează versiunea nouă").click()
    assert "Versiunea nouă a fost salvată" in main_text(page)
    assert "versiunea 2" in main_text(page)
    page.get_by_role("link", name="Trimite spre validare").click()
    assert check(page, "tehnician-document-trimite") == []
    page.get_by_role("button", name="Da, trimite").click()
    assert f"/cazuri/{_case(web)}" in page.url
    assert "trimis coordonatorului pentru validare" in main_text(page)


def test_an_urgent_risk_in_three_steps_with_112_first(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", f"/cazuri/{_case(web)}")
    page.get_by_role("link", name="Semnalează un risc urgent").click()  # step 1
    first = page.locator("main").locator("p, h1, div.urgent-112").nth(1)
    assert "Sunați întâi la 112" in first.inner_text()  # before anything to fill in
    assert check(page, "risc-pas-1") == []
    page.get_by_label("pericol pentru viață sau integritate").check()
    page.get_by_role("button", name="Continuă").click()  # step 2
    assert "Sunați întâi la 112" in page.locator(".urgent-112").inner_text()
    assert check(page, "risc-pas-2") == []
    page.get_by_label("Am sunat la 112").check()
    page.get_by_label("Ce ați observat").fill("Tatăl amenință copiii cu un cuțit.")
    page.get_by_role("button", name="Trimite semnalarea").click()  # step 3: sent
    assert f"/cazuri/{_case(web)}" in page.url
    assert "Riscul a fost semnalat" in main_text(page)


def test_a_cluj_case_is_to_florești_exactly_an_unknown_case(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.floresti", "/azi")
    answer = page.goto(f"{web.url}/cazuri/{_case(web)}")
    assert answer is not None
    foreign = (answer.status, main_text(page))
    assert check(page, "caz-strain") == []
    answer = page.goto(f"{web.url}/cazuri/{uuid.uuid4()}")
    assert answer is not None
    assert (answer.status, main_text(page)) == foreign
    assert foreign[0] == 404


def test_bad_input_comes_back_with_the_input_and_a_romanian_message(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", f"/cazuri/{_case(web)}/documente/nou")
    when = _an_hour_ago()
    page.get_by_label("Data și ora vizitei sau a apelului").fill(when)
    page.get_by_label("Textul documentului").fill("   ")  # passes `required`, blank all the same
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Salvează ciorna").click()
    assert posted.value.status == 422
    assert page.locator("#text-eroare").inner_text() == "Scrieți textul documentului."
    assert page.get_by_label("Textul documentului").get_attribute("aria-describedby") == (
        "text-eroare"
    )
    assert page.get_by_label("Data și ora vizitei sau a apelului").input_value() == when
    assert check(page, "document-eroare") == []


def test_a_risk_is_reported_by_keyboard_alone(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", f"/cazuri/{_case(web)}")
    tab_to(page, page.locator(f'a[href="/cazuri/{_case(web)}/risc"]'))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/risc$"))
    tab_to(page, page.locator('input[name="category"]'))
    for _ in range(3):  # arrows move through a radio group: to "neglijare"
        if page.evaluate("() => document.activeElement.id") == "category-neglect":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator("#category-neglect").is_checked()
    tab_to(page, page.locator('button[type="submit"]:not(.link)'))
    page.keyboard.press("Enter")
    page.wait_for_selector("#observations")
    tab_to(page, page.locator("#observations"))
    page.keyboard.type("Copiii sunt singuri acasă de două zile.")
    tab_to(page, page.locator('button.danger[type="submit"]'))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/cazuri/{_case(web)}$"))
    assert "Riscul a fost semnalat" in main_text(page)


def test_a_delegated_task_is_accepted_started_and_completed(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", "/azi")
    page.get_by_role("link", name="Vizită de monitorizare").first.click()
    assert check(page, "sarcina") == []
    page.get_by_role("button", name="Accept sarcina").click()
    assert "acceptată" in main_text(page)
    # accepted again from a page left open: refused in its code's own words
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value")
    stale = {"csrf": csrf, "form_id": "alta-fila", "pas": "accept"}
    again = page.request.post(page.url, form=stale)
    assert again.status == 409
    assert "Sarcina nu este în starea potrivită pentru acest pas." in again.text()
    page.get_by_role("button", name="Încep lucrul").click()
    assert "în lucru" in main_text(page)
    page.get_by_role("button", name="Încheie").click()  # no result yet: refused at the field
    assert "Rezultatul" in main_text(page)
    page.get_by_label("Rezultatul").fill("Copilul merge la școală; ghetele au fost donate.")
    page.get_by_role("button", name="Încheie").click()
    assert "încheiată" in main_text(page)
    assert check(page, "sarcina-incheiata") == []


def test_the_other_pages_of_the_day_pass_on_every_screen(web, open_page):
    for viewport, size in ((PHONE, "telefon"), (TABLET, "tableta"), (DESKTOP, "birou")):
        page = open_page(viewport)
        sign_in(page, web.url, "tehnician.cluj", "/cazuri?etapa=intervention")
        assert f"Caz {_case(web)[:8]}" in main_text(page)
        assert check(page, f"cazuri-{size}") == []
        for path, name in (
            ("/mesaje", "mesaje"),
            ("/feedback", "feedback"),
            ("/verificari/noua", "verificare"),
            (f"/cazuri/{_case(web)}/documente/nou?fel=progress_report", "raport-lunar"),
        ):
            page.goto(f"{web.url}{path}")
            assert check(page, f"{name}-{size}") == []


def test_a_benefit_check_with_a_discrepancy_waits_for_the_coordinator(web, open_page):
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", "/verificari/noua")
    assert "contrasemnătura asistentului social coordonator" in main_text(page)
    page.get_by_label("Prestația").select_option("heating_aid")
    page.get_by_label("Numele complet").fill("Maria Pop")
    page.get_by_label("Număr de persoane în familie").fill("3")
    page.get_by_label("Venitul lunar al familiei (lei)").fill("900")
    page.get_by_label("act de identitate").check()
    page.get_by_label("venituri nedeclarate").check()
    page.locator("#outcome").select_option("ineligible")
    page.get_by_role("button", name="Înregistrează verificarea").click()
    assert "situația B" in main_text(page)


def test_the_monthly_progress_report_has_its_sections_and_the_months_figures(web, open_page):
    """Guide 2.3: a standardised monthly report per case — progress,
    difficulties, recommended adjustments — with the case's figures of the
    month beside it, counted by the service (issue 20 item 14)."""
    page = open_page(PHONE)
    sign_in(
        page, web.url, "tehnician.cluj", f"/cazuri/{_case(web)}/documente/nou?fel=progress_report"
    )
    page.get_by_label("Progres").fill("Copilul merge la școală 4 zile din 5.")
    page.get_by_label("Dificultăți").fill("Autobuzul nu circulă dimineața.")
    page.get_by_label("Recomandări").fill("Abonament de transport.")
    page.get_by_role("button", name="Salvează ciorna").click()
    assert re.search(r"/documente/[0-9a-f-]{36}$", page.url)
    assert page.get_by_role("heading", name="Cifrele lunii").is_visible()
    assert "vizite pe lună stabilite în planul de coordonare" in main_text(page)
    assert page.get_by_label("Dificultăți").input_value() == "Autobuzul nu circulă dimineața."
    assert check(page, "raport-lunar-ciorna") == []


def test_the_technician_acknowledges_the_plan_and_proposes_an_adjustment(web, open_page):
    """Guide 3.2 C, 2.3: the plan is drawn up together — the technician reads
    its dated calendar of activities, acknowledges the version they carry
    out, and proposes adjustments; the coordinator decides (issue 20 item 13)."""
    page = open_page(PHONE)
    sign_in(page, web.url, "tehnician.cluj", f"/cazuri/{_case(web)}")
    assert page.get_by_role(
        "heading", name=re.compile("Calendarul activităților din plan")
    ).is_visible()
    assert "Întâlnire cu dirigintele" in main_text(page)
    page.get_by_role("button", name="Confirm că am luat la cunoștință planul").click()
    assert "Ați confirmat că ați luat la cunoștință planul." in main_text(page)
    assert page.get_by_role("button", name="Confirm că am luat la cunoștință planul").count() == 0
    page.get_by_label("Propuneți o ajustare a planului").fill("Vizitele marțea, nu lunea.")
    page.get_by_role("button", name="Trimite propunerea").click()
    assert "Propunerea a fost trimisă coordonatorului." in main_text(page)
    assert "Vizitele marțea, nu lunea." in main_text(page)
    assert check(page, "tehnician-plan-impreuna") == []
