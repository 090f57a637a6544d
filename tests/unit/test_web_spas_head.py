"""The SPAS head's home and a contract's signatures, as the pages decide
them: which contract a technician works under, which drafts wait for whom,
and who may sign a draft as which party."""

from __future__ import annotations

import re

from events.vocabulary.coordination import CONTRACT_OBLIGATIONS
from gateway.auth import Principal
from gateway.web import words
from gateway.web.i18n import environment
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
    head = ["/spas", "/spas/raport", "/mesaje"]
    assert _nav("spas_head", "/spas") == list(zip(head, (True, False, False), strict=True))
    assert _nav("spas_head", "/spas/contract-nou") == list(
        zip(head, (True, False, False), strict=True)
    )
    assert _nav("spas_head", "/spas/raport") == list(zip(head, (False, True, False), strict=True))
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


REPORT = {
    "period": {"since": None, "until": None},
    "summary": {
        "technicians": 1,
        "evaluations_completed": 2,
        "recommendations_by_kind": {"supervision": 0, "training": 1, "mentoring": 1},
    },
    "technicians": [
        {
            "technician_id": "t-1",
            "coordinator_id": "sw-1",
            "results": {
                "evaluations_completed": [
                    {"evaluation_id": "e1", "kind": "initial", "on": "2026-06-01"},
                    {"evaluation_id": "e2", "kind": "periodic", "on": "2026-11-30"},
                ],
                "checklists": 3,
                "checklist_compliance": 0.833,
                "progress_reports_validated": 5,
                "progress_reports_open": 1,
                "feedback_sessions": 2,
            },
            "progress": {"improved": ["teamwork"], "declined": ["digital_skills"]},
            "training_recommendations": {
                "supervision": [],
                "training": [{"domain": "digital_skills", "direction": "registrul electronic"}],
                "mentoring": [{"domain": "teamwork", "direction": None}],
            },
            "coordination_feedback": {
                "recommendations_useful": 3.5,
                "communication_clear": None,
                "support_met_needs": 4.0,
            },
        }
    ],
}


def _report(language: str = "ro") -> str:
    shown = {
        "who": HEAD,
        "csrf": "x",
        "form_id": "f",
        "values": {},
        "errors": {},
        "messages": [],
        "path": "/spas/raport",
        "w": words,
    }
    names = {"t-1": "Andrei Moldovan", "sw-1": "Ana Pop"}
    template = environment(language).get_template("spas/report.html")
    return " ".join(template.render(shown | {"report": REPORT, "names": names}).split())


def test_the_employer_report_names_progress_support_and_feedback_in_the_guides_words():
    page = _report()
    assert "Evaluări încheiate: 2 (ultima 30.11.2026)" in page
    assert "Fișe de verificare: 3 · conformitate 83 %" in page
    assert "a progresat la Colaborare în echipă; a regresat la Competențe digitale" in page
    assert "training / formare: Competențe digitale (registrul electronic)" in page
    assert "mentorat: Colaborare în echipă" in page
    assert "supervizare:" not in page.split("Sprijin și formare recomandate")[1]  # none for him
    assert "Cât de utile au fost recomandările primite: 3.5" in page
    assert "Cât de clar a fost modul de comunicare" not in page  # not scored yet
    english = _report("en")
    assert "Report to the employer" in english and "Evaluări încheiate" not in english
