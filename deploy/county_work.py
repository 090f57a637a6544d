"""What the people of the generated county do, service by service, through
each service's own entrypoints (``county_bus.Direct``): the same commands,
in the same order and by the same people as the demo county's stories
(``deploy/demo.py``), at scale. Each function is one phase of
``deploy/county_data.py`` and runs in the process that owns that store.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from deploy.county_bus import Direct
from deploy.county_people import COUNTY, CaseOutline, County, Pair, reaches
from deploy.demo_county import (
    OBLIGATIONS,
    Person,
    coordination_plan,
    moment,
    school_calendar,
    school_plan,
)

# the annexes filled in as a coordinator in Cluj would (shared with the
# evaluation stories and their benchmark)
from deploy.evaluation_forms import CONCLUSIONS, SHEET, grid_rows
from events.clock import LOCAL_TIME, local_today

# The registry's bootstrap is a system job (DESIGN §1), as in deploy/demo.py.
SEEDER: dict[str, Any] = {"id": "deploy.county_data", "role": "system", "municipality": None}
Ids = dict[str, str]  # staff id by e-mail


def actor(person: Person, ids: Ids) -> dict[str, Any]:
    return {"id": ids[person.email], "role": person.role, "municipality": person.municipality}


# -- coordination: the registry, the contracts and their plans --------------------------
def register_county(coordination: Direct, county: County) -> tuple[Ids, dict[str, str]]:
    """Municipalities and staff registered; every technician under a signed
    contract with a plan. Returns the staff ids by e-mail and the contract
    ids by the technician's e-mail."""
    for code, name in county.municipalities.items():
        payload = {"siruta": code, "name": name, "county": COUNTY}
        coordination.call("register_municipality", SEEDER, payload)
    ids = {
        person.email: coordination.call("register_staff", SEEDER, person.registration())["staff_id"]
        for person in county.people
    }
    contracts = {}
    for pair in county.pairs:
        contract_id = sign_contract(coordination, county, pair, ids)
        draw_up_plan(coordination, pair, ids, contract_id)
        contracts[pair.technician.email] = contract_id
    return ids, contracts


def sign_contract(coordination: Direct, county: County, pair: Pair, ids: Ids) -> str:
    """Drafted and signed by the technician's SPAS head, then by the
    coordinator, as ``deploy/demo.py`` does."""
    head = actor(county.heads[str(pair.technician.municipality)], ids)
    today = local_today()
    terms = {
        "technician_id": ids[pair.technician.email],
        "coordinator_id": ids[pair.coordinator.email],
        "legal_form": "cooperation_agreement",
        "obligations": OBLIGATIONS,
        "hours_per_month": 40,
        "starts_on": today.replace(day=1).isoformat(),
        "ends_on": date(today.year + 1, 12, 31).isoformat(),
    }
    contract_id: str = coordination.call("draft_contract", head, terms)["contract_id"]
    for signer in (head, actor(pair.coordinator, ids)):
        coordination.call("sign_contract", signer, {"contract_id": contract_id})
    return contract_id


def draw_up_plan(coordination: Direct, pair: Pair, ids: Ids, contract_id: str) -> None:
    plan = coordination_plan(contract_id, pair.visits_per_month)
    coordination.call("draw_up_plan", actor(pair.coordinator, ids), plan)


def journal_and_tasks(
    coordination: Direct,
    county: County,
    ids: Ids,
    contracts: dict[str, str],
    cases: dict[str, list[str]],
) -> int:
    """Each coordinator's weekly meetings in the journal (R6) about some of
    the technician's cases, and a monitoring visit delegated per case in
    intervention (D.1). Returns how many commands."""
    done = 0
    today = local_today()
    due = (datetime.now(LOCAL_TIME) + timedelta(days=3)).replace(hour=12, minute=0, second=0)
    for pair in county.pairs:
        coordinator = actor(pair.coordinator, ids)
        contract_id = contracts[pair.technician.email]
        of_technician = cases.get(pair.technician.email, [])
        for week in range(4):
            entry = {
                "contract_id": contract_id,
                "occurred_on": max(
                    today.replace(day=1), today - timedelta(days=7 * week)
                ).isoformat(),
                "minutes": 60,
                "channel": "in_person",
                "kind": "meeting",
                "case_ids": of_technician[week::4][:5],
                "decisions": ["Vizite de monitorizare conform planului."],
            }
            coordination.call("record_journal_entry", coordinator, entry)
            done += 1
        for case_id in of_technician[:3]:
            task = {
                "technician_id": ids[pair.technician.email],
                "task_type": "monitoring_visit",
                "instructions": "Vizită de monitorizare: situația școlară și locuința.",
                "due_at": due.isoformat(),
                "priority": "normal",
                "case_id": case_id,
            }
            coordination.call("delegate_task", coordinator, task)
            done += 1
    return done


