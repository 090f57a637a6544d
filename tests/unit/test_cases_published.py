"""Every event the cases service stores becomes a published event that
matches its contract and carries no personal data — told as one whole case,
on an embedded (SQLite) store, from referral to erasure."""

import base64
import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.persistence import Tracking

from events import checkpoint, cloudevent, contracts
from events.actor import Actor
from events.clock import local_day
from services.cases.application import CasesApplication
from services.cases.personal import PersonalDataVault
from services.cases.published import publication_of

TECH, TECH2, SW = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
PERSONAL = (
    "Ion Ionescu",
    "1900101123456",
    "Florilor",
    "lipsește",
    "lovituri",
    "Vasile",
    "fotografii",
    "reînscrierea",
    "întreținere",
    "răspunde",
)


class Upstream:
    """A coordination CloudEvent, as the subscription hands it over."""

    def __init__(self, data, municipality=None):
        self.data, self.municipality = data, municipality

    def get_data(self):
        return self.data

    def get_extension(self, name):
        return {"municipality": self.municipality}.get(name)


@pytest.fixture
def app(tmp_path):
    key = base64.urlsafe_b64encode(os.urandom(32))
    vault = PersonalDataVault(f"sqlite:///{tmp_path}/keys.db", base64.urlsafe_b64decode(key))
    app = CasesApplication(f"sqlite:///{tmp_path}/cases.db", vault)
    staff = [
        {"staff_id": TECH, "role": "technician", "municipality": "54975", "rnasr_code": None},
        {"staff_id": TECH2, "role": "technician", "municipality": "54975", "rnasr_code": None},
        {"staff_id": SW, "role": "social_worker", "municipality": None, "rnasr_code": "AS1"},
    ]
    upstream = [("StaffRegistered", s, None) for s in staff] + [
        (
            "ContractActivated",
            {
                "contract_id": str(uuid.uuid4()),
                "technician_id": technician,
                "coordinator_id": SW,
                "hours_per_month": 40,
                "starts_on": "2026-01-01",
                "ends_on": None,
            },
            "54975",
        )
        for technician in (TECH, TECH2)
    ]
    for position, (name, data, municipality) in enumerate(
        upstream,
        start=1,
    ):
        app.follow_coordination(
            name, Upstream(data, municipality), Tracking("coordination.on_coordination", position)
        )
    yield app
    app.close()


