"""A county to tell notification stories in: the casework of ``casework.py``
(Cluj, its SPAS head, a technician under contract with the expert), a county
admin and an auditor in the registry (the auditor follows every alert; the
county admin only those escalated to it), everyone's e-mail on file, a real SMTP server on
loopback, and the notifications service's clock, which the stories move
forward instead of sleeping."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from services.notifications.clock import move_forward
from tests.support.casework import ago, build_casework, open_case
from tests.support.registry import ADMIN, until_known
from tests.support.smtp import Mailbox

COUNTY_ADMIN = {
    "email": "dispecerat@dgaspc-cj.ro",
    "full_name": "Dispecerat DGASPC",
    "role": "county_admin",
}
AUDITOR = {"email": "audit@dgaspc-cj.ro", "full_name": "Audit intern", "role": "auditor"}


def build_notifying(rpc: Any, amqp_uri: str, mailbox: Mailbox, clock_file: Path) -> dict:
    world = build_casework(rpc, amqp_uri)
    admin = rpc.coordination.register_staff(ADMIN, COUNTY_ADMIN)
    auditor = rpc.coordination.register_staff(ADMIN, AUDITOR)
    world |= {
        "notifications": rpc.notifications,
        "mailbox": mailbox,
        "clock_file": clock_file,
        "county_admin": {"id": admin["staff_id"], "role": "county_admin"},
        "auditor": {"id": auditor["staff_id"], "role": "auditor"},
        "head_id": world["head"]["id"],
    }
    emails = {
        world["expert"]["staff_id"]: "ana.pop@dgaspc-cj.ro",
        world["head"]["id"]: "sef.spas@primaria-cluj.ro",
        admin["staff_id"]: "dispecerat@dgaspc-cj.ro",
    }
    # the last registered: once the notifications service knows them, it knows ADMIN
    until_known(lambda: rpc.notifications.upcoming_reminders(world["auditor"]))
    for staff_id, email in emails.items():
        rpc.notifications.set_contact(ADMIN, {"staff_id": staff_id, "email": email})
    world["emails"] = emails
    return world


def report_abuse(world: dict[str, Any]) -> dict[str, Any]:
    case = open_case(world)
    return world["cases"].report_urgent_risk(
        world["tech_actor"],
        {
            "case_id": case["case_id"],
            "category": "abuse",
            "observations": "Urme de lovituri pe brațe.",
            "called_112": False,
            "observed_at": ago(minutes=10),
        },
    )


def advance(world: dict[str, Any], **delta: float) -> None:
    move_forward(world["clock_file"], timedelta(**delta))


def alert_of(world: dict[str, Any], risk: dict[str, Any]) -> dict[str, Any]:
    alerts = world["notifications"].alerts(world["auditor"])
    return next((a for a in alerts if a["risk_id"] == risk["risk_id"]), {})


def inbox_kinds(world: dict[str, Any], actor: dict[str, Any]) -> list[str]:
    return [n["kind"] for n in world["notifications"].inbox(actor)]
