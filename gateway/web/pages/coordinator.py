"""The coordinator's (social worker's) home and validation queue.

The home page gathers what cannot wait: open urgent risks with the time
left before they escalate (refreshed by htmx without a reload), the
documents waiting for validation, the overdue ones, and the contracts whose
month is still below the 40 hours of R6.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from werkzeug.wrappers import Response

from events.clock import local_today
from gateway.paging import page as page_of
from gateway.paging import read_page_args
from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.listing import items_of, refused_for_scope

pages = PageTable()
SHOWN_ON_HOME = 10  # the home page shows the first few; the lists page through the rest
REQUIRED_HOURS = 40  # R6, when a contract does not say


# -- pure helpers (unit-tested) ---------------------------------------------------------
def escalation_at(risk: dict[str, Any]) -> datetime:
    """When an unacknowledged urgent risk escalates: its report plus the
    hours the guide gives for its category."""
    reported = datetime.fromisoformat(risk["reported_at"])
    if reported.tzinfo is None:
        reported = reported.replace(tzinfo=UTC)
    return reported + timedelta(hours=int(risk.get("deadline_hours") or 0))


def time_left(until: datetime, now: datetime) -> tuple[str, bool]:
    """The time left as app.js writes it ("2 h 5 min"), and whether it is past;
    the server writes it too so that a page without JS says it."""
    seconds = (until - now).total_seconds()
    late = seconds < 0
    minutes_total = int(abs(seconds) // 60)
    hours, minutes = divmod(minutes_total, 60)
    text = (f"{hours} h " if hours else "") + f"{minutes} min"
    return text, late


def current_month(today: date) -> str:
    return f"{today.year:04d}-{today.month:02d}"


def lines(text: str) -> list[str]:
    """A textarea with one item a line, as a list without blanks."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- the home page --------------------------------------------------------------------
@pages.get("/acasa")
def home(page: Page) -> Response:
    assert page.who is not None
    queue, overdue, risks, hours = (  # sent together: the page waits for the slowest
        _listed(answer)
        for answer in page.answers(
            ("cases.validation_queue", None, {}),
            ("cases.overdue_documents", None, {}),
            ("cases.urgent_risks", None, {"open_only": True}),
            # R6: the coordinator's contracts below their hours this month (their own only)
            (
                "coordination.hours_of_coordinator",
                {"coordinator_id": page.who.id},
                {"month": current_month(local_today()), "below_only": True},
            ),
        )
    )
    return page.render(
        "coordinator/home.html", w=words,
        alerts=_alerts_of(risks),
        queue=queue[:SHOWN_ON_HOME],
        queue_total=len(queue),
        overdue=overdue[:SHOWN_ON_HOME],
        overdue_total=len(overdue),
        hours=hours,
    )


@pages.get("/acasa/alerte")
def alerts_fragment(page: Page) -> Response:
    """The alerts alone, for htmx to swap in every two seconds."""
    return page.render("coordinator/_alerts.html", w=words, alerts=_alerts(page))


def _alerts(page: Page) -> list[dict[str, Any]]:
    return _alerts_of(_quietly(page, "cases.urgent_risks", open_only=True))


def _alerts_of(risks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    shown = []
    for risk in risks:
        until = escalation_at(risk)
        text, late = time_left(until, now)
        shown.append(risk | {"escalates_at": until.isoformat(), "left": text, "late": late})
    return sorted(shown, key=lambda r: r["escalates_at"])


def _quietly(
    page: Page, operation_id: str, path: dict[str, Any] | None = None, **args: Any
) -> list[dict[str, Any]]:
    """A list for the home page; a part the person may not see stays empty
    rather than hiding the rest."""
    try:
        answer = page.call(operation_id, path, **args)
    except Problem as problem:
        answer = problem
    return _listed(answer)


def _listed(answer: Any) -> list[dict[str, Any]]:
    """An answer as a list; a refusal for scope as an empty one (``_quietly``)."""
    return [] if refused_for_scope(answer) else items_of(answer)


# -- the validation queue -------------------------------------------------------------
@pages.get("/validare")
def queue(page: Page) -> Response:
    args = dict(page.request.args)
    limit, offset = read_page_args(args)
    body, _ = page_of(_quietly(page, "cases.validation_queue"), limit, offset, "/validare", args)
    return page.render("coordinator/queue.html", w=words, queue=body["items"], total=body["total"],
                       next_cursor=body["next_cursor"], limit=limit)


@pages.get("/validare/<uuid:document_id>")
def document(page: Page) -> Response:
    return _document_page(page)


@pages.post("/validare/<uuid:document_id>")
def decide_document(page: Page) -> Response:
    _ = page.gettext
    form = page.request.form
    path = {"document_id": page.args["document_id"]}
    values: dict[str, str | None]
    if form.get("act") == "returneaza":
        operation, values = "cases.return_document", {"comments": form.get("comments", "").strip()}
        if not values["comments"]:
            return _document_page(
                page, 422, errors={"comments": _("Scrieți ce trebuie schimbat.")}
            )
        said = _("Documentul a fost returnat tehnicianului.")
    else:
        completions = form.get("completions", "").strip()
        operation, values = "cases.validate_document", {"completions": completions or None}
        said = _("Documentul a fost validat.")
    try:
        page.act(operation, path, values)
    except Problem as problem:
        if problem.status in (401, 404):
            raise
        refusal = page.explain(problem, operation)
        field = refusal.field or ("comments" if operation.endswith("return_document") else "")
        errors = {field: refusal.message} if field else {}
        return _document_page(page, problem.status, errors=errors, refusal=refusal)
    return page.redirect("/validare", said)


def _document_page(page: Page, status: int = 200, **context: Any) -> Response:
    doc = page.call("cases.get_document", {"document_id": page.args["document_id"]})
    versions = doc.get("versions") or []
    current = versions[-1] if versions else None
    previous = versions[-2] if len(versions) > 1 else None
    return page.render(
        "coordinator/document.html", w=words,
        status=status,
        doc=doc,
        current=current,
        previous=previous,
        returns=doc.get("returns") or [],
        **context,
    )
