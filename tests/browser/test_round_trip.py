"""A visit report's whole round trip through the pages alone, as two people
would do it (issue 15, "done means"): the technician on a 360 px phone
writes and submits it; the coordinator, in a browser of her own, returns it
with a comment; the technician sees the comment beside the text, revises
and resubmits; the coordinator sees both versions and validates; the
technician sees it validated. No API call, no id typed into an address.

The same round trip by keyboard alone (Tab, Shift+Tab, Enter, Space,
typing), and an urgent risk reported from the phone reaching the
coordinator's home page, countdown and all, within 2 s, then acknowledged
there: with the mouse and by keyboard alone. axe-core on every page."""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import (
    DESKTOP,
    PHONE,
    TABLET,
    check,
    flash,
    main_text,
    press_on,
    sign_in,
    sign_in_by_keyboard,
    skip_to_content,
    tab_to,
    type_into,
)

COORDINATOR, TECHNICIAN = "asistent.cluj", "tehnician.cluj"
COUNTY = ZoneInfo("Europe/Bucharest")
RETURNED = "h2:text-is('Documente returnate cu observații') + ul a"




def _an_hour_ago() -> datetime:
    return (datetime.now(COUNTY) - timedelta(hours=1)).replace(second=0, microsecond=0)


def _case_link(web, page: Page) -> Locator:
    """On /azi: the technician's case with a plan (the demo's walkthrough),
    by the name the page gives it."""
    return page.get_by_role("link", name=f"Caz {web.seeded['walkthrough']['case_id'][:8]}").first


def _submit(page: Page, asked: str, sent: str) -> None:
    """A document sent for validation from its page, the question confirmed;
    ``asked`` and ``sent`` name the two pages' checks."""
    page.get_by_role("link", name="Trimite spre validare").click()
    assert check(page, asked) == []
    page.get_by_role("button", name="Da, trimite").click()
    assert "trimis coordonatorului pentru validare" in main_text(page)
    assert check(page, sent) == []


def _newest_in_queue(page: Page) -> Locator:
    """On /validare (oldest first, on one page here): the newest document."""
    assert page.get_by_role("link", name="Următoarele").count() == 0, "the queue has more pages"
    return page.locator("table tbody tr td:first-child a").last


