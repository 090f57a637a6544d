"""A county to tell case stories in, through RPC to both services: the
county of ``county.py`` (Cluj-Napoca, its SPAS head, a technician, an expert
social worker and a child-protection one), a technician of another
municipality (Turda), each technician under an active contract, and the cases
service caught up with the coordination service's events."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from typing import Any, NotRequired

from nameko.exceptions import RemoteError

from tests.support.calendar import months_ahead
from tests.support.county import County, activate, build_county, draft
from tests.support.registry import ADMIN, TURDA, Person
from tests.support.waiting import eventually

TURDA_TECHNICIAN = Person(
    "maria@primaria-turda.ro",
    "Maria Turcu",
    "technician",
    municipality=TURDA.siruta,
    beneficiary_categories=("disability_chronic_illness",),
)
TURDA_HEAD = Person(
    "sef@primaria-turda.ro", "Șef SPAS Turda", "spas_head", municipality=TURDA.siruta
)


def new_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class Casework(County):
    """The county with a contract in force, a second technician coordinated
    in Turda, and the cases service: ``rpc`` here is the cluster proxy
    (``rpc.cases``, ``rpc.coordination``); the fixture adds the stores and
    the running containers."""

    cases: Any  # the cases service's RPC proxy
    contract: dict[str, Any]
    other_tech: dict[str, Any]
    other_tech_actor: dict[str, Any]
    cases_store: NotRequired[str]
    keys_store: NotRequired[str]
    containers: NotRequired[list[Any]]


def build_casework(rpc: Any, amqp_uri: str) -> Casework:
    county = build_county(rpc.coordination, amqp_uri)
    contract = activate(county)
    rpc.coordination.register_municipality(ADMIN, TURDA.command())
    other = rpc.coordination.register_staff(ADMIN, TURDA_TECHNICIAN.command())
    rpc.coordination.register_staff(ADMIN, TURDA_HEAD.command())
    head_turda = TURDA_HEAD.actor()
    activate(
        {**county, "head": head_turda},
        contract=draft(
            {**county, "head": head_turda}, county["expert"], technician_id=other["staff_id"]
        ),
    )
    casework: Casework = {
        **county,
        "rpc": rpc,
        "cases": rpc.cases,
        "contract": contract,
        "other_tech": other,
        "other_tech_actor": TURDA_TECHNICIAN.actor(),
    }
    wait_for_coordination(casework, casework["tech_actor"])
    wait_for_coordination(casework, casework["other_tech_actor"])
    return casework


def wait_for_coordination(casework: Casework, technician: dict, timeout: float = 20) -> None:
    """The cases service learns of people and contracts from events: wait
    until it lets the technician act (R1); until then it may not even know
    them (its routine subscriptions take events in batches)."""
    eventually(
        lambda: casework["cases"].list_cases(technician),
        timeout,
        retrying=("ActorNotRegistered", "NoActiveCoordination"),
        until=lambda _: True,
    )


def wait_until_refused(call: Any, *args: Any, timeout: float = 20) -> RemoteError:
    """Calls until the cases service has learnt what makes it refuse."""

    def refusal() -> RemoteError | None:
        try:
            call(*args)
        except RemoteError as error:
            return error
        return None

    return eventually(refusal, timeout, message="still allowed")


def ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def referral(casework: Casework, **overrides: Any) -> dict[str, Any]:
    command = {
        "municipality": "54975",
        "beneficiary": {
            "kind": "family",
            "full_name": "Familia Popescu",
            "cnp": "1900101123456",
            "address": "Str. Florilor 3, Cluj-Napoca",
            "phone": "0740000000",
        },
        "categories": ["school_dropout_risk", "poverty"],
        "referral_source": "school",
        "referral_note": "Dirigintele semnalează absențe repetate ale copilului.",
    }
    return command | overrides


def open_case(casework: Casework) -> dict[str, Any]:
    """A case referred by the technician, evaluated and opened."""
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    case = cases.refer_case(tech, referral(casework))
    key = {"case_id": case["case_id"]}
    cases.record_initial_evaluation(tech, key | {"findings": "Copilul lipsește de 3 săptămâni."})
    return cases.open_case(sw, key | {"rationale": "Risc de abandon școlar confirmat."})


def plan(casework: Casework, case: dict[str, Any]) -> dict[str, Any]:
    """Diagnosis and intervention plan by the coordinator, intervention started."""
    cases, sw = casework["cases"], casework["expert_actor"]
    key = {"case_id": case["case_id"]}
    cases.record_social_diagnosis(
        sw,
        key
        | {
            "diagnosis": "Dificultăți materiale și lipsa supravegherii.",
            "needs": ["school_support", "parental_counselling"],
            "risk_level": "medium",
        },
    )
    cases.write_intervention_plan(
        sw,
        key
        | {
            "objectives": [
                {
                    "objective": "Reintegrarea școlară",
                    "indicator": "prezență ≥ 90%",
                    "responsible": "technician",
                    "deadline": months_ahead(4),
                }
            ],
            "activities": CALENDAR,
        },
    )
    return cases.start_intervention(sw, key)


def final_report(casework: Casework, case: dict[str, Any]) -> str:
    """The technician's final case report, submitted and validated by the
    coordinator (2.4): what closure rests on (R8). Its id."""
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    report = cases.draft_document(
        tech,
        {
            "case_id": case["case_id"],
            "kind": "final_report",
            "content": {"text": "Copilul merge la școală; familia primește sprijin."},
        },
    )
    key = {"document_id": report["document_id"]}
    cases.submit_document(tech, key)
    cases.validate_document(sw, key)
    return report["document_id"]


# A plan's dated calendar of activities (3.2 C), for the stories' plans.
CALENDAR = [
    {"activity": "Vizită la domiciliu", "date": "2027-01-05", "responsible": "technician"},
    {"activity": "Întâlnire cu dirigintele", "date": "2027-01-12", "responsible": "technician"},
]
