"""The demo county that ``make run`` seeds, so that a newcomer can log in to
the gateway and follow the README's walkthrough.

Who is in it and what happened to them is in ``deploy/demo_county.py``.

Every login's password is public: ``demo-<username>``. The logins go to a
JSON users file (mode 0600) that the gateway's local issuer reads.

Seeding is idempotent: the registry is completed where something is missing
(staff are found by e-mail), and a technician's story (contract, plan, cases,
documents, journal, task) is told only while they have no contract at all.
A second run changes nothing and rewrites the users file only where it no
longer matches (an existing hash of the demo password is kept).

    python deploy/demo.py [USERS_FILE]   # default: .coordonare/users.json

It talks to the services over nameko RPC (``AMQP_URI``) and uses only their
command contracts (``contracts/``), like any other client.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

# run as a script (deploy/stack.py), this file's folder is on the path, not
# the project's root: its sibling modules are imported from there
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# the county's calendar: contracts and journal entries are dated in Romanian days
from deploy.demo_county import (
    BY_USERNAME,
    COUNTY,
    HEAD_OF,
    MUNICIPALITIES,
    OBLIGATIONS,
    PEOPLE,
    STORIES,
    DemoCase,
    Meeting,
    Story,
    actor,
    coordination_plan,
    moment,
    school_calendar,
    school_plan,
)
from deploy.demo_users import write_users
from events.clock import LOCAL_TIME, local_today
from events.config import client_config

# rpc(service, method, actor, kwargs) calls ``service.method(actor, **kwargs)``
# and returns its result; a command's payload goes as ``{"command": payload}``
# (every command entrypoint's second parameter is ``command``).
Rpc = Callable[[str, str, dict, dict], Any]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_USERS_FILE = ROOT / ".coordonare" / "users.json"
# Seeding is a system job (DESIGN §1: never a role of a person).
SEEDER: dict[str, Any] = {"id": "deploy.demo", "role": "system", "municipality": None}
WAIT_SECONDS = 60.0


# -- seeding ----------------------------------------------------------------------
def seed(rpc: Rpc, users_file: Path) -> dict[str, Any]:
    """Seeds what is missing of the demo county and writes the users file;
    returns what a summary needs (``users`` without their hashes)."""
    ids = ensure_registry(rpc)
    told = [story.technician for story in STORIES if tell(rpc, story, ids)]
    users = write_users(users_file, ids)
    return {
        "seeded": told,
        "users_file": str(users_file),
        "users": [{k: v for k, v in u.items() if k != "password_hash"} for u in users],
        "walkthrough": walkthrough(rpc, ids),
    }


def ensure_registry(rpc: Rpc) -> dict[str, str]:
    """The municipalities and staff, registered where missing; the staff
    ids by username."""
    known = {m["siruta"] for m in query(rpc, "coordination", "list_municipalities", SEEDER)}
    for siruta, name in MUNICIPALITIES.items():
        if siruta not in known:
            command(
                rpc,
                "coordination",
                "register_municipality",
                SEEDER,
                {"siruta": siruta, "name": name, "county": COUNTY},
            )
    staff = registered_staff(rpc)
    ids = {}
    for person in PEOPLE:
        if person.email not in staff:
            registered = command(
                rpc, "coordination", "register_staff", SEEDER, person.registration()
            )
            staff[person.email] = registered["staff_id"]
        ids[person.username] = staff[person.email]
    return ids


def registered_staff(rpc: Rpc) -> dict[str, str]:
    """The staff ids of the demo people already registered, by e-mail (the
    list shows names; the e-mail, which identifies a person, is read one by one)."""
    names = {p.full_name for p in PEOPLE}
    found = {}
    for row in query(rpc, "coordination", "list_staff", SEEDER):
        if row["full_name"] in names:
            staff = query(rpc, "coordination", "get_staff", SEEDER, staff_id=row["staff_id"])
            found[staff["email"]] = staff["staff_id"]
    return found


def tell(rpc: Rpc, story: Story, ids: dict[str, str]) -> bool:
    """The technician's story, unless they already have a contract."""
    technician_id = ids[story.technician]
    county = actor("judet", ids)  # the seeder's system identity is for the registry only
    if query(rpc, "coordination", "contracts_of_technician", county, technician_id=technician_id):
        return False
    contract_id = sign_contract(rpc, story, ids)
    draw_up_plan(rpc, story, ids, contract_id)
    wait_until_coordinated(rpc, actor(story.technician, ids))
    case_ids = [open_demo_case(rpc, story, ids, case) for case in story.cases]
    if story.meeting:
        record_meeting(rpc, story.meeting, actor(story.coordinator, ids), contract_id, case_ids[0])
    if story.delegated_visit:
        delegate_visit(rpc, story, ids, case_ids[0])
    return True


