"""The coordinator's work with a technician: delegating task sheets (only
the delegable types, with the autonomy and where it comes from), reassigning
and cancelling them; and each contract's coordination plan and journal with
the month's hours against the 40 of R6."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Response

from events.clock import local_today
from gateway.paging import page as page_of
from gateway.paging import read_page_args
from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable
from gateway.web.pages.coordinator import current_month, lines
from gateway.web.pages.listing import items_of, refused, staff_names
from gateway.web.words import (
    AUTONOMY,
    AUTONOMY_SOURCES,
    CHANNELS,
    CONTRACT_STATUSES,
    ENTRY_KINDS,
    PRIORITIES,
    SIGNING_PARTIES,
    TASK_TYPES,
    WITHDRAW_REASONS,
)

pages = PageTable()
LOCAL = ZoneInfo("Europe/Bucharest")  # what a person types is the county's time


def local_moment(typed: str) -> str | None:
    """A ``datetime-local`` field (no zone) as an ISO moment in the county's
    time; None when it is not one."""
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment.isoformat()


def whole_minutes(hours: str, minutes: str) -> int | None:
    """Hours and minutes as typed, in minutes; None when not numbers or zero."""
    try:
        total = int(hours or 0) * 60 + int(minutes or 0)
    except ValueError:
        return None
    return total if total > 0 else None


# -- task sheets ------------------------------------------------------------------------
@pages.get("/tehnicieni/<uuid:technician_id>/sarcini")
def tasks(page: Page) -> Response:
    return _tasks_page(page)


@pages.post("/tehnicieni/<uuid:technician_id>/sarcini")
def task_act(page: Page) -> Response:
    _ = page.gettext
    form, required = page.request.form, _("Completați acest câmp.")
    chosen = form.get("act", "")
    errors: dict[str, str] = {}
    if chosen in ("anuleaza", "reatribuie"):
        path = {"task_id": form.get("task_id", "")}
        values: dict[str, Any] = {"reason": form.get("reason", "").strip()}
        operation = "coordination.cancel_task"
        if chosen == "reatribuie":
            operation = "coordination.reassign_task"
            values["to_technician_id"] = form.get("to_technician_id", "")
            if not values["to_technician_id"]:
                errors["to_technician_id"] = required
        if not values["reason"]:
            errors["reason"] = required
    else:
        chosen, operation = "delegheaza", "coordination.delegate_task"
        path = {"technician_id": page.args["technician_id"]}
        values = {
            "task_type": form.get("task_type", ""),
            "instructions": form.get("instructions", "").strip(),
            "due_at": local_moment(form.get("due_at", "")),
            "priority": form.get("priority") or "normal",
        }
        if form.get("case_id", "").strip():
            values["case_id"] = form["case_id"].strip()
        errors = {k: required for k in ("task_type", "instructions", "due_at") if not values[k]}
    if errors:
        return _tasks_page(page, 422, errors=errors, chosen=chosen)
    try:
        page.act(operation, path, values)
    except Problem as problem:
        status, shown = refused(page, problem, operation)
        return _tasks_page(page, status, chosen=chosen, **shown)
    said = {
        "delegheaza": _("Sarcina a fost delegată."),
        "anuleaza": _("Sarcina a fost anulată."),
        "reatribuie": _("Sarcina a fost reatribuită."),
    }[chosen]
    return page.redirect(page.request.path, said)


def _tasks_page(page: Page, status: int = 200, **context: Any) -> Response:
    technician_id = str(page.args["technician_id"])
    technician = page.call("coordination.get_staff", {"staff_id": technician_id})
    delegable = page.call("coordination.delegable_tasks", {"technician_id": technician_id})
    args = dict(page.request.args)
    limit, offset = read_page_args(args)
    sheets = page.call(
        "coordination.tasks_of_technician", {"technician_id": technician_id}, open_only=True
    )
    sheets = items_of(sheets)
    body, _ = page_of(sheets, limit, offset, page.request.path, args)
    colleagues = page.call(
        "coordination.list_staff", municipality=technician["municipality"], role="technician"
    )
    colleagues = items_of(colleagues)
    return page.render(
        "coordinator/tasks.html", w=words, status=status, technician=technician,
        delegable=delegable,
        sheets=body["items"], next_cursor=body["next_cursor"], limit=limit,
        others=[(c["staff_id"], c["full_name"]) for c in colleagues
                if c["staff_id"] != technician_id],
        priorities=PRIORITIES, autonomy=AUTONOMY, task_types=TASK_TYPES, sources=AUTONOMY_SOURCES,
        **context,
    )


# -- a contract's plan and journal --------------------------------------------------------
@pages.get("/contracte/<uuid:contract_id>")
def contract(page: Page) -> Response:
    return _contract_page(page)


@pages.post("/contracte/<uuid:contract_id>")
def journal_entry(page: Page) -> Response:
    _ = page.gettext
    form, required = page.request.form, _("Completați acest câmp.")
    if form.get("act") == "withdraw":
        return _withdraw(page)
    if form.get("act") == "comment":
        return _comment(page)
    if form.get("act") == "sign":
        return _sign(page)
    minutes = whole_minutes(form.get("hours", ""), form.get("minutes", ""))
    values: dict[str, Any] = {
        "occurred_on": form.get("occurred_on", ""),
        "minutes": minutes,
        "channel": form.get("channel", ""),
        "kind": form.get("kind", ""),
        "situations": lines(form.get("situations", "")),
        "decisions": lines(form.get("decisions", "")),
        "recommendations": lines(form.get("recommendations", "")),
        # a feedback session's (E.3); the service refuses them on another kind
        "strengths": form.get("strengths", "").strip(),
        "improvements": form.get("improvements", "").strip(),
        "follow_ups": [
            {"action": action, "owner": "technician"} for action in lines(form.get("agreed", ""))
        ],
    }
    errors = {k: required for k in ("occurred_on", "channel", "kind") if not values[k]}
    if minutes is None:
        errors["hours"] = _("Scrieți durata în ore și minute.")
    if errors:
        return _contract_page(page, 422, errors=errors)
    path = {"contract_id": page.args["contract_id"]}
    said = _("Activitatea a fost trecută în jurnal.")
    return _acted(page, "coordination.record_journal_entry", path, values, said)


def _withdraw(page: Page) -> Response:
    """A mistaken entry withdrawn with its reason: it stays in the journal,
    marked, and no longer counts towards R6 (the service keeps both)."""
    _ = page.gettext
    form = page.request.form
    entry_id, reason = form.get("entry_id", ""), form.get("reason", "")
    month = form.get("month", "")
    if reason not in WITHDRAW_REASONS:
        errors = {f"reason-{entry_id}": _("Alegeți motivul retragerii.")}
        return _contract_page(page, 422, errors=errors)
    path = {"contract_id": page.args["contract_id"], "entry_id": entry_id}
    said = _("Înregistrarea a fost retrasă din jurnal.")
    values = {"month": month, "reason": reason}
    return _acted(page, "coordination.withdraw_journal_entry", path, values, said)


def _comment(page: Page) -> Response:
    """The technician's own view of a feedback session (E.3), added once."""
    _ = page.gettext
    form = page.request.form
    entry_id, comment = form.get("entry_id", ""), form.get("comment", "").strip()
    if not comment:
        errors = {f"comment-{entry_id}": _("Scrieți observațiile dumneavoastră.")}
        return _contract_page(page, 422, errors=errors)
    path = {"contract_id": page.args["contract_id"], "entry_id": entry_id}
    said = _("Observațiile au fost adăugate la sesiune.")
    values = {"month": form.get("month", ""), "comment": comment}
    return _acted(page, "coordination.comment_journal_entry", path, values, said)