def _go(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to a link or a button and press ``key``: a new page loads."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press(key)


def _type_moment(page: Page, target: Locator, moment: datetime) -> None:
    """A datetime-local field by keyboard: Debian's Chromium shows it as
    mm/dd/yyyy, hh:mm AM; the year takes up to six digits, so → leaves it."""
    tab_to(page, target)
    page.keyboard.type(moment.strftime("%m%d%Y"))
    page.keyboard.press("ArrowRight")
    page.keyboard.type(moment.strftime("%I%M") + moment.strftime("%p")[0])
    assert target.input_value() == moment.strftime("%Y-%m-%dT%H:%M")


# -- the round trip with the mouse ------------------------------------------------
def test_a_visit_report_goes_round_trip_through_the_pages_alone(web, open_page):
    first, second = f"Vizită {uuid.uuid4().hex[:6]}: copilul", "a mers la școală 4 zile din 5."
    technician = open_page(PHONE)
    sign_in(technician, web.url, TECHNICIAN, "/azi")
    assert check(technician, "tur-tehnician-azi") == []
    _case_link(web, technician).click()
    assert check(technician, "tur-tehnician-caz") == []
    technician.get_by_role("link", name="Redactează un document").click()
    assert technician.get_by_label("Felul documentului").input_value() == "visit_report"
    assert check(technician, "tur-document-nou") == []
    technician.get_by_label("Data și ora vizitei sau a apelului").fill(
        _an_hour_ago().strftime("%Y-%m-%dT%H:%M")
    )
    technician.get_by_label("Textul documentului").fill(f"{first} {second}")
    technician.get_by_role("button", name="Salvează ciorna").click()
    assert "salvat ca ciornă" in main_text(technician)
    assert check(technician, "tur-ciorna") == []
    _submit(technician, "tur-trimite", "tur-trimis")

    coordinator = open_page(DESKTOP)
    sign_in(coordinator, web.url, COORDINATOR, "/acasa")
    assert check(coordinator, "tur-coordonator-acasa") == []
    coordinator.get_by_role("link", name="De validat").click()
    assert check(coordinator, "tur-coordonator-validare") == []
    _newest_in_queue(coordinator).click()
    assert coordinator.get_by_text(f"{first} {second}").is_visible()
    assert check(coordinator, "tur-coordonator-document") == []
    comment = "Scrieți și cine a fost de față."
    coordinator.get_by_label("Ce trebuie schimbat").fill(comment)
    coordinator.get_by_role("button", name="Returnează").click()
    assert flash(coordinator) == "Documentul a fost returnat tehnicianului."
    assert check(coordinator, "tur-coordonator-returnat") == []

    technician.get_by_role("link", name="Azi").click()
    assert check(technician, "tur-tehnician-azi-returnat") == []
    technician.locator(RETURNED).last.click()
    remarks = technician.get_by_role("region", name="Observațiile coordonatorului")
    assert comment in remarks.inner_text()
    text = technician.get_by_label("Textul documentului")
    assert text.input_value() == f"{first} {second}"  # the text beside the comment
    assert remarks.is_visible() and text.is_visible()
    assert check(technician, "tur-document-returnat") == []
    text.fill(f"{first} {second} De față: mama și bunica.")
    technician.get_by_role("button", name="Salvează versiunea nouă").click()
    assert "Versiunea nouă a fost salvată" in main_text(technician)
    assert check(technician, "tur-versiunea-2") == []
    _submit(technician, "tur-retrimite", "tur-retrimis")

    coordinator.get_by_role("link", name="De validat").click()
    assert check(coordinator, "tur-coordonator-validare-2") == []
    _newest_in_queue(coordinator).click()
    before = coordinator.get_by_role("region", name="Versiunea anterioară (1)")
    after = coordinator.get_by_role("region", name="Versiunea nouă (2)")
    assert before.locator(".document-text").inner_text() == f"{first} {second}"
    assert "De față: mama și bunica." in after.locator(".document-text").inner_text()
    assert comment in main_text(coordinator)  # the earlier comment stays in sight
    assert check(coordinator, "tur-coordonator-v2") == []
    coordinator.get_by_role("button", name="Validează").click()
    assert flash(coordinator) == "Documentul a fost validat."
    assert check(coordinator, "tur-coordonator-validat") == []

    technician.get_by_role("link", name="Azi").click()
    assert technician.locator(RETURNED).count() == 0
    assert check(technician, "tur-tehnician-azi-final") == []
    _case_link(web, technician).click()
    assert check(technician, "tur-tehnician-caz-final") == []
    listed = technician.locator("li", has_text="Raport de vizită").filter(has_text="versiunea 2")
    assert "validat" in listed.last.inner_text()
    listed.last.get_by_role("link").click()
    assert "Stare: validat, versiunea 2" in main_text(technician)
    assert check(technician, "tur-validat") == []


# -- the round trip by keyboard alone ---------------------------------------------
def test_the_round_trip_by_keyboard_alone(web, open_page):
    words = f"Vizită {uuid.uuid4().hex[:6]} la familia Pop."
    technician = open_page(PHONE)
    sign_in_by_keyboard(technician, web.url, TECHNICIAN, "/azi")
    assert technician.get_by_role("heading", name="Azi", level=1).is_visible()
    skip_to_content(technician)
    _go(technician, _case_link(web, technician))
    _go(technician, technician.get_by_role("link", name="Redactează un document"))
    _type_moment(technician, technician.get_by_label("Data și ora vizitei"), _an_hour_ago())
    type_into(technician, technician.get_by_label("Textul documentului"), words)
    tab_to(technician, technician.get_by_label("Beneficiarul a semnat"))
    technician.keyboard.press("Space")
    assert technician.get_by_label("Beneficiarul a semnat").is_checked()
    _go(technician, technician.get_by_role("button", name="Salvează ciorna"))
    _go(technician, technician.get_by_role("link", name="Trimite spre validare"))
    _go(technician, technician.get_by_role("button", name="Da, trimite"))
    assert "trimis coordonatorului pentru validare" in main_text(technician)

    coordinator = open_page(TABLET)
    sign_in_by_keyboard(coordinator, web.url, COORDINATOR, "/acasa")
    _go(coordinator, coordinator.get_by_role("link", name="De validat"))
    _go(coordinator, _newest_in_queue(coordinator))
    assert words in main_text(coordinator)
    type_into(coordinator, coordinator.get_by_label("Ce trebuie schimbat"), "Ora vizitei?")
    _go(coordinator, coordinator.get_by_role("button", name="Returnează"))
    assert flash(coordinator) == "Documentul a fost returnat tehnicianului."

    _go(technician, technician.get_by_role("link", name="Azi"))
    _go(technician, technician.locator(RETURNED).last)
    assert "Ora vizitei?" in main_text(technician)
    type_into(technician, technician.get_by_label("Textul documentului"),
              f"{words} Ora: 10:00.", replace=True)
    # back up to the field once more, as one who checks before saving
    tab_to(technician, technician.get_by_role("button", name="Salvează versiunea nouă"))
    tab_to(technician, technician.get_by_label("Textul documentului"), back=True)
    assert technician.get_by_label("Textul documentului").input_value() == f"{words} Ora: 10:00."
    _go(technician, technician.get_by_role("button", name="Salvează versiunea nouă"))
    _go(technician, technician.get_by_role("link", name="Trimite spre validare"))
    _go(technician, technician.get_by_role("button", name="Da, trimite"))

    _go(coordinator, coordinator.get_by_role("link", name="De validat"))
    _go(coordinator, _newest_in_queue(coordinator))
    assert coordinator.get_by_role("heading", name="Versiunea anterioară (1)").is_visible()
    assert "Ora: 10:00." in main_text(coordinator)
    _go(coordinator, coordinator.get_by_role("button", name="Validează"))
    assert flash(coordinator) == "Documentul a fost validat."

    _go(technician, technician.get_by_role("link", name="Azi"))
    _go(technician, _case_link(web, technician))
    listed = technician.locator("li", has_text="Raport de vizită").filter(has_text="versiunea 2")
    assert "validat" in listed.last.inner_text()


# -- an urgent risk from the phone, live on the coordinator's home -------------------
def _open_alerts(page: Page) -> set[str]:
    return set(page.locator("#alerte a[href^='/riscuri/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"))


def _reported_at_home(coordinator: Page, before: set[str]) -> tuple[str, float]:
    """The alert that was not on the home page before, and after how long it
    showed (the page is not reloaded: htmx swaps the alerts in)."""
    started = time.monotonic()
    try:
        coordinator.wait_for_function(
            "known => [...document.querySelectorAll('#alerte a[href^=\"/riscuri/\"]')]"
            ".some(a => !known.includes(a.getAttribute('href')))",
            arg=sorted(before), timeout=2000,
        )
    except PlaywrightTimeout:
        raise AssertionError("no new alert on the coordinator's home within 2 s") from None
    waited = time.monotonic() - started
    new = _open_alerts(coordinator) - before
    assert len(new) == 1, new
    return new.pop(), waited


def test_an_urgent_risk_from_the_phone_reaches_the_coordinators_home_within_2_s(
    web, open_page
):
    coordinator = open_page(DESKTOP)
    sign_in(coordinator, web.url, COORDINATOR, "/acasa")
    before = _open_alerts(coordinator)
    technician = open_page(PHONE)
    sign_in(technician, web.url, TECHNICIAN, "/azi")
    _case_link(web, technician).click()
    technician.get_by_role("link", name="Semnalează un risc urgent").click()
    technician.get_by_label("pericol pentru viață sau integritate").check()
    technician.get_by_role("button", name="Continuă").click()
    technician.get_by_label("Am sunat la 112").check()
    technician.get_by_label("Ce ați observat").fill("Vecinul amenință copilul cu un cuțit.")
    technician.get_by_role("button", name="Trimite semnalarea").click()
    assert "Riscul a fost semnalat" in main_text(technician)
    href, waited = _reported_at_home(coordinator, before)  # the clock starts once it is sent
    assert waited < 2, f"the alert showed after {waited:.2f} s"
    alert = coordinator.locator("#alerte li", has=coordinator.locator(f"a[href='{href}']"))
    assert "pericol pentru viață" in alert.inner_text()
    assert re.fullmatch(r"(\d+ h )?\d+ min", alert.locator("time[data-countdown]").inner_text())
    assert check(coordinator, "risc-acasa-live") == []
    alert.get_by_role("link").click()
    assert check(coordinator, "risc-coordonator") == []
    coordinator.get_by_role("button", name="Confirm").click()
    assert flash(coordinator) == "Riscul a fost confirmat."
    assert coordinator.get_by_role("button", name="Confirm").count() == 0
    coordinator.get_by_label("Instituția (cod RNASR)").select_option("dgaspc")
    coordinator.get_by_label("Rezumatul sesizării").fill("Copil amenințat cu un cuțit.")
    coordinator.get_by_role("button", name="Trimite sesizarea").click()
    assert flash(coordinator) == "Instituția a fost sesizată."
    assert check(coordinator, "risc-sesizat") == []


def test_an_urgent_risk_reported_and_acknowledged_by_keyboard_alone(web, open_page):
    coordinator = open_page(DESKTOP)
    sign_in_by_keyboard(coordinator, web.url, COORDINATOR, "/acasa")
    before = _open_alerts(coordinator)
    technician = open_page(PHONE)
    sign_in_by_keyboard(technician, web.url, TECHNICIAN, "/azi")
    _go(technician, _case_link(web, technician))
    _go(technician, technician.get_by_role("link", name="Semnalează un risc urgent"))
    assert "Sunați întâi la 112" in technician.locator(".urgent-112").inner_text()
    tab_to(technician, technician.locator("input[name=category]").first)
    for _ in range(8):  # arrows move through the radio group, checking as they go
        if technician.evaluate("() => document.activeElement.id") == "category-danger_to_life":
            break
        technician.keyboard.press("ArrowDown")
    technician.keyboard.press("Space")
    assert technician.get_by_label("pericol pentru viață sau integritate").is_checked()
    _go(technician, technician.get_by_role("button", name="Continuă"))
    assert "Sunați întâi la 112" in technician.locator(".urgent-112").inner_text()
    # 112 first: its link is before the form, and reached before any field
    skip_to_content(technician)
    tab_to(technician, technician.get_by_role("link", name="Sună la 112"), limit=1)
    press_on(technician, technician.get_by_label("Am sunat la 112"), "Space")
    assert technician.get_by_label("Am sunat la 112").is_checked()
    type_into(technician, technician.get_by_label("Ce ați observat"), "Copilul are arsuri.")
    _go(technician, technician.get_by_role("button", name="Trimite semnalarea"))
    assert "Riscul a fost semnalat" in main_text(technician)

    href, waited = _reported_at_home(coordinator, before)
    assert waited < 2, f"the alert showed after {waited:.2f} s"
    _go(coordinator, coordinator.locator(f"#alerte a[href='{href}']"))
    _go(coordinator, coordinator.get_by_role("button", name="Confirm"))
    assert flash(coordinator) == "Riscul a fost confirmat."
    institution = coordinator.get_by_label("Instituția (cod RNASR)")
    tab_to(coordinator, institution)
    for _ in range(12):  # a closed select: the arrows change its choice
        if institution.input_value() == "dgaspc":
            break
        coordinator.keyboard.press("ArrowDown")
    assert institution.input_value() == "dgaspc"
    type_into(coordinator, coordinator.get_by_label("Rezumatul sesizării"), "Copil cu arsuri.")
    _go(coordinator, coordinator.get_by_role("button", name="Trimite sesizarea"))
    assert flash(coordinator) == "Instituția a fost sesizată."
