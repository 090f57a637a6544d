"""Signing in to the web app with the county's identity provider: OpenID
Connect, authorization code with PKCE (S256), state and nonce, against a
stand-in provider (``oidc_stand_in``). The gateway verifies the provider's
access tokens with its JWKS, as in production."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.integration.oidc_stand_in import county_with_provider
from tests.support.web_county import WebCounty

SESSION_COOKIE, PENDING_COOKIE = "coordonare_sesiune", "coordonare_oidc"


@dataclass
class World:
    web: WebCounty
    provider: str


@pytest.fixture(scope="module")
def world(amqp_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with county_with_provider(amqp_uri, tmp_path_factory.mktemp("oidc")) as (web, issuer):
        yield World(web, issuer)


def start(world: World, browser: requests.Session, next_path: str = "/") -> dict[str, str]:
    """To the provider and back with a code; the callback's arguments."""
    answer = browser.get(
        f"{world.web.url}/intrare/judet", params={"next": next_path}, allow_redirects=False
    )
    assert answer.status_code == 303
    authorize = answer.headers["Location"]
    assert authorize.startswith(f"{world.provider}/oauth2/authorize?")
    cookie = next(c for c in browser.cookies if c.name == PENDING_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert asked["code_challenge_method"] == "S256"
    assert {"state", "nonce", "code_challenge"} <= asked.keys()
    assert set(asked) <= {
        "response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
        "code_challenge", "code_challenge_method",
    }  # nothing of ours beyond what the protocol needs
    return asked


def consent(world: World, browser: requests.Session, asked: dict[str, str], sub: str) -> str:
    """The person signs in at the provider: the callback URL it sends them to."""
    answer = browser.post(
        f"{world.provider}/oauth2/authorize", params=asked, data={"sub": sub},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    assert back.startswith(f"{world.web.url}/intrare/judet/raspuns?")
    return back


def has_session(browser: requests.Session) -> bool:
    return any(c.name == SESSION_COOKIE for c in browser.cookies)


def test_a_technician_signs_in_with_the_county_account_and_lands_on_today(world):
    browser = requests.Session()
    page = browser.get(f"{world.web.url}/intrare")
    assert 'href="/intrare/judet' in page.text  # the county's button is offered
    asked = start(world, browser)
    back = consent(world, browser, asked, "tehnician.cluj")
    answer = browser.get(back, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    assert has_session(browser)
    home = browser.get(f"{world.web.url}/", allow_redirects=False)
    assert home.status_code == 303 and home.headers["Location"] == "/azi"

    # the PKCE verifier was sent with the code, and it is the challenge's
    recorded = requests.get(f"{world.provider}/recorded", timeout=10).json()
    token_request = [r for r in recorded if r["path"] == "/oauth2/token"][-1]
    digest = hashlib.sha256(token_request["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    assert token_request["code"] == parse_qs(urlsplit(back).query)["code"][0]


def test_the_page_asked_for_is_the_one_reached(world):
    browser = requests.Session()
    asked = start(world, browser, "/acasa?luna=2026-11")
    back = consent(world, browser, asked, "asistent.cluj")
    answer = browser.get(back, allow_redirects=False)
    assert answer.headers["Location"] == "/acasa?luna=2026-11"


def test_a_forged_state_opens_no_session(world):
    browser = requests.Session()
    asked = start(world, browser)
    back = consent(world, browser, asked, "tehnician.cluj")
    forged = back.replace(f"state={asked['state']}", "state=forged")
    answer = browser.get(forged, allow_redirects=False)
    assert answer.status_code == 403
    assert "nu a reușit" in answer.text and not has_session(browser)
    # and the sign-in it interrupted cannot be finished afterwards either
    assert browser.get(back, allow_redirects=False).status_code == 403
    assert not has_session(browser)


def test_a_replayed_code_opens_no_session(world):
    victim = requests.Session()
    back = consent(world, victim, start(world, victim), "tehnician.cluj")
    assert victim.get(back, allow_redirects=False).status_code == 303
    # the same callback again, in the same browser: the sign-in was used
    again = requests.Session()
    again.cookies.update({c.name: c.value for c in victim.cookies if c.name == PENDING_COOKIE})
    assert again.get(back, allow_redirects=False).status_code == 403
    # an attacker's own sign-in, carrying the victim's used code
    attacker = requests.Session()
    asked = start(world, attacker)
    code = parse_qs(urlsplit(back).query)["code"][0]
    replay = f"{world.web.url}/intrare/judet/raspuns?code={code}&state={asked['state']}"
    answer = attacker.get(replay, allow_redirects=False)
    assert answer.status_code == 403 and not has_session(attacker)


def test_a_callback_without_a_started_sign_in_opens_no_session(world):
    browser = requests.Session()
    answer = browser.get(
        f"{world.web.url}/intrare/judet/raspuns?code=x&state=y", allow_redirects=False
    )
    assert answer.status_code == 403 and not has_session(browser)


def test_a_person_without_a_coordonare_role_is_refused(world):
    browser = requests.Session()
    back = consent(world, browser, start(world, browser), "fara.rol")
    answer = browser.get(back, allow_redirects=False)
    assert answer.status_code == 403 and not has_session(browser)