def sign_contract(rpc: Rpc, story: Story, ids: dict[str, str]) -> str:
    """Drafted and signed by the technician's SPAS head, signed by the
    coordinator: in force from the first of this month to the end of next year."""
    head = actor(HEAD_OF[BY_USERNAME[story.technician].municipality], ids)
    today = local_today()
    terms = {
        "technician_id": ids[story.technician],
        "coordinator_id": ids[story.coordinator],
        "legal_form": "cooperation_agreement",
        "obligations": OBLIGATIONS,
        "hours_per_month": 40,
        "starts_on": today.replace(day=1).isoformat(),
        "ends_on": date(today.year + 1, 12, 31).isoformat(),
    }
    contract_id = command(rpc, "coordination", "draft_contract", head, terms)["contract_id"]
    for signer in (head, actor(story.coordinator, ids)):
        command(rpc, "coordination", "sign_contract", signer, {"contract_id": contract_id})
    return contract_id


def draw_up_plan(rpc: Rpc, story: Story, ids: dict[str, str], contract_id: str) -> None:
    plan = coordination_plan(contract_id, story.visits_per_month)
    command(rpc, "coordination", "draw_up_plan", actor(story.coordinator, ids), plan)


def open_demo_case(rpc: Rpc, story: Story, ids: dict[str, str], case: DemoCase) -> str:
    """Refers the case and moves it along the path up to ``case.stage``: the
    field work is the technician's, every decision the coordinator's (R2)."""
    technician, coordinator = actor(story.technician, ids), actor(story.coordinator, ids)
    referrer = technician if case.referred_by == "technician" else coordinator
    referral = {
        "municipality": technician["municipality"],
        "beneficiary": case.beneficiary,
        "categories": list(case.categories),
        "referral_source": case.source,
        "referral_note": case.note,
    }
    case_id = command(rpc, "cases", "refer_case", referrer, referral)["case_id"]
    key = {"case_id": case_id}
    if case.reaches("initial_evaluation"):
        findings = "Situația semnalată se confirmă la prima discuție."
        command(rpc, "cases", "record_initial_evaluation", referrer, key | {"findings": findings})
    if case.reaches("opened"):
        rationale = "Nevoi de sprijin confirmate."
        command(rpc, "cases", "open_case", coordinator, key | {"rationale": rationale})
        if referrer is coordinator:
            assign = key | {"technician_id": technician["id"]}
            command(rpc, "cases", "assign_technician", coordinator, assign)
    if case.reaches("assessment"):
        diagnosis = {
            "diagnosis": "Venituri insuficiente și sprijin familial redus.",
            "needs": ["income_support", "counselling"],
            "risk_level": "medium",
        }
        command(rpc, "cases", "record_social_diagnosis", coordinator, key | diagnosis)
    if case.reaches("intervention"):
        plan = {"objectives": school_plan(), "activities": school_calendar()}
        command(rpc, "cases", "write_intervention_plan", coordinator, key | plan)
        command(rpc, "cases", "start_intervention", coordinator, key)
    if case.visit_report:
        submit_visit_report(rpc, technician, case_id, case.visit_report)
    return case_id


def submit_visit_report(rpc: Rpc, technician: dict[str, Any], case_id: str, text: str) -> None:
    """A field report the technician submitted for their coordinator's validation."""
    draft = {
        "case_id": case_id,
        "kind": "visit_report",
        "content": {"text": text},
        "occurred_at": moment(hours=-2),
        "beneficiary_signature": "self",
    }
    document_id = command(rpc, "cases", "draft_document", technician, draft)["document_id"]
    command(rpc, "cases", "submit_document", technician, {"document_id": document_id})


def record_meeting(
    rpc: Rpc, meeting: Meeting, coordinator: dict[str, Any], contract_id: str, case_id: str
) -> None:
    today = local_today()
    entry = {
        "contract_id": contract_id,
        "occurred_on": today.isoformat(),
        "minutes": meeting.minutes,
        "channel": meeting.channel,
        "kind": "meeting",
        "case_ids": [case_id],
        "decisions": [meeting.decision],
        "recommendations": [meeting.recommendation],
        "follow_ups": [
            {
                "action": meeting.follow_up,
                "owner": "technician",
                "due_on": (today + timedelta(days=7)).isoformat(),
            }
        ],
    }
    command(rpc, "coordination", "record_journal_entry", coordinator, entry)


