"""The cases service's contract is complete and says what its code does: a
command schema for every RPC command, an event schema for every publication,
each a valid draft 2020-12 schema speaking the domain's vocabulary."""

import json
import re
from pathlib import Path
from uuid import uuid4

import pytest
from jsonschema import Draft202012Validator

from events import checkpoint, contracts
from events.errors import InvalidCommand
from events.vocabulary import CATEGORIES
from events.vocabulary import cases as names
from services.cases import documents
from tests.support.contract_code import commands_declared

ROOT = Path(__file__).parents[2]
SERVICE = ROOT / "services" / "cases" / "service.py"
PUBLISHED = ROOT / "services" / "cases" / "published.py"
REFUSALS = ROOT / "events" / "refusals.py"
COMMANDS = contracts.CONTRACTS_DIR / "commands" / "cases"
EVENTS = contracts.CONTRACTS_DIR / "events" / "cases"


def commands_in_code() -> set[str]:
    # each one declared as ``name = command("name", ...)``
    return commands_declared(SERVICE)


def publications_in_code() -> set[str]:
    names = set()
    for source in (PUBLISHED.read_text(), REFUSALS.read_text()):  # CommandRefused
        names |= set(re.findall(r'Publication\(\n? *"(\w+)"', source))
    steps = re.findall(r"^(?:DOCUMENT_)?STEPS = \{(.*?)^\}", PUBLISHED.read_text(), re.M | re.S)
    assert len(steps) == 2, "STEPS and DOCUMENT_STEPS"
    for body in steps:
        names |= set(re.findall(r':\s*"(\w+)"', body))
    return names


def schema(path: Path) -> dict:
    return json.loads(path.read_text())


def command_schema(name: str) -> dict:
    return contracts.resolved(f"commands/cases/{name}.schema.json")


def test_every_command_of_the_service_has_its_schema_and_no_schema_is_orphaned():
    in_code = commands_in_code()
    assert len(in_code) == 35
    on_file = {p.name.removesuffix(".schema.json") for p in COMMANDS.glob("*.schema.json")}
    assert on_file == in_code


def test_every_publication_has_its_event_schema_and_no_schema_is_orphaned():
    in_code = publications_in_code()
    assert len(in_code) == 35
    on_file = {p.name.removesuffix(".v1.schema.json") for p in EVENTS.glob("*.v1.schema.json")}
    # a checkpoint signs the store's chain and is published beside it (ADR 23)
    assert on_file == in_code | {checkpoint.NAME}
    assert {p.name for p in EVENTS.iterdir()} == {
        f"{n}.v1.schema.json" for n in in_code | {checkpoint.NAME}
    }
    for name in in_code:
        assert f"ro.coordonare.cases.{name}.v1" in contracts.published_event_types()


def test_every_schema_is_a_valid_closed_draft_2020_12_schema_named_for_its_file():
    paths = sorted(COMMANDS.glob("*.schema.json")) + sorted(EVENTS.glob("*.schema.json"))
    assert len(paths) == 71
    for path in paths:
        doc = schema(path)
        Draft202012Validator.check_schema(doc)
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        relative = path.relative_to(contracts.CONTRACTS_DIR).as_posix()
        assert doc["$id"] == f"https://coordonare.ro/contracts/{relative}"
        assert doc["additionalProperties"] is False, path.name
        assert doc["description"], path.name
        if path.parent == EVENTS:
            name = path.name.removesuffix(".v1.schema.json")
            assert doc["title"] == f"ro.coordonare.cases.{name}.v1"
            assert set(doc["required"]) == set(doc["properties"]), path.name
        else:
            assert doc["title"] == f"cases.{path.name.removesuffix('.schema.json')}"


def test_nobody_signs_on_behalf_is_the_domains_refusal_not_a_malformed_command():
    """R2, case 1 of 4.6: the schema lets on_behalf through, so the domain
    refuses it naming R2 and the attempt is recorded."""
    draft = {
        "case_id": str(uuid4()),
        "kind": "visit_report",
        "content": {"text": "Vizită la domiciliu.", "facts": {"rooms": 2}, "contacts": ["școala"]},
        "beneficiary_signature": "on_behalf",
        "occurred_at": "2026-11-23T10:00:00+02:00",
    }
    assert contracts.check_command("cases", "draft_document", draft) is draft
    revision = {
        "document_id": str(uuid4()),
        "content": {"text": "v2"},
        "beneficiary_signature": "on_behalf",
    }
    contracts.check_command("cases", "revise_document", revision)
    with pytest.raises(InvalidCommand) as refused:
        contracts.check_command("cases", "draft_document", draft | {"beneficiary_signature": "x"})
    assert refused.value.details["field"] == "beneficiary_signature"