# -- cases: the case path and its documents ------------------------------------------------
def tell_case(cases: Direct, outline: CaseOutline, pair: Pair, ids: Ids) -> str:
    """Referred by the technician and moved along the path up to its stage:
    the field work the technician's, every decision the coordinator's (R2);
    each field report drafted, submitted and validated (R3)."""
    technician, coordinator = actor(pair.technician, ids), actor(pair.coordinator, ids)
    referral = {
        "municipality": technician["municipality"],
        "beneficiary": outline.beneficiary,
        "categories": outline.categories,
        "referral_source": outline.source,
        "referral_note": "Semnalare primită la SPAS.",
    }
    case_id: str = cases.call("refer_case", technician, referral)["case_id"]
    key = {"case_id": case_id}
    steps = (
        (
            "initial_evaluation",
            "record_initial_evaluation",
            technician,
            {"findings": "Se confirmă."},
        ),
        ("opened", "open_case", coordinator, {"rationale": "Nevoi de sprijin confirmate."}),
        (
            "assessment",
            "record_social_diagnosis",
            coordinator,
            {
                "diagnosis": "Venituri insuficiente și sprijin familial redus.",
                "needs": ["income_support", "counselling"],
                "risk_level": "medium",
            },
        ),
        (
            "intervention",
            "write_intervention_plan",
            coordinator,
            {"objectives": school_plan(), "activities": school_calendar()},
        ),
        ("intervention", "start_intervention", coordinator, {}),
    )
    for stage, command, who, payload in steps:
        if reaches(outline.stage, stage):
            cases.call(command, who, key | payload)
    for _ in range(outline.reports):
        field_report(cases, technician, coordinator, case_id)
    if reaches(outline.stage, "monitoring"):
        cases.call("start_monitoring", coordinator, key)
    return case_id


def field_report(
    cases: Direct, technician: dict[str, Any], coordinator: dict[str, Any], case_id: str
) -> None:
    draft = {
        "case_id": case_id,
        "kind": "visit_report",
        "content": {"text": "Vizită la domiciliu: situația este stabilă."},
        "occurred_at": moment(hours=-2),
        "beneficiary_signature": "self",
    }
    document_id = cases.call("draft_document", technician, draft)["document_id"]
    key = {"document_id": document_id}
    cases.call("submit_document", technician, key)
    cases.call("validate_document", coordinator, key)


# -- evaluations: the technician's initial evaluation -----------------------------------------
def evaluate(evaluations: Direct, pair: Pair, ids: Ids) -> None:
    """The initial evaluation (annexes 1 and 2), written by the coordinator
    and signed by both."""
    coordinator, technician = actor(pair.coordinator, ids), actor(pair.technician, ids)
    opened = evaluations.call(
        "open_evaluation",
        coordinator,
        {"technician_id": technician["id"], "kind": "initial"},
    )
    key = {"evaluation_id": opened["evaluation_id"]}
    for section, content in SHEET.items():
        evaluations.call(
            "record_evaluation_section",
            coordinator,
            key | {"section": section, "content": content},
        )
    rows = grid_rows(2)
    evaluations.call("record_observation", coordinator, key | {"rows": rows})
    evaluations.call("record_conclusions", coordinator, key | {"conclusions": CONCLUSIONS})
    for signer in (coordinator, technician):
        evaluations.call("sign_evaluation", signer, key)
