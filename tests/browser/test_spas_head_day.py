"""The SPAS head's day (desktop). In Gilău, whose technician works under no
contract (R1), the head drafts one (refused first for a coordinator without
the experience R5 asks), signs it for the institution on its page, and the
coordinator's signature puts it in force. In Cluj-Napoca the head finds
what waits for them as the escalation target: a technician's difficulty
about their coordinator, which the head leads (4.5 step 2), and a contract
the registry's change left short of the coordinator's experience (R5)."""

from __future__ import annotations

from typing import Any

from tests.support.browser import DESKTOP, check, flash, sign_in


def _row(page: Any, name: str) -> str:
    return page.locator("tr", has_text=name).inner_text()


def _row_link(page: Any, name: str, link: str) -> Any:
    return page.locator("tr", has_text=name).get_by_role("link", name=link)


def test_the_head_drafts_a_contract_signs_it_and_the_coordinators_signature_puts_it_in_force(
    web, open_page
):
    head = open_page(DESKTOP)
    sign_in(head, web.url, "sef.gilau")
    assert head.url.endswith("/spas")  # the head's own home
    assert "Fără contract de coordonare în vigoare" in _row(head, "Andrei Moldovan")
    assert head.get_by_role("heading", name="Contracte de semnat (0)").count() == 1
    assert check(head, "sef-acasa") == []

    _row_link(head, "Andrei Moldovan", "Întocmiți contractul").click()
    assert head.get_by_label("Tehnicianul").input_value() == web.user("tehnician.gilau")["sub"]
    assert head.get_by_label("Ore de coordonare pe lună (cel puțin 40, R6)").input_value() == "40"
    head.get_by_role("button", name="Întocmește contractul").click()
    assert head.locator("#coordinator_id-eroare").inner_text() == "Completați acest câmp."
    assert head.get_by_label("Tehnicianul").input_value() == web.user("tehnician.gilau")["sub"]
    # a coordinator without experience of his categories: R5 refuses, and says so
    head.get_by_label("Asistentul social coordonator").select_option(label="Mihai Rusu")
    head.get_by_label("Forma juridică").select_option("cooperation_agreement")
    head.get_by_role("button", name="Întocmește contractul").click()
    assert "R5" in head.get_by_role("alert").inner_text()
    assert check(head, "sef-contract-nou-refuzat") == []
    head.get_by_label("Asistentul social coordonator").select_option(label="Ana Pop")
    head.get_by_role("button", name="Întocmește contractul").click()
    assert flash(head).startswith("Contractul a fost întocmit.")
    contract_id = head.url.rsplit("/", 1)[-1]

    head.goto(f"{web.url}/spas")
    assert head.get_by_role("heading", name="Contracte de semnat (1)").count() == 1
    head.get_by_role("link", name="Andrei Moldovan — Ana Pop").click()
    assert head.url.endswith(f"/contracte/{contract_id}")
    assert check(head, "sef-contract-de-semnat") == []
    head.get_by_role("button", name="Semnează pentru instituție").click()
    assert flash(head) == "Contractul a fost semnat. Așteaptă semnătura celeilalte părți."
    signatures = head.locator("section", has_text="Semnăturile").inner_text()
    assert "instituția (șeful SPAS): a semnat" in signatures
    assert "coordonatorul: nu a semnat încă" in signatures
    assert head.get_by_role("button", name="Semnează pentru instituție").count() == 0

    # signed twice (another tab, the API): refused, and nothing changes
    again = web.as_("sef.gilau").post(f"{web.url}/contracts/{contract_id}/sign", json={})
    assert again.status_code == 409, again.text
    head.goto(f"{web.url}/spas")
    waiting = head.locator("section", has_text="așteaptă semnătura coordonatorului")
    assert "Andrei Moldovan — Ana Pop" in waiting.inner_text()

    coordinator = open_page(DESKTOP)
    sign_in(coordinator, web.url, "asistent.cluj", f"/contracte/{contract_id}")
    coordinator.get_by_role("button", name="Semnează contractul").click()
    assert flash(coordinator) == "Contractul a fost semnat și este în vigoare."
    assert "Starea: activ" in coordinator.locator("main").inner_text()

    head.reload()
    row = _row(head, "Andrei Moldovan")
    assert "activ" in row and "Ana Pop" in row and "Fără contract" not in row
    assert head.get_by_role("heading", name="Contracte de semnat (0)").count() == 1