def test_the_rnasr_code_of_a_notification_never_comes_from_the_caller():
    notification = {
        "risk_id": str(uuid4()),
        "institution": "police",
        "reference": "nr. 1234/2026",
        "summary": "Suspiciune de abuz, copil de 7 ani.",
    }
    contracts.check_command("cases", "notify_institution", notification)
    with pytest.raises(InvalidCommand, match="'rnasr_code' was unexpected") as refused:
        contracts.check_command(
            "cases", "notify_institution", notification | {"rnasr_code": "AS-FAKE"}
        )
    assert "rnasr_code" in str(refused.value)


def test_command_schemas_speak_the_domain_vocabulary():
    def enum(command: str, *path: str) -> list:
        node = command_schema(command)["properties"]
        for key in path:
            node = node[key]
        return node["enum"]

    refer = command_schema("refer_case")["properties"]
    assert refer["categories"]["items"]["enum"] == list(CATEGORIES)
    assert enum("refer_case", "referral_source") == list(names.REFERRAL_SOURCES)
    assert refer["beneficiary"]["properties"]["kind"]["enum"] == list(names.BENEFICIARY_KINDS)
    assert enum("record_social_diagnosis", "risk_level") == list(names.RISK_LEVELS)
    objective = command_schema("write_intervention_plan")["properties"]["objectives"]["items"]
    assert objective["properties"]["responsible"]["enum"] == list(names.RESPONSIBLE)
    assert enum("record_decision", "decision") == list(names.DECISIONS)
    assert enum("close_case", "outcome") == list(names.CLOSURE_OUTCOMES)
    assert enum("draft_document", "kind") == list(documents.KINDS)
    assert enum("draft_document", "beneficiary_signature") == list(names.SIGNATURES)
    assert enum("revise_document", "beneficiary_signature") == list(names.SIGNATURES)
    assert enum("report_urgent_risk", "category") == list(names.RISK_CATEGORIES)
    assert enum("assess_urgent_risk", "level") == list(names.URGENT_RISK_LEVELS)
    assert enum("assess_urgent_risk", "measures", "items") == list(names.RISK_MEASURES)
    assert enum("notify_institution", "institution") == list(names.INSTITUTIONS)
    assert enum("record_benefit_check", "benefit") == list(names.BENEFITS)
    assert enum("record_benefit_check", "documents_checked", "items") == list(
        names.BENEFIT_DOCUMENTS
    )
    assert enum("record_benefit_check", "discrepancies", "items") == list(names.DISCREPANCIES)
    assert enum("record_benefit_check", "outcome") == list(names.BENEFIT_OUTCOMES)
    assert enum("cosign_benefit_check", "decision") == list(names.BENEFIT_OUTCOMES)
    assert enum("cosign_benefit_check", "measures", "items") == list(names.COSIGN_MEASURES)
    assert enum("erase_personal_data", "legal_basis") == list(names.ERASURE_BASES)


def test_malformed_case_commands_name_the_field():
    case_id = str(uuid4())
    with pytest.raises(InvalidCommand) as refused:
        contracts.check_command(
            "cases", "close_case", {"case_id": case_id, "outcome": "solved", "rationale": "r"}
        )
    assert refused.value.details["field"] == "outcome"
    with pytest.raises(InvalidCommand) as refused:
        contracts.check_command(
            "cases",
            "draft_document",
            {
                "case_id": case_id,
                "kind": "progress_report",
                "content": {"text": "t"},
                "period": "2026-13",
            },
        )
    assert refused.value.details["field"] == "period"
    with pytest.raises(InvalidCommand) as refused:
        contracts.check_command(
            "cases",
            "report_urgent_risk",
            {
                "case_id": case_id,
                "category": "abuse",
                "observations": "o",
                "called_112": False,
                "observed_at": "2026-11-23 10:00",
            },
        )
    assert refused.value.details["field"] == "observed_at"
