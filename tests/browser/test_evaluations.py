"""An initial evaluation from opening to both signatures. The coordinator
(tablet) writes the annex 1 sheet section by section, one page each (one
section by keyboard alone; a tenure longer than the total comes back kept,
with the reason at its field), observes the annex 2 grid and records the
conclusions; the technician (phone) finds the evaluation from their day,
reads the sheet, assesses themself and signs; the coordinator signs last.
Every page visited passes axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.support.browser import PHONE, TABLET, check, flash, main_text, sign_in, tab_to

COORDINATOR, TECHNICIAN = "asistent.cluj", "tehnician.cluj"
INITIAL_SECTIONS = 6  # required on an initial evaluation, and the optional seventh





def _rate_every_domain(page: Page, level: str, button: str) -> None:
    """The annex 2 grid: the same level in every domain, recorded."""
    for chooser in page.locator("select[name^=nivel-]").all():
        chooser.select_option(level)
    page.get_by_role("button", name=button).click()


def _section(page: Page, title: str, shot: str) -> None:
    page.get_by_role("link", name=f"Completează: {title}").click()
    assert page.get_by_role("heading", name=title, level=1).is_visible()
    assert check(page, shot) == []


def _save(page: Page, title: str) -> None:
    page.get_by_role("button", name="Salvează secțiunea").click()
    assert flash(page) == f"Secțiunea a fost salvată: {title}."
    assert re.search(r"/evaluari/[0-9a-f-]+$", page.url)


def _coordinator_writes_the_sheet(page: Page) -> None:
    # general data: a tenure here longer than the whole is the service's refusal
    _section(page, "Date generale", "evaluare-date-generale")
    page.get_by_label("Funcția").fill("tehnician în asistență socială")
    page.get_by_label("Serviciul").fill("SPAS")
    page.get_by_label("Instituția").fill("Primăria Florești")
    page.get_by_label("Vechimea la actualul loc de muncă (ani)").fill("12")
    page.get_by_label("Vechimea totală (ani)").fill("5")
    page.get_by_role("checkbox", name="sărăcie").check()
    page.get_by_role("button", name="Salvează secțiunea").click()
    assert page.locator("#tenure_current_years-eroare").inner_text() == (
        "Vechimea la actualul loc de muncă face parte din vechimea totală: "
        "nu poate fi mai mare decât ea."
    )
    assert page.get_by_label("Funcția").input_value() == "tehnician în asistență socială"
    assert page.get_by_role("checkbox", name="sărăcie").is_checked()  # kept
    assert check(page, "evaluare-date-generale-eroare") == []
    page.get_by_label("Vechimea totală (ani)").fill("15")
    _save(page, "Date generale")

    _section(page, "1. Activitatea curentă", "evaluare-activitatea-curenta")
    page.get_by_label("Numărul total de cazuri gestionate").fill("18")
    page.get_by_label("Copil sub 16 ani").fill("7")
    page.get_by_label("Tipuri de servicii și activități desfășurate").fill(
        "vizite la domiciliu\nînsoțirea beneficiarilor la medic"
    )
    page.get_by_role("checkbox", name="fișe de caz").check()
    _save(page, "1. Activitatea curentă")

    # the beneficiaries by keyboard alone: Tab to the link, Enter, type, Tab, Enter
    tab_to(page, page.locator('a[href$="/sectiuni/beneficiaries"]'))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sectiuni/beneficiaries$"))
    assert check(page, "evaluare-beneficiarii") == []
    tab_to(page, page.locator("#characteristics"))
    page.keyboard.type("Familii cu copii de vârstă școlară, venituri mici.")
    page.keyboard.press("Tab")
    page.keyboard.type("Abandon școlar, lipsa actelor de identitate.")
    tab_to(page, page.locator('form button[type="submit"]'))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/evaluari/[0-9a-f-]+$"))
    assert flash(page) == "Secțiunea a fost salvată: 2. Beneficiarii."

    _section(page, "3. Colaborări interinstituționale", "evaluare-colaborari")
    page.locator("#institution-0").fill("Școala Gimnazială Florești")
    page.locator("#kind-0").select_option("formal")
    page.locator("#frequency-0").select_option("weekly")
    page.locator("#effectiveness-0").select_option("3")
    page.get_by_label("Puncte forte în colaborare").fill("Directorul școlii răspunde repede.")
    _save(page, "3. Colaborări interinstituționale")

    _section(page, "4. Situații dificile întâlnite", "evaluare-situatii-dificile")
    page.get_by_label("Exemple de cazuri problematice gestionate").fill("Un conflict în familie.")
    page.get_by_label("Modalități de abordare aplicate").fill("A cerut sprijinul coordonatorului.")
    page.get_by_label("Nevoi de sprijin identificate").fill("Mediere.")
    _save(page, "4. Situații dificile întâlnite")

    _section(page, "5. Competențe și deprinderi profesionale", "evaluare-competente")
    page.get_by_label("Puncte forte observate").fill("Empatie, cunoaște comunitatea.")
    page.get_by_label("Aspecte care necesită dezvoltare").fill("Redactarea rapoartelor.")
    _save(page, "5. Competențe și deprinderi profesionale")


def test_an_initial_evaluation_is_written_read_assessed_and_signed(web, open_page):
    technician_id = web.user(TECHNICIAN)["sub"]
    coordinator = open_page(TABLET)
    sign_in(coordinator, web.url, COORDINATOR, f"/tehnicieni/{technician_id}/evaluari")
    coordinator.get_by_label("Felul evaluării").select_option("initial")
    coordinator.get_by_role("button", name="Deschide evaluarea").click()
    assert flash(coordinator) == "Evaluarea a fost deschisă."
    evaluation_url = coordinator.url
    assert check(coordinator, "evaluare-deschisa") == []
    assert main_text(coordinator).count("lipsește") == INITIAL_SECTIONS + 1  # and the conclusions

    _coordinator_writes_the_sheet(coordinator)
    main = main_text(coordinator)
    assert main.count("lipsește") == 1  # every required section; the conclusions next
    assert "Școala Gimnazială Florești" in main and "însoțirea beneficiarilor la medic" in main
    assert coordinator.get_by_role("link", name="Modifică: Date generale").is_visible()
    assert check(coordinator, "evaluare-fisa-completata") == []

    # the grid: the coordinator's observation, every domain
    _rate_every_domain(coordinator, "3", "Înregistrează observația")
    assert flash(coordinator) == "Observația a fost înregistrată."

    coordinator.get_by_role("link", name="Completează: 7. Concluzii și recomandări").click()
    assert check(coordinator, "evaluare-concluzii") == []
    coordinator.get_by_role("checkbox", name="Gestionarea situațiilor de criză").check()
    coordinator.get_by_role("checkbox", name="vizită la domiciliu").check()
    coordinator.locator("#training_kind-0").select_option("mentoring")
    coordinator.locator("#training_direction-0").fill("Redactarea rapoartelor de vizită.")
    coordinator.get_by_role("button", name="Salvează concluziile").click()
    assert flash(coordinator) == "Concluziile au fost salvate."
    assert "Mentorat: Redactarea rapoartelor de vizită." in main_text(coordinator)

    # the technician finds it from their day, reads the sheet, assesses and signs
    technician = open_page(PHONE)
    sign_in(technician, web.url, TECHNICIAN, "/azi")
    technician.get_by_role("link", name="Evaluările mele").click()
    assert check(technician, "tehnician-evaluarile-mele") == []
    technician.get_by_role("link", name=re.compile(r"^Evaluare inițială")).click()
    main = main_text(technician)
    assert "Școala Gimnazială Florești" in main and "Redactarea rapoartelor." in main
    assert "Modifică" not in main and "Completează" not in main  # the coordinator writes it
    own_url = technician.url
    answer = technician.goto(f"{evaluation_url}/sectiuni/general")
    assert answer is not None and answer.status == 404  # nor may the technician reach its form
    technician.goto(own_url)
    assert check(technician, "tehnician-evaluarea-mea") == []
    _rate_every_domain(technician, "2", "Înregistrează autoevaluarea")
    assert flash(technician) == "Autoevaluarea a fost înregistrată."
    technician.get_by_role("button", name="Semnează evaluarea").click()
    assert flash(technician) == "Evaluarea a fost semnată."
    assert "tehnicianul (" in main_text(technician)
    assert check(technician, "tehnician-evaluare-semnata") == []

    coordinator.goto(evaluation_url)
    assert "Completează" not in main_text(coordinator)  # signed: the sheet no longer changes
    coordinator.get_by_role("button", name="Semnează evaluarea").click()
    assert flash(coordinator) == "Evaluarea a fost semnată."
    assert "Starea: încheiată" in main_text(coordinator)
    assert check(coordinator, "evaluare-semnata") == []

    technician.goto(f"{web.url}/evaluarile-mele")
    assert "încheiată" in main_text(technician)