def test_the_head_finds_a_difficulty_about_the_coordinator_and_a_contract_short_of_r5(
    web, open_page
):
    technician_id = web.user("tehnician.cluj")["sub"]
    reported = web.as_("tehnician.cluj").post(
        f"{web.url}/technicians/{technician_id}/incidents",
        json={
            "difficulty_type": "communication",
            "about_coordinator": True,
            "description": "Coordonatorul nu răspunde la telefon de două săptămâni.",
        },
    )
    assert reported.status_code in (200, 201), reported.text
    incident_id = reported.json()["incident_id"]
    # the county adds a category Mihai Rusu has no experience of to Sorina Bota's
    sorina = web.user("tehnician2.cluj")["sub"]
    changed = web.as_("judet").post(
        f"{web.url}/staff/{sorina}/beneficiary-categories",
        json={
            "beneficiary_categories": ["disability_chronic_illness", "old_age", "domestic_violence"]
        },
    )
    assert changed.status_code == 200, changed.text

    head = open_page(DESKTOP)
    sign_in(head, web.url, "sef.cluj")
    incidents = head.locator("section", has_text="Incidente deschise").inner_text()
    assert "comunicare — Ion Rus" in incidents
    assert "despre coordonator: îl conduceți dumneavoastră" in incidents
    assert "două săptămâni" not in incidents  # what it says is read on its own page
    r5 = head.locator("section", has_text="nu mai respectă R5").inner_text()
    assert "Sorina Bota — Mihai Rusu: lipsește experiența pentru violență domestică" in r5
    assert "propunere: înlocuirea coordonatorului" in r5
    assert check(head, "sef-acasa-incident-r5") == []

    head.get_by_role("link", name="Sorina Bota — Mihai Rusu").click()
    assert "R5 — experiența coordonatorului nu mai acoperă" in head.locator("main").inner_text()
    head.goto(f"{web.url}/spas")
    head.get_by_role("link", name="comunicare — Ion Rus").click()
    assert head.url.endswith(f"/incidente/{incident_id}")
    assert head.get_by_text("1. Identificarea problemei").count() >= 1  # the head leads it

    # the report to the employer (3.3), from the menu: each technician of the SPAS
    head.get_by_role("link", name="Raportul către angajator").click()
    assert head.url.endswith("/spas/raport")
    assert head.get_by_role("heading", name="Raportul către angajator").count() == 1
    assert "Tehnicieni:" in head.locator("main").inner_text()
    assert check(head, "sef-raport-angajator") == []

    # the coordinator it is about has no such home, nor sees it in theirs
    coordinator = open_page(DESKTOP)
    sign_in(coordinator, web.url, "asistent.cluj", "/spas")
    assert coordinator.url.endswith("/acasa")


def test_a_technician_transferred_in_shows_that_their_former_spas_contracts_are_not_read(
    web, open_page
):
    maria = web.user("tehnician.floresti")["sub"]  # under contract in Florești
    moved = web.as_("judet").post(
        f"{web.url}/staff/{maria}/transfer", json={"municipality": "57887"}
    )
    assert moved.status_code == 200, moved.text
    head = open_page(DESKTOP)
    sign_in(head, web.url, "sef.gilau")
    assert "Are contracte și la alt SPAS" in _row(head, "Maria Cristea")
    assert "Andrei Moldovan" in head.locator("main").inner_text()  # the rest of the page stands
