"""What a page handler is given and how pages are declared.

A page is a function of a ``Page`` (the request, the signed-in person, their
session) answering a ``Response``. Pages reach the services only through
``Page.call`` and ``Page.act``, which go through the API's own checks
(``Gateway.perform``): the web app never decides scope by itself.

Every form posts to the address of the page that shows it, so that a person
whose session expired comes back, after signing in, to the same page with
what they typed (``Page.values``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from gateway.api import Gateway
from gateway.auth import Principal
from gateway.problems import Problem
from gateway.web.i18n import environment, gettext_of
from gateway.web.oidc import CountyProvider
from gateway.web.refusals import Refusal, explain
from gateway.web.sessions import Session, SessionStore


class Site(Protocol):
    """What a page asks of the web app serving it: its cookies, and the
    county's identity provider when one is configured."""

    oidc: CountyProvider | None

    def set_cookie(
        self, response: Response, request: Request, name: str, value: str, max_age: int | None
    ) -> None: ...


Handler = Callable[["Page"], Response]
# a query of ``Page.answers``: operation id, path values, query values
Query = tuple[str, dict[str, Any] | None, dict[str, Any]]


@dataclass(frozen=True)
class PageRule:
    path: str  # werkzeug syntax: /cazuri/<uuid:case_id>
    methods: tuple[str, ...]
    handler: Handler
    public: bool = False  # shown without a session (signing in)


class PageTable:
    """The pages of one module, declared with ``@pages.get(...)`` and
    ``@pages.post(...)``."""

    def __init__(self) -> None:
        self.rules: list[PageRule] = []

    def get(self, path: str, *, public: bool = False) -> Callable[[Handler], Handler]:
        return self._add(path, ("GET",), public)

    def post(self, path: str, *, public: bool = False) -> Callable[[Handler], Handler]:
        return self._add(path, ("POST",), public)

    def _add(
        self, path: str, methods: tuple[str, ...], public: bool
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.rules.append(PageRule(path, methods, handler, public))
            return handler

        return register


def url_map(tables: list[PageTable]) -> Map:
    return Map(
        [
            Rule(r.path, methods=list(r.methods), endpoint=r)
            for table in tables
            for r in table.rules
        ],
        strict_slashes=False,
        merge_slashes=False,
    )


@dataclass
class Page:
    request: Request
    args: dict[str, Any]  # the path's values
    language: str
    gateway: Gateway
    sessions: SessionStore
    app: Site
    who: Principal | None = None
    session: Session | None = None
    kept: MultiDict | None = None  # a draft kept over signing in again
    headers: dict[str, str] = field(default_factory=dict)

    # -- the services, through the API's checks ------------------------------------
    def call(self, operation_id: str, path: dict[str, Any] | None = None, **values: Any) -> Any:
        """A query (or a command needing no protection against repeats)."""
        assert self.who is not None
        return self.gateway.perform(operation_id, self.who, _text(path), values)

    def answers(self, *queries: Query) -> list[Any]:
        """Several queries sent together, each through the same checks as
        ``call``: the page waits for the slowest, not for their sum. The
        answers in order, a refused query's ``Problem`` in its place."""
        assert self.who is not None
        waiting: list[Callable[[], Any] | Problem] = []
        for operation_id, path, values in queries:
            try:
                waiting.append(self.gateway.begin(operation_id, self.who, _text(path), values))
            except Problem as problem:
                waiting.append(problem)
        answers: list[Any] = []
        for wait in waiting:  # every answer awaited, even after a refusal
            try:
                answers.append(wait if isinstance(wait, Problem) else wait())
            except Problem as problem:
                answers.append(problem)
        return answers

    def call_together(self, *queries: Query) -> list[Any]:
        """``answers``, the first refusal raised as ``call`` would raise it."""
        answers = self.answers(*queries)
        for answer in answers:
            if isinstance(answer, Problem):
                raise answer
        return answers

    def act(self, operation_id: str, path: dict[str, Any] | None, values: dict[str, Any]) -> Any:
        """A command from a form: the form's id makes a repeated post (a double
        click, a resend over a weak signal) act once."""
        assert self.who is not None
        key = self.request.form.get("form_id") or None
        return self.gateway.perform(operation_id, self.who, _text(path), values, key=key)

    def explain(self, problem: Problem, operation_id: str = "") -> Refusal:
        """The refusal in the person's language, naming the rule."""
        return explain(problem, operation_id, self.gettext)

    # -- what the person typed ------------------------------------------------------
    @property
    def values(self) -> MultiDict:
        """The form as posted, or as kept over signing in again, or empty."""
        if self.request.method == "POST":
            return self.request.form
        return self.kept if self.kept is not None else MultiDict()

    # -- answers --------------------------------------------------------------------------
    @property
    def gettext(self) -> Callable[[str], str]:
        return gettext_of(self.language)

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        """The template with what every page shows; ``context`` may replace
        any of it (``values``, ``errors``…)."""
        messages = self.sessions.take_flash(self.session) if self.session else []
        shown: dict[str, Any] = {
            "who": self.who,
            "name": self.session.name if self.session else "",
            "csrf": self.session.csrf if self.session else "",
            "form_id": str(uuid.uuid4()),
            "values": self.values,
            "errors": {},
            "messages": messages,
            "path": self.request.path,
        }
        html = environment(self.language).get_template(template).render(shown | context)
        return Response(html, status=status, mimetype="text/html")

    def redirect(self, location: str, message: str | None = None) -> Response:
        """303 to ``location`` (after a form: the browser GETs it), with a
        message shown there once."""
        if message and self.session is not None:
            self.sessions.say(self.session, message)
        return redirect(location, 303)


def _text(path: dict[str, Any] | None) -> dict[str, str]:
    return {k: str(v) for k, v in (path or {}).items()}