def _sign(page: Page) -> Response:
    """A party's signature: the SPAS head's for the institution, the
    coordinator's for themselves; the second one puts the contract in force
    (the service checks R5 and that no other is in force again then)."""
    _ = page.gettext
    path = {"contract_id": page.args["contract_id"]}
    try:
        signed = page.act("coordination.sign_contract", path, {})
    except Problem as problem:
        status, shown = refused(page, problem, "coordination.sign_contract")
        return _contract_page(page, status, **shown)
    said = (
        _("Contractul a fost semnat și este în vigoare.") if signed.get("status") == "active"
        else _("Contractul a fost semnat. Așteaptă semnătura celeilalte părți.")
    )
    return page.redirect(page.request.path, said)


def _acted(
    page: Page, operation: str, path: dict[str, Any], values: dict[str, Any], said: str
) -> Response:
    """A journal command sent: back to the contract page with ``said``, or
    the page again with the service's refusal."""
    try:
        page.act(operation, path, values)
    except Problem as problem:
        status, shown = refused(page, problem, operation)
        return _contract_page(page, status, **shown)
    return page.redirect(page.request.path, said)


def _contract_page(page: Page, status: int = 200, **context: Any) -> Response:
    path = {"contract_id": str(page.args["contract_id"])}
    found = page.call("coordination.get_contract", path)
    # the parties named, as whoever signs must know whom they bind
    names = staff_names(page, {found["technician_id"], found["coordinator_id"]})
    month = page.request.args.get("luna") or current_month(local_today())
    try:
        hours = page.call("coordination.coordination_hours", path, month=month)
        entries = page.call("coordination.journal_entries", path, month=month)
    except Problem as problem:
        if problem.status in (401, 404):
            raise
        hours, entries = None, []
    try:
        plan = page.call("coordination.get_plan", path)
    except Problem as problem:
        if problem.status in (401,):
            raise
        plan = None
    return page.render(
        "coordinator/contract.html", w=words, status=status, contract=found, month=month,
        hours=hours,
        entries=items_of(entries), plan=plan,
        channels=CHANNELS, kinds=ENTRY_KINDS, reasons=WITHDRAW_REASONS,
        statuses=CONTRACT_STATUSES, signs_as=found.get("yours_to_sign"), names=names,
        parties=SIGNING_PARTIES, **context,
    )
