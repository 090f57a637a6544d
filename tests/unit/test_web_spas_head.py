"""The SPAS head's home and a contract's signatures, as the pages decide
them: which contract a technician works under, which drafts wait for whom,
and who may sign a draft as which party."""

from __future__ import annotations

import re

from events.vocabulary.coordination import CONTRACT_OBLIGATIONS
from gateway.auth import Principal
from gateway.web.i18n import environment
from gateway.web.pages.coord_work import signing_party
from gateway.web.pages.spas_head import (
    contract_in_force,
    contract_terms,
    drafts_to_sign,
    drafts_waiting,
)

HEAD = Principal("head-1", "spas_head", "57887")
LINK = re.compile(r'<a href="([^"]+)"([^>]*)>')


def _contract(status: str, signed_by: tuple[str, ...] = (), **more: str) -> dict:
    return {
        "contract_id": f"c-{status}-{len(signed_by)}",
        "status": status,
        "signed_by": list(signed_by),
        "municipality": "57887",
        "coordinator_id": "sw-1",
        **more,
    }


def test_a_technician_works_under_the_latest_contract_active_or_suspended():
    old, current = _contract("terminated"), _contract("active")
    assert contract_in_force([old, current]) is current
    assert contract_in_force([old, _contract("suspended")])["status"] == "suspended"
    assert contract_in_force([old, _contract("draft")]) is None  # R1: none in force


def test_a_draft_waits_for_the_party_that_has_not_signed_it():
    unsigned, by_head = _contract("draft"), _contract("draft", ("institution",))
    by_coordinator = _contract("draft", ("coordinator",))
    every = [unsigned, by_head, by_coordinator, _contract("active", ("institution", "coordinator"))]
    assert drafts_to_sign(every) == [unsigned, by_coordinator]
    assert drafts_waiting(every) == [by_head]


def test_the_head_of_the_technicians_spas_signs_for_the_institution_once():
    assert signing_party(_contract("draft"), HEAD) == "institution"
    assert signing_party(_contract("draft", ("institution",)), HEAD) is None
    assert signing_party(_contract("active"), HEAD) is None  # only a draft is signed
    other_head = Principal("head-2", "spas_head", "54975")
    assert signing_party(_contract("draft"), other_head) is None  # not their SPAS


def test_the_coordinator_named_signs_for_themselves_and_no_one_else_does():
    assert signing_party(_contract("draft"), Principal("sw-1", "social_worker")) == "coordinator"
    assert signing_party(_contract("draft"), Principal("sw-2", "social_worker")) is None
    assert signing_party(_contract("draft"), Principal("t-1", "technician", "57887")) is None


def test_a_drafted_contract_states_every_obligation_of_the_guide_and_wants_its_terms():
    form = {
        "technician_id": "t-1",
        "coordinator_id": "sw-1",
        "legal_form": "cooperation_agreement",
        "hours_per_month": "45",
        "starts_on": "2026-12-03",
        "ends_on": "",
    }
    terms, errors = contract_terms(form, "required")
    assert errors == {}
    assert terms["hours_per_month"] == 45 and terms["ends_on"] is None
    assert terms["obligations"] == {p: list(c) for p, c in CONTRACT_OBLIGATIONS.items()}
    terms, errors = contract_terms(
        form | {"coordinator_id": " ", "hours_per_month": "patruzeci"}, "required"
    )
    assert errors == {"coordinator_id": "required", "hours_per_month": "required"}


def _nav(role: str, path: str) -> list[tuple[str, bool]]:
    """The menu's links for ``role`` on ``path``: (address, marked current)."""
    who = Principal("someone", role, "57887")
    html = environment("ro").get_template("nav.html").render(who=who, path=path)
    return [(href, "aria-current" in attrs) for href, attrs in LINK.findall(html)]


def test_each_role_has_its_own_menu_and_the_page_it_is_on_marked():
    assert _nav("spas_head", "/spas") == [("/spas", True), ("/mesaje", False)]
    assert _nav("spas_head", "/spas/contract-nou") == [("/spas", True), ("/mesaje", False)]
    assert _nav("technician", "/azi") == [
        ("/azi", True),
        ("/cazuri", False),
        ("/mesaje", False),
        ("/coordonarea-mea", False),
    ]
    assert _nav("social_worker", "/validare") == [
        ("/acasa", False),
        ("/cazuri", False),
        ("/validare", True),
        ("/mesaje", False),
    ]
    assert _nav("county_admin", "/") == []  # the API's, for now (home_other.html)
