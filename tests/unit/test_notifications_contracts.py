"""The notifications service's contract is complete: a command schema for
every RPC command, an event schema for every publication, and every stored
event of an alert's whole course published as its contract says, with no
address and no text."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from events import checkpoint, contracts
from events.actor import Actor
from events.refusals import Refusal
from services.notifications.competence import NotAlerted
from services.notifications.domain import Alert, Notification, notification_id
from services.notifications.published import publication_of
from tests.support.contract_code import commands_declared
from tests.support.published import as_published

ROOT = Path(__file__).parents[2]
SERVICE = ROOT / "services" / "notifications" / "service.py"
COMMANDS = contracts.CONTRACTS_DIR / "commands" / "notifications"
EVENTS = contracts.CONTRACTS_DIR / "events" / "notifications"
SYSTEM = Actor("notifications", "system")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_every_command_has_its_schema_and_every_schema_its_command():
    in_code = commands_declared(SERVICE)
    on_file = {p.name.removesuffix(".schema.json") for p in COMMANDS.glob("*.schema.json")}
    assert on_file == in_code


def alert_course() -> list:
    risk = {
        "risk_id": str(uuid4()),
        "case_id": str(uuid4()),
        "category": "abuse",
        "coordinator_id": str(uuid4()),
        "reporter_id": str(uuid4()),
    }
    alert = Alert.raise_for(SYSTEM, risk, "54975", 120, NOW)
    alert.escalate(SYSTEM, [str(uuid4())], NOW + timedelta(minutes=121))
    alert.acknowledge(Actor(risk["coordinator_id"], "social_worker"), "cases", NOW)
    note = Notification.create(
        SYSTEM,
        notification_id(str(alert.id), risk["coordinator_id"], "alert"),
        kind="urgent_risk_alert",
        recipient_id=risk["coordinator_id"],
        recipient_role="social_worker",
        subject="URGENT: suspiciune de abuz",
        text="Tehnicianul a raportat…",
        link="http://gateway/cases/x",
        payload={
            "kind": "urgent_risk_alert",
            "case_id": risk["case_id"],
            "alert_id": str(alert.id),
        },
        targets={"inbox": risk["coordinator_id"], "email": "ana.pop@dgaspc-cj.ro"},
        now=NOW,
    )
    note.claim(SYSTEM, "email", NOW)
    note.failed(
        SYSTEM, "email", "smtp: connection refused", NOW + timedelta(seconds=30), "unreachable"
    )
    note.claim(SYSTEM, "email", NOW)
    note.delivered(SYSTEM, "email", NOW)
    note.mark_read(Actor(risk["coordinator_id"], "social_worker"), NOW)
    refusal = Refusal.record(SYSTEM, "acknowledge_alert", NotAlerted("not you"), str(alert.id))
    return [e for a in (alert, note, refusal) for e in a.collect_events()]


def test_an_alerts_whole_course_is_published_as_its_contracts_say():
    bodies = [
        as_published(e, n, "notifications", publication_of) for n, e in enumerate(alert_course(), 1)
    ]
    names = {b["type"].split(".")[3] for b in bodies}
    # every version of a type keeps its schema (the streams replay old ones)
    on_file = {p.name.split(".")[0] for p in EVENTS.glob("*.schema.json")}
    assert names == on_file - {checkpoint.NAME}  # it signs the store (ADR 23)
    published = json.dumps(bodies, ensure_ascii=False)
    assert "ana.pop@dgaspc-cj.ro" not in published and "Tehnicianul" not in published