def whole_case(app):
    tech, sw = Actor(TECH, "technician", "54975"), Actor(SW, "social_worker")
    now = datetime.now(UTC)
    case = app.refer_case(
        tech,
        "54975",
        {
            "kind": "person",
            "full_name": "Ion Ionescu",
            "cnp": "1900101123456",
            "address": "Str. Florilor 3",
        },
        ["school_dropout_risk"],
        "school",
        "Copilul lipsește de la școală.",
        [],
    )
    cid = uuid.UUID(case["case_id"])
    app.record_initial_evaluation(tech, cid, "Copilul lipsește de trei săptămâni.")
    app.record_consent(tech, cid, "limited", now.date().isoformat(), "Fără fotografii.")
    app.record_case_file_document(
        tech, cid, "supporting_document", now.date().isoformat(), "debts", "Datorii la întreținere."
    )
    with pytest.raises(Exception, match="R2"):
        app.open_case(tech, cid, "lipsește")
    app.open_case(sw, cid, "Risc confirmat.")
    app.record_social_diagnosis(sw, cid, "Lipsește supravegherea.", ["school_support"], "medium")
    objective = {
        "objective": "Reintegrare",
        "indicator": "prezență",
        "responsible": "technician",
        "deadline": "2027-01-31",
    }
    calendar = [{"activity": "Vizită", "date": "2027-01-05", "responsible": "technician"}]
    app.write_intervention_plan(sw, cid, [objective], "", calendar)
    app.acknowledge_intervention_plan(tech, cid, 1)
    app.propose_plan_adjustment(tech, cid, 1, "Vizitele marțea, nu lunea.")
    app.start_intervention(sw, cid)
    app.record_decision(sw, cid, "service_recommendation", "Sprijin educațional.")
    app.assign_technician(sw, cid, uuid.UUID(TECH2))
    app.release_technician(sw, cid, uuid.UUID(TECH2))
    report = app.draft_document(
        tech,
        cid,
        "progress_report",
        {
            "progress": "Ion lipsește mai rar.",
            "difficulties": "Transportul.",
            "recommendations": "Abonament.",
        },
        "self",
        None,
        now.strftime("%Y-%m"),
    )
    doc = uuid.UUID(report["document_id"])
    app.submit_document(tech, doc)
    app.return_document(sw, doc, "Completați cu prezența.")
    app.revise_document(
        tech,
        doc,
        {"progress": "Prezență 80%.", "difficulties": "Niciuna.", "recommendations": "Continuăm."},
    )
    app.submit_document(tech, doc)
    app.validate_document(sw, doc, "Bine.")
    risk = app.report_urgent_risk(
        tech, cid, "abuse", "Urme de lovituri.", False, (now - timedelta(hours=1)).isoformat()
    )
    rid = uuid.UUID(risk["risk_id"])
    app.acknowledge_urgent_risk(sw, rid)
    app.assess_urgent_risk(sw, rid, "high", "Risc mare.", ["official_notification"])
    app.notify_institution(sw, rid, "police", "nr. 5", "Sesizare lovituri.")
    check = app.record_benefit_check(
        tech,
        "minimum_inclusion_income",
        {"full_name": "Vasile Pop", "household_size": 3, "monthly_income": 500},
        ["identity_document"],
        ["undeclared_income"],
        "eligible",
        300.0,
        None,
    )
    app.cosign_benefit_check(
        sw, uuid.UUID(check["check_id"]), "ineligible", "Venit ascuns.", None, ["counselling"]
    )
    disagreement = app.record_disagreement(
        tech, cid, "institution", "Școala refuză reînscrierea.", "Școala nr. 1"
    )
    did = uuid.UUID(disagreement["disagreement_id"])
    app.escalate_disagreement(sw, did, "Școala nu răspunde.")
    app.settle_disagreement(sw, did, "Inspectoratul a aprobat reînscrierea.")
    app.start_monitoring(sw, cid)
    final = app.draft_document(tech, cid, "final_report", {"text": "Ion merge la școală."})
    app.submit_document(tech, uuid.UUID(final["document_id"]))
    app.validate_document(sw, uuid.UUID(final["document_id"]))
    app.close_case(sw, cid, "plan_achieved", "Obiective atinse.", None, final["document_id"])
    app.begin_follow_up(sw, cid)
    in_a_month = (now + timedelta(days=30)).date().isoformat()
    app.plan_follow_up(sw, cid, [{"action": "visit", "due_on": in_a_month}])
    app.record_follow_up(tech, cid, "visit", local_day(now).isoformat(), "Ion merge la școală.")
    app.archive_case(sw, cid, "", "Familia s-a mutat din județ.")
    app.get_case(sw, cid)
    app.erase_personal_data(
        Actor("admin", "county_admin"),
        uuid.UUID(case["beneficiary_id"]),
        "data_subject_request",
        "DPO 1",
    )
    return cid


def published(app):
    for notification in app.recorder.select_notifications(0, 10_000):
        stored = app.mapper.to_domain_event(notification)
        publication = publication_of(stored)
        if publication is None:
            continue
        origin = cloudevent.Origin(
            "cases",
            notification.id,
            stored.originator_id,
            stored.originator_version,
            stored.timestamp,
            stored.actor_id,
            stored.actor_role,
            "c",
        )
        yield json.loads(cloudevent.serialize(cloudevent.build(origin, publication)))


def test_every_stored_event_is_published_to_its_contract_without_personal_data(app):
    whole_case(app)
    events = list(published(app))
    for event in events:
        contracts.check_published(event)
        assert not any(word in json.dumps(event, ensure_ascii=False) for word in PERSONAL), event
    names = {e["type"].split(".")[3] for e in events}
    expected = {
        path.name.split(".")[0]
        for path in (contracts.CONTRACTS_DIR / "events" / "cases").glob("*.json")
    }
    # every contracted type but the checkpoint, which signs the store (ADR 23)
    assert names == expected - {checkpoint.NAME}


def test_after_erasure_every_personal_field_reads_erased(app):
    cid = whole_case(app)
    seen = app.get_case(Actor(SW, "social_worker"), cid)
    assert (
        seen["beneficiary"]["full_name"] == "[erased]" and seen["plan"]["objectives"] == "[erased]"
    )
    assert seen["stage"] == "archived" and seen["history"][-1] == "archived"
