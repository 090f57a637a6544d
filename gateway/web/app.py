"""The web app: the gateway's pages for people, on the API's origin.

One request: match a page (else it is the API's) → session → CSRF → the
page → security headers. Pages live in one module per part
(``gateway/web/pages/``); each declares its addresses in a ``PageTable``.

Security on every page: a Content-Security-Policy without inline script,
no framing, ``nosniff``, no referrer, and ``Cache-Control: no-store`` (a
page may show personal data, which no browser cache keeps). A form is
accepted only from this origin, with its session's CSRF token; a form whose
session expired is kept (``sessions.SessionStore.keep_draft``) and offered
back after signing in, and changes nothing meanwhile.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request, Response

from events.vocabulary import LANGUAGES
from gateway import metrics
from gateway.api import SECURITY_HEADERS, Gateway
from gateway.problems import Problem
from gateway.web.i18n import DEFAULT, environment
from gateway.web.oidc import CountyProvider
from gateway.web.page import Page, PageRule, PageTable, url_map
from gateway.web.sessions import SessionStore

log = logging.getLogger(__name__)


def N_(text: str) -> str:
    """A text the error page translates (``_(message)``): marked for the
    catalogue here, translated there."""
    return text


HERE = Path(__file__).parent
STATIC = HERE / "static"
# front-end packages, installed from the npm registry (package.json) by `make setup`
VENDOR = {
    "htmx.min.js": HERE / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
}

SESSION_COOKIE = "coordonare_sesiune"
LANGUAGE_COOKIE = "coordonare_limba"
DRAFT_COOKIE = "coordonare_ciorna"

PAGE_HEADERS = SECURITY_HEADERS | {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


STATIC_PAGES = PageTable()
STATIC_PAGES.get("/static/<path:name>", public=True)(lambda page: Response(status=404))


@dataclass(frozen=True)
class WebSettings:
    # cookies only over TLS: "auto" when the request came over https (or the
    # trusted proxy says so), else "on"/"off"
    secure_cookies: str = "auto"

    @classmethod
    def from_env(cls) -> WebSettings:
        return cls(secure_cookies=os.environ.get("WEB_SECURE_COOKIES", "auto"))


class WebApp:
    def __init__(
        self, tables: list[PageTable], sessions: SessionStore, settings: WebSettings
    ) -> None:
        self.urls = url_map([*tables, STATIC_PAGES])
        self.sessions, self.settings = sessions, settings
        self.oidc: CountyProvider | None = None  # the county's, when configured

    def handle(self, request: Request, gateway: Gateway) -> Response | None:
        """The page's answer, or None when the path is none of the app's (the
        API answers it)."""
        started = time.perf_counter()
        adapter = self.urls.bind_to_environ(request.environ)
        try:
            rule, args = adapter.match(return_rule=True)
        except NotFound:
            return None
        except MethodNotAllowed:
            response = self._error(request, 405, N_("Metoda nu este permisă aici."))
            return self._secured(request, response, "unmatched page", started)
        page_rule: PageRule = rule.endpoint
        response = self._serve(page_rule, dict(args), request, gateway)
        return self._secured(request, response, page_rule.path, started)

    def _secured(
        self, request: Request, response: Response, template: str, started: float
    ) -> Response:
        if not response.headers.get("Cache-Control", "").startswith("public"):
            response.headers.update(PAGE_HEADERS)
        else:
            response.headers.update({k: v for k, v in PAGE_HEADERS.items() if k != "Cache-Control"})
        metrics.observe(request.method, template, response.status_code, started)
        return response

    # -- one page --------------------------------------------------------------------------
    def _serve(
        self, rule: PageRule, args: dict[str, Any], request: Request, gateway: Gateway
    ) -> Response:
        if rule.path.startswith("/static/"):
            return self._static(request, args["name"])
        page = Page(request, args, self._language(request), gateway, self.sessions, self)
        if request.method == "POST" and not self._same_origin(request):
            return self._error(
                request, 403, N_("Formularul nu a fost trimis din această aplicație.")
            )
        if not rule.public:
            refused = self._sign_in_first(page)
            if refused is not None:
                return refused
            if request.method == "POST" and not self._csrf_ok(page):
                return self._error(
                    request,
                    403,
                    N_(
                        "Formularul a expirat. Reîncărcați pagina și trimiteți-l din nou; "
                        "nu s-a schimbat nimic."
                    ),
                )
        try:
            response = rule.handler(page)
        except Problem as problem:
            response = self._problem(page, problem)
        except Exception:
            log.exception("page %s failed", request.path)
            response = self._error(request, 500, N_("A apărut o eroare; a fost consemnată."))
        for name, value in page.headers.items():
            response.headers[name] = value
        if page.kept is not None:
            response.delete_cookie(DRAFT_COOKIE, path="/")
        return response

    def _sign_in_first(self, page: Page) -> Response | None:
        """None when the page's session is alive (``page.who`` set); else the
        way to the sign-in page, keeping a posted form."""
        request = page.request
        session = self.sessions.find(request.cookies.get(SESSION_COOKIE))
        if session is not None:
            try:
                page.who = page.gateway.verifier.principal(f"Bearer {session.token}")
                page.session = session
            except Problem:  # the token expired before the session's row did
                self.sessions.close(session.id)
        if page.who is not None:
            if request.method == "GET":
                kept = self.sessions.take_draft(request.cookies.get(DRAFT_COOKIE), request.path)
                page.kept = MultiDict(kept) if kept is not None else None
            return None
        back = request.full_path.rstrip("?") if request.method == "GET" else request.path
        response = redirect(f"/intrare?next={quote(back)}", 303)
        if request.method == "POST":
            form = {k: v for k, v in request.form.lists() if k not in ("csrf", "form_id")}
            draft = self.sessions.keep_draft(request.path, form)
            self.set_cookie(response, request, DRAFT_COOKIE, draft, 30 * 60)
        return response

    @staticmethod
    def _csrf_ok(page: Page) -> bool:
        assert page.session is not None
        given = page.request.form.get("csrf", "")
        return hmac.compare_digest(given.encode(), page.session.csrf.encode())

    @staticmethod
    def _same_origin(request: Request) -> bool:
        """A form from another site is refused outright (with the session
        cookie's SameSite and the CSRF token, a third line)."""
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return False
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return origin is None
        return urlsplit(origin).netloc == request.host

    # -- answers -----------------------------------------------------------------------------
    def _problem(self, page: Page, problem: Problem) -> Response:
        if problem.status == 401:
            self.sessions.close(page.session.id if page.session else None)
            return redirect(f"/intrare?next={quote(page.request.path)}", 303)
        if problem.status == 404:
            return self._error(page.request, 404, N_("Pagina nu există sau nu o puteți vedea."))
        refusal = page.explain(problem)
        return page.render("error.html", status=problem.status, refusal=refusal)

    def _error(self, request: Request, status: int, message: str) -> Response:
        language = self._language(request)
        html = environment(language).get_template("error.html").render(
            status=status, message=message, who=None, messages=[], path=request.path
        )
        return Response(html, status=status, mimetype="text/html")

    def _static(self, request: Request, name: str) -> Response:
        if name.startswith("vendor/") and name[7:] in VENDOR:
            file = VENDOR[name[7:]]
            response = send_from_directory(file.parent, file.name, request.environ)
        else:
            response = send_from_directory(STATIC, name, request.environ)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    # -- cookies and language ------------------------------------------------------------------
    def _language(self, request: Request) -> str:
        chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT)
        return chosen if chosen in LANGUAGES else DEFAULT

    def secure(self, request: Request) -> bool:
        if self.settings.secure_cookies in ("on", "off"):
            return self.settings.secure_cookies == "on"
        return request.scheme == "https"

    def set_cookie(
        self, response: Response, request: Request, name: str, value: str, max_age: int | None
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self.secure(request),
        )
