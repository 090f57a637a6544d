"""Sessions as a person lives them, in Chromium: the cookie a sign-in
leaves, signing out, and what they typed surviving an expired session.
(Signing in with the county's account: ``test_sessions_county.py``, a
county of its own: two counties must not run at once on the run's vhost.)"""

from __future__ import annotations

import pytest

from tests.support.browser import check, sign_in

SESSION_COOKIE = "coordonare_sesiune"


def test_the_session_cookie_is_out_of_scripts_reach_and_ends_with_signing_out(web, open_page):
    page = open_page()
    sign_in(page, web.url, "sef.cluj")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies[SESSION_COOKIE]
    assert session["httpOnly"] and session["sameSite"] == "Lax" and session["path"] == "/"
    assert page.evaluate("() => document.cookie") == ""  # no cookie a script could read
    page.get_by_role("button", name="Ieșire").click()
    assert "/intrare" in page.url
    # the old cookie, put back (a copy someone kept), opens nothing: the session is gone
    page.context.add_cookies([session])
    page.goto(f"{web.url}/")
    assert "/intrare" in page.url


def test_what_was_typed_survives_an_expired_session(web, open_page):
    case_id = web.seeded["walkthrough"]["case_id"]
    path = f"/cazuri/{case_id}/monitorizare"
    page = open_page()
    sign_in(page, web.url, "asistent.cluj")
    answer = page.goto(f"{web.url}{path}")
    if answer is None or answer.status == 404:
        pytest.skip("the coordinator's case pages are not in this branch")
    typed = "Familia a cerut amânarea; revin joi la ora 10."
    page.get_by_label("Notă (opțional)").fill(typed)
    session = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    page.context.add_cookies([session | {"value": "o-sesiune-care-a-expirat"}])
    page.get_by_role("button", name="Începe monitorizarea").click()
    assert "/intrare" in page.url  # signed out meanwhile: sign in again
    page.get_by_label("Utilizator").fill("asistent.cluj")
    page.get_by_label("Parolă").fill("demo-asistent.cluj")
    page.get_by_role("button", name="Intrare").click()
    page.wait_for_load_state()
    assert page.url == f"{web.url}{path}"
    assert page.get_by_label("Notă (opțional)").input_value() == typed
    assert check(page, "ciorna-pastrata") == []