def delegate_visit(rpc: Rpc, story: Story, ids: dict[str, str], case_id: str) -> None:
    """A task sheet (D.1): a monitoring visit in three days."""
    due = (datetime.now(LOCAL_TIME) + timedelta(days=3)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    task = {
        "technician_id": ids[story.technician],
        "task_type": "monitoring_visit",
        "instructions": story.delegated_visit,
        "due_at": due.isoformat(),
        "priority": "high",
        "case_id": case_id,
    }
    command(rpc, "coordination", "delegate_task", actor(story.coordinator, ids), task)


def walkthrough(rpc: Rpc, ids: dict[str, str]) -> dict[str, Any]:
    """Where the README's walkthrough starts, found as a user finds it: the
    technician's cases in intervention, the coordinator's validation queue."""
    cases = query(rpc, "cases", "list_cases", actor("tehnician.cluj", ids), stage="intervention")
    queue = query(rpc, "cases", "validation_queue", actor("asistent.cluj", ids))
    return {
        "case_id": cases[0]["case_id"] if cases else None,
        "document_id": queue[0]["document_id"] if queue else None,
    }


# -- helpers -------------------------------------------------------------------------
def command(rpc: Rpc, service: str, method: str, who: dict[str, Any], payload: dict) -> Any:
    return rpc(service, method, who, {"command": payload})


def query(rpc: Rpc, service: str, method: str, who: dict[str, Any], **kwargs: Any) -> Any:
    return rpc(service, method, who, kwargs)


def wait_until_coordinated(rpc: Rpc, technician: dict[str, Any]) -> None:
    """The cases service learns of the contract from the coordination
    service's events: wait until it lets the technician in (R1)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            query(rpc, "cases", "list_cases", technician)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# -- running it on its own ---------------------------------------------------------
# A cheap query per service: an answer, even a refusal, means it is listening.
PROBES = (
    ("coordination", "list_municipalities"),
    ("cases", "list_cases"),
    ("evaluations", "evaluations_due"),
    ("notifications", "upcoming_reminders"),
)


def proxy_rpc(proxy: Any) -> Rpc:
    """The ``Rpc`` of a nameko ``ClusterRpcProxy`` (or ``ServiceRpcProxy``s by name)."""

    def rpc(service: str, method: str, who: dict, kwargs: dict) -> Any:
        return getattr(getattr(proxy, service), method)(who, **kwargs)

    return rpc


def wait_for_services(rpc: Rpc, timeout: float = WAIT_SECONDS) -> None:
    """Until each of the four services answers over nameko RPC (``nameko run``
    takes a few seconds to start, and its event subscriptions with it)."""
    from nameko.exceptions import RemoteError

    deadline = time.monotonic() + timeout
    for service, method in PROBES:
        while True:
            try:
                rpc(service, method, SEEDER, {})
                break
            except RemoteError:  # it answered, if only to refuse
                break
            except Exception:  # not listening yet (UnknownService, timeout, broker)
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)


def summary(result: dict[str, Any]) -> str:
    lines = [
        "Demo county (Cluj): "
        + (f"seeded {', '.join(result['seeded'])}" if result["seeded"] else "already there"),
        f"Logins in {result['users_file']} (password: demo-<username>):",
    ]
    for user in result["users"]:
        where = MUNICIPALITIES.get(user["municipality"] or "", "county")
        lines.append(f"  {user['username']:<22} {user['role']:<14} {where}")
    walk = result["walkthrough"]
    lines.append(f"Walkthrough: case {walk['case_id']}, visit report {walk['document_id']}")
    return "\n".join(lines)


def operator_signer() -> Any:
    """The operator's key signs each call of the seeding (ADR 12): as the
    registry's bootstrap (``SEEDER``), then as the demo people it registered."""
    from events.acting import Signer
    from events.identity import OPERATOR_ISSUER, SigningKey

    key_file = os.environ.get("COORDONARE_OPERATOR_KEY") or str(
        Path(__file__).resolve().parents[1] / ".coordonare" / "operator-identity.pem"
    )
    return Signer(SigningKey.from_file(OPERATOR_ISSUER, key_file), operator="deploy.demo")


def seed_cluster(amqp_uri: str, users_file: Path) -> dict[str, Any]:
    """Waits for the services on the broker at ``amqp_uri``, then seeds."""
    from nameko.standalone.rpc import ClusterRpcProxy

    # A call to a service not listening yet closes its channel with a
    # confirmation in flight, which py-amqp reports as a warning each time.
    logging.getLogger("amqp").setLevel(logging.ERROR)
    with ClusterRpcProxy(client_config(amqp_uri), timeout=30) as proxy:
        rpc = proxy_rpc(operator_signer().cluster(proxy))
        wait_for_services(rpc)
        return seed(rpc, users_file)


def main() -> int:
    users_file = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("USERS_FILE", DEFAULT_USERS_FILE)
    )
    amqp_uri = os.environ.get("AMQP_URI")
    if not amqp_uri:  # deploy/stack.py gives the operator's account
        sys.exit("demo: set AMQP_URI to an account that may call the services (operator)")
    print(summary(seed_cluster(amqp_uri, users_file)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
