"""Signing in and out of the web app, as a new user would."""

from __future__ import annotations

from tests.support.browser import check, sign_in


def test_a_technician_signs_in_on_a_phone_and_out_again(web, open_page):
    page = open_page()
    page.goto(f"{web.url}/")
    assert "/intrare" in page.url  # no session: the sign-in page first
    assert check(page, "intrare") == []
    sign_in(page, web.url, "tehnician.cluj")
    assert "/azi" in page.url
    page.get_by_role("button", name="Ieșire").click()
    assert "/intrare" in page.url
    page.goto(f"{web.url}/azi")
    assert "/intrare" in page.url  # signed out: the session is gone


def test_a_wrong_password_is_told_in_romanian_and_the_username_kept(web, open_page):
    page = open_page()
    page.goto(f"{web.url}/intrare")
    page.get_by_label("Utilizator").fill("tehnician.cluj")
    page.get_by_label("Parolă").fill("greșită")
    page.get_by_role("button", name="Intrare").click()
    assert page.get_by_role("alert").inner_text() == "Utilizator sau parolă greșite."
    assert page.get_by_label("Utilizator").input_value() == "tehnician.cluj"
