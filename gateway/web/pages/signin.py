"""Signing in and out, the language, and the home page each role starts on.

``make run`` signs in against the gateway's local issuer (the demo users);
a county signs in with its identity provider (``gateway.web.oidc``). Either
way the session keeps the access token, which every page verifies again.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import UTC, datetime

import jwt
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from events.vocabulary import LANGUAGES
from gateway.problems import Problem
from gateway.web.oidc import PENDING_COOKIE, PENDING_SECONDS, SignInRefused
from gateway.web.page import Page, PageTable
from gateway.web.sessions import Session

log = logging.getLogger(__name__)
pages = PageTable()
SIGN_IN_COOKIE = "coordonare_intrare"  # the sign-in form's CSRF nonce, before any session
HOMES = {"technician": "/azi", "social_worker": "/acasa", "spas_head": "/spas"}


def safe_next(target: str | None) -> str:
    """Only a path of this site: never another site (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@pages.get("/intrare", public=True)
def sign_in_form(page: Page) -> Response:
    return _sign_in_page(page)


def _sign_in_page(page: Page, status: int = 200, error: str = "") -> Response:
    nonce = secrets.token_urlsafe(24)
    response = page.render(
        "signin.html",
        status=status,
        nonce=nonce,
        next=safe_next(page.request.values.get("next")),
        error=error,
        local=page.gateway.issuer is not None,
        oidc=page.app.oidc is not None,
        username=page.request.form.get("username", ""),
    )
    page.app.set_cookie(response, page.request, SIGN_IN_COOKIE, nonce, 15 * 60)
    return response


@pages.post("/intrare", public=True)
def sign_in(page: Page) -> Response:
    _ = page.gettext
    form = page.request.form
    given, expected = form.get("nonce", ""), page.request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return _sign_in_page(page, 403, _("Formularul a expirat; încercați din nou."))
    issuer = page.gateway.issuer
    if issuer is None:
        return _sign_in_page(page, 404, _("Intrați cu contul județului."))
    username, password = form.get("username", "").strip(), form.get("password", "")
    if not username or not password:
        return _sign_in_page(page, 422, _("Scrieți utilizatorul și parola."))
    try:
        address = page.gateway.throttle.client_address(
            page.request.remote_addr, page.request.headers.get("X-Forwarded-For")
        )
        page.gateway.throttle.sign_in(address, username)
        token = issuer.token(username, password)["access_token"]
    except Problem as problem:
        if problem.status == 429:
            return _sign_in_page(page, 429, _("Prea multe încercări; așteptați un minut."))
        return _sign_in_page(page, 401, _("Utilizator sau parolă greșite."))
    user = issuer.users[username]
    return open_session(page, token, user.name or username)


@pages.get("/intrare/judet", public=True)
def county_sign_in(page: Page) -> Response:
    """To the county's identity provider; it sends the person back to
    ``county_callback``."""
    provider = page.app.oidc
    if provider is None:
        return _sign_in_page(page, 404, page.gettext("Intrați cu utilizatorul și parola."))
    url, kept = provider.start(safe_next(page.request.args.get("next")), page.request.host_url)
    response = redirect(url, 303)
    page.app.set_cookie(response, page.request, PENDING_COOKIE, kept, PENDING_SECONDS)
    return response


@pages.get("/intrare/judet/raspuns", public=True)
def county_callback(page: Page) -> Response:
    provider = page.app.oidc
    _ = page.gettext
    if provider is None:
        return _sign_in_page(page, 404, _("Intrați cu utilizatorul și parola."))
    pending = provider.pending(page.request.cookies.get(PENDING_COOKIE))
    try:
        token, name = provider.finish(dict(page.request.args.items()), pending)
        page.gateway.verifier.principal(f"Bearer {token}")
    except (SignInRefused, Problem) as refused:
        log.warning("county sign-in refused: %s", refused)  # why, for the operator only
        response = _sign_in_page(
            page, 403, _("Intrarea cu contul județului nu a reușit; încercați din nou.")
        )
        response.delete_cookie(PENDING_COOKIE, path="/")
        return response
    assert pending is not None
    response = open_session(page, token, name, pending.next)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


def open_session(page: Page, token: str, name: str, next_path: str | None = None) -> Response:
    """A session for a token just obtained, then the page asked for."""
    page.gateway.verifier.principal(f"Bearer {token}")  # believed as the API would
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    session = page.sessions.open(token, name, datetime.fromtimestamp(expires, UTC))
    back = next_path if next_path is not None else page.request.values.get("next")
    response = redirect(safe_next(back), 303)
    page.app.set_cookie(response, page.request, "coordonare_sesiune", session.id, None)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


@pages.post("/iesire")
def sign_out(page: Page) -> Response:
    assert isinstance(page.session, Session)
    page.sessions.close(page.session.id)
    response = redirect("/intrare", 303)
    response.delete_cookie("coordonare_sesiune", path="/")
    return response


@pages.post("/limba", public=True)
def choose_language(page: Page) -> Response:
    chosen = page.request.form.get("limba", "")
    response = redirect(safe_next(page.request.form.get("next")), 303)
    if chosen in LANGUAGES:
        page.app.set_cookie(response, page.request, "coordonare_limba", chosen, 365 * 86400)
    return response


@pages.get("/")
def home(page: Page) -> Response:
    assert page.who is not None
    target = HOMES.get(page.who.role)
    if target is not None:
        return redirect(target, 303)
    return page.render("home_other.html")
