"""Documents the technician drafts, revises and submits (R3: the
coordinator validates them). A returned document shows the coordinator's
comments beside its text. The form is checked here only for what a person
would get wrong (an empty text, a missing date); the service checks it all
again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from events.vocabulary.cases import PROGRESS_SECTIONS
from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.cases import COUNTY_TIME, this_month
from gateway.web.pages.listing import refused, show

pages = PageTable()
DATED = ("visit_report", "observation_sheet", "phone_note")  # need occurred_at
SECTIONS = ("progres", "dificultati", "recomandari")  # the monthly report's (2.3, 3.2 E)
SECTION_TITLES = {
    "progres": "Progres",
    "dificultati": "Dificultăți",
    "recomandari": "Recomandări",
}
# the form's field -> the report's section, as the cases service names it
SECTION_OF = dict(zip(SECTIONS, PROGRESS_SECTIONS, strict=True))


def local_moment(text: str) -> str | None:
    """A datetime-local field (2026-11-30T10:15) as ISO 8601 in the county's
    time zone, or None when it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COUNTY_TIME)
    return moment.isoformat()


def content_of(kind: str, form: MultiDict, _: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The document's content from the form, and the errors at its fields.
    The progress report is its three sections (2.3); the service counts its
    figures."""
    errors: dict[str, str] = {}
    if kind == "progress_report":
        written = {s: form.get(s, "").strip() for s in SECTIONS}
        for field, text in written.items():
            if not text:
                errors[field] = _("Scrieți această secțiune.")
        return {SECTION_OF[f]: t for f, t in written.items()}, errors
    text = form.get("text", "").strip()
    if not text:
        errors["text"] = _("Scrieți textul documentului.")
    return {"text": text}, errors


def draft_command(form: MultiDict, _: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The draft_document command from the new-document form."""
    kind = form.get("kind", "")
    if kind not in words.DOCUMENT_KINDS:
        return {}, {"kind": _("Alegeți felul documentului.")}
    content, errors = content_of(kind, form, _)
    command: dict[str, Any] = {"kind": kind, "content": content}
    command["beneficiary_signature"] = "self" if form.get("semnat") == "da" else "none"
    if kind in DATED:
        moment = local_moment(form.get("occurred_at", ""))
        if moment is None:
            errors["occurred_at"] = _("Scrieți data și ora (zz.ll.aaaa, oo:mm).")
        else:
            command["occurred_at"] = moment
    if kind == "progress_report":
        command["period"] = form.get("period", "").strip() or this_month()
    return command, errors


def _form(page: Page, template: str, status: int = 200, **context: Any) -> Response:
    kinds = [(k, page.gettext(v)) for k, v in words.DOCUMENT_KINDS.items()]
    return show(page, template, status, kinds=kinds, sections=SECTION_TITLES, **context)


@pages.get("/cazuri/<uuid:case_id>/documente/nou")
def new_document(page: Page) -> Response:
    case = page.call("cases.get_case", {"case_id": str(page.args["case_id"])})
    values = MultiDict(page.values)
    values.setdefault("kind", page.request.args.get("fel", "visit_report"))
    asked = page.request.args.get("luna", "")
    values.setdefault("period", asked if local_moment(f"{asked}-01") else this_month())
    return _form(page, "documents/new.html", case=case, values=values)


@pages.post("/cazuri/<uuid:case_id>/documente/nou")
def draft_document(page: Page) -> Response:
    case_id = str(page.args["case_id"])
    case = page.call("cases.get_case", {"case_id": case_id})
    command, errors = draft_command(page.values, page.gettext)
    if errors:
        return _form(page, "documents/new.html", 422, case=case, errors=errors)
    try:
        answer = page.act("cases.draft_document", {"case_id": case_id}, command)
    except Problem as problem:
        status, shown = refused(page, problem, "cases.draft_document", "text")
        return _form(page, "documents/new.html", status, case=case, **shown)
    return page.redirect(
        f"/documente/{answer['document_id']}",
        page.gettext("Documentul a fost salvat ca ciornă. Trimiteți-l când e gata."),
    )


def _document(page: Page) -> dict[str, Any]:
    return page.call("cases.get_document", {"document_id": str(page.args["document_id"])})


def revise_values(document: dict[str, Any]) -> MultiDict:
    """The revise form filled with the latest version."""
    content = document["versions"][-1]["content"] if document.get("versions") else {}
    values = MultiDict({"text": content.get("text") or ""})
    for field, section in SECTION_OF.items():
        if content.get(section):
            values[field] = content[section]
    return values


def _may_change(page: Page, document: dict[str, Any]) -> bool:
    assert page.who is not None
    return document["status"] in ("drafted", "returned") and document["author_id"] == str(
        page.who.id
    )


@pages.get("/documente/<uuid:document_id>")
def document_page(page: Page) -> Response:
    document = _document(page)
    values = page.values if page.kept is not None else revise_values(document)
    return _form(
        page,
        "documents/view.html",
        document=document,
        values=values,
        may_change=_may_change(page, document),
    )


# a returned document is revised first; only a draft is submitted (the service's rule)
@pages.post("/documente/<uuid:document_id>")
def revise_document(page: Page) -> Response:
    document = _document(page)
    content, errors = content_of(document["kind"], page.values, page.gettext)
    status, shown = 422, {"errors": errors}
    if not errors:
        signature = "self" if page.values.get("semnat") == "da" else "none"
        try:
            page.act(
                "cases.revise_document",
                {"document_id": document["document_id"]},
                {"content": content, "beneficiary_signature": signature},
            )
            return page.redirect(
                f"/documente/{document['document_id']}",
                page.gettext("Versiunea nouă a fost salvată."),
            )
        except Problem as problem:
            status, shown = refused(page, problem, "cases.revise_document", "text")
    return _form(
        page, "documents/view.html", status, document=document,
        may_change=_may_change(page, document), **shown,
    )


@pages.get("/documente/<uuid:document_id>/trimite")
def confirm_submit(page: Page) -> Response:
    return _form(page, "documents/submit.html", document=_document(page))


@pages.post("/documente/<uuid:document_id>/trimite")
def submit_document(page: Page) -> Response:
    document = _document(page)
    try:
        page.act("cases.submit_document", {"document_id": document["document_id"]}, {})
    except Problem as problem:
        status, shown = refused(page, problem, "cases.submit_document")
        return _form(page, "documents/submit.html", status, document=document, **shown)
    return page.redirect(
        f"/cazuri/{document['case_id']}",
        page.gettext("Documentul a fost trimis coordonatorului pentru validare."),
    )
