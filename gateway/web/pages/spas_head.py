"""The SPAS head's home (DESIGN §1: the technician's employer; signs the
coordination contracts of their SPAS; the escalation target).

It gathers what waits for the head of one municipality's SPAS:

- the contracts drafted for their technicians that still want the
  institution's signature (signed on the contract's page, ``coord_work``);
- each technician of the SPAS with the contract they work under today, or
  none: R1, a technician works only under an active coordination contract;
- the open incidents of the SPAS (4.5), which the head leads when they are
  about the coordinator or were escalated to them (4.4.3);
- the contracts in force that no longer meet R5 (the coordinator's
  experience), with what the platform proposes.
"""

from __future__ import annotations

from typing import Any

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from events.clock import local_today
from events.vocabulary.coordination import CONTRACT_OBLIGATIONS
from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page, PageTable, Query
from gateway.web.pages.coordinator import REQUIRED_HOURS  # R6: a contract's hours at least
from gateway.web.pages.listing import items_of, refused, refused_for_scope, staff_names

pages = PageTable()
HOME = "/spas"
IN_FORCE = ("active", "suspended")  # a suspended contract is still the one in force


# -- pure helpers (unit-tested) ---------------------------------------------------------
def contract_in_force(contracts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The contract a technician works under today: the latest active or
    suspended one (a replaced coordinator leaves the old one terminated)."""
    current = [c for c in contracts if c.get("status") in IN_FORCE]
    return current[-1] if current else None


def drafts_to_sign(contracts: list[dict[str, Any]], party: str = "institution") -> list[dict]:
    """The drafts ``party`` has not signed yet."""
    return _drafts(contracts, party, signed=False)


def drafts_waiting(contracts: list[dict[str, Any]], party: str = "institution") -> list[dict]:
    """The drafts ``party`` signed that wait for the other party."""
    return _drafts(contracts, party, signed=True)


def _drafts(contracts: list[dict[str, Any]], party: str, signed: bool) -> list[dict]:
    return [
        c
        for c in contracts
        if c.get("status") == "draft" and (party in (c.get("signed_by") or [])) == signed
    ]


def _elsewhere(page: Page) -> Response | None:
    """Another role is sent to its own home (``signin.HOMES``)."""
    assert page.who is not None
    return None if page.who.role == "spas_head" else redirect("/", 303)


def _technicians(page: Page) -> Query:
    """The query of the SPAS's technicians employed today, by name: a handful
    (a city, a few dozen), so the whole list."""
    assert page.who is not None
    return (
        "coordination.list_staff",
        None,
        {"municipality": page.who.municipality, "role": "technician"},
    )


# -- the home page --------------------------------------------------------------------
@pages.get(HOME)
def home(page: Page) -> Response:
    if (away := _elsewhere(page)) is not None:
        return away
    assert page.who is not None
    staff, incidents, mismatches = page.call_together(  # the page waits for the slowest
        _technicians(page),
        ("coordination.open_incidents", None, {}),
        ("coordination.experience_mismatches", None, {}),
    )
    technicians = items_of(staff)  # those employed today, by name (the registry's order)
    histories = page.answers(
        *(
            ("coordination.contracts_of_technician", {"technician_id": t["staff_id"]}, {})
            for t in technicians
        )
    )
    # a technician transferred here keeps contracts of the SPAS they left, which
    # this head may not read (the service refuses the whole history): said so
    unreadable = {
        t["staff_id"] for t, h in zip(technicians, histories, strict=True) if refused_for_scope(h)
    }
    contracts = {
        t["staff_id"]: [] if t["staff_id"] in unreadable else items_of(h)
        for t, h in zip(technicians, histories, strict=True)
    }
    every = [c for history in contracts.values() for c in history]
    names = {t["staff_id"]: t["full_name"] for t in technicians}
    coordinators = {c["coordinator_id"] for c in every}
    coordinators |= {m["coordinator_id"] for m in items_of(mismatches)}
    names |= staff_names(page, coordinators - names.keys())
    return page.render(
        "spas/home.html",
        w=words,
        names=names,
        to_sign=drafts_to_sign(every),
        waiting=drafts_waiting(every),
        technicians=[(t, contract_in_force(contracts[t["staff_id"]])) for t in technicians],
        unreadable=unreadable,
        incidents=items_of(incidents),
        mismatches=items_of(mismatches),
    )


# -- a contract drafted for one of the SPAS's technicians ------------------------------
DRAFT = "/spas/contract-nou"
REQUIRED = ("technician_id", "coordinator_id", "legal_form", "hours_per_month", "starts_on")


@pages.get(DRAFT)
def draft_form(page: Page) -> Response:
    typed = {"hours_per_month": str(REQUIRED_HOURS), "starts_on": local_today().isoformat()}
    return _draft_page(page, values=typed | dict(page.request.args))


@pages.post(DRAFT)
def draft(page: Page) -> Response:
    _ = page.gettext
    values, errors = contract_terms(page.request.form, _("Completați acest câmp."))
    if errors:
        return _draft_page(page, 422, errors=errors)
    try:
        drafted = page.act("coordination.draft_contract", None, values)
    except Problem as problem:
        status, shown = refused(page, problem, "coordination.draft_contract")
        return _draft_page(page, status, **shown)
    said = _(
        "Contractul a fost întocmit. Semnați-l pentru instituție; apoi îl semnează coordonatorul."
    )
    return page.redirect(f"/contracte/{drafted['contract_id']}", said)


def contract_terms(form: Any, required: str) -> tuple[dict[str, Any], dict[str, str]]:
    """draft_contract's terms from the form, and errors at its fields. Every
    obligation the guide names goes in (2.1 §1a): the form states them."""
    typed = {name: (form.get(name) or "").strip() for name in (*REQUIRED, "ends_on")}
    errors = {name: required for name in REQUIRED if not typed[name]}
    hours = typed["hours_per_month"]
    if hours and not hours.isdigit():
        errors["hours_per_month"] = required
    terms: dict[str, Any] = {
        **typed,
        "hours_per_month": int(hours) if hours.isdigit() else None,
        "ends_on": typed["ends_on"] or None,
        "obligations": {party: list(codes) for party, codes in CONTRACT_OBLIGATIONS.items()},
    }
    return terms, errors


def _draft_page(page: Page, status: int = 200, **context: Any) -> Response:
    if (away := _elsewhere(page)) is not None:
        return away
    assert page.who is not None
    technicians, coordinators = page.call_together(
        _technicians(page),
        ("coordination.list_staff", None, {"role": "social_worker"}),
    )
    return page.render(
        "spas/draft.html",
        w=words,
        status=status,
        technicians=[(t["staff_id"], t["full_name"]) for t in items_of(technicians)],
        coordinators=[(c["staff_id"], c["full_name"]) for c in items_of(coordinators)],
        forms=[(form, page.gettext(label)) for form, label in words.LEGAL_FORMS.items()],
        **context,
    )


# -- the report to the employer (3.3): evaluations, progress, training --------------------
@pages.get("/spas/raport")
def employer_report(page: Page) -> Response:
    """What the SPAS learns of its technicians' coordination: evaluations
    done, progress between the last two, the support and training the
    coordinator recommends, and the technicians' feedback on it."""
    if (away := _elsewhere(page)) is not None:
        return away
    assert page.who is not None
    report, staff = page.call_together(
        ("evaluations.employer_report", None, {"municipality": page.who.municipality}),
        ("coordination.list_staff", None, {"municipality": page.who.municipality}),
    )
    names = {s["staff_id"]: s["full_name"] for s in items_of(staff)}
    names |= staff_names(page, {t["coordinator_id"] for t in report["technicians"]} - names.keys())
    return page.render("spas/report.html", w=words, report=report, names=names)
