"""Each name in one place: the lists of ``events.vocabulary`` are the only
spelling of an enumerated name. The vocabulary schema is generated from
them, every command and event schema refers to it instead of repeating a
list, and the web pages label exactly the names the vocabulary has."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from events import contracts
from events import vocabulary as shared
from events.errors import InvalidCommand
from events.vocabulary import cases, coordination, evaluations, schema
from gateway.web import words
from services.coordination.contracts.rules import OBLIGATIONS

VOCABULARY = contracts.CONTRACTS_DIR / schema.FILE_NAME

# An ``enum`` a schema may keep, by "<file>:<json path>", each with its reason.
# Empty: a new list belongs in the vocabulary.
ENUMS_ALLOWED: dict[str, str] = {}


def schema_files() -> list[Path]:
    return [
        path
        for path in sorted(contracts.CONTRACTS_DIR.rglob("*.schema.json"))
        if path != VOCABULARY
    ]


def nodes(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from nodes(value, f"{where}/{n}")


def test_the_vocabulary_schema_is_generated_from_the_python_lists():
    assert VOCABULARY.read_text() == schema.render(), "run make catalogue"


def test_no_schema_spells_a_list_of_names_itself():
    spelled = [
        f"{path.relative_to(contracts.CONTRACTS_DIR)}:{where}"
        for path in schema_files()
        for where, node in nodes(json.loads(path.read_text()))
        if "enum" in node
    ]
    unexplained = [s for s in spelled if s not in ENUMS_ALLOWED]
    assert not unexplained, "refer to contracts/vocabulary.schema.json instead"


def test_every_reference_names_a_list_and_every_list_is_referred_to():
    used = set()
    for path in schema_files():
        for _, node in nodes(json.loads(path.read_text())):
            ref = node.get("$ref", "")
            if schema.FILE_NAME in ref:
                name = ref.rsplit("/", 1)[-1]
                assert name in schema.LISTS, f"{path.name}: {ref}"
                used.add(name)
                # resolves from where it is written, the same as the validators
                contracts.resolved(path.relative_to(contracts.CONTRACTS_DIR).as_posix())
    assert set(schema.LISTS) == used


def test_a_name_outside_the_vocabulary_is_refused_naming_its_field():
    with pytest.raises(InvalidCommand) as refused:
        contracts.check_command(
            "cases",
            "revise_document",
            {
                "document_id": str(uuid4()),
                "content": {"text": "v2"},
                "beneficiary_signature": "stamp",
            },
        )
    assert refused.value.details["field"] == "beneficiary_signature"
    assert "'stamp' is not one of ['self', 'none', 'on_behalf']" in str(refused.value)


def test_the_web_pages_label_exactly_the_names_of_the_vocabulary():
    labelled = {
        "ROLES": shared.ROLES,
        "CATEGORY_LABELS": shared.CATEGORIES,
        "TASK_TYPES": shared.DELEGABLE_TASKS,
        "AUTONOMY": shared.AUTONOMY_LEVELS,
        "CHANNELS": shared.MEETING_CHANNELS,
        "EVALUATION_KINDS": shared.EVALUATION_KINDS,
        "ESCALATION_LEVELS": shared.ESCALATION_LEVELS,
        "DOCUMENT_KINDS": cases.DOCUMENT_KINDS,
        "CASE_FILE_DOCUMENTS": cases.CASE_FILE_DOCUMENTS,
        "RISK_CATEGORIES": cases.RISK_CATEGORIES,
        "BENEFITS": cases.BENEFITS,
        "CHECKED_DOCUMENTS": cases.BENEFIT_DOCUMENTS,
        "DISCREPANCIES": cases.DISCREPANCIES,
        "RISK_LEVELS": cases.RISK_LEVELS,
        "URGENT_LEVELS": cases.URGENT_RISK_LEVELS,
        "DECISIONS": cases.DECISIONS,
        "CASE_OUTCOMES": cases.CLOSURE_OUTCOMES,
        "RESPONSIBLE": cases.RESPONSIBLE,
        "INSTITUTIONS": cases.INSTITUTIONS,
        "PRIORITIES": coordination.TASK_PRIORITIES,
        "TASK_OBSTACLES": coordination.TASK_OBSTACLES,
        "ENTRY_KINDS": coordination.ENTRY_KINDS,
        "WITHDRAW_REASONS": coordination.WITHDRAWAL_REASONS,
        "DIFFICULTIES": coordination.DIFFICULTY_TYPES,
        "INFORMED_PARTIES": coordination.INFORMED_PARTIES,
        "INCIDENT_OUTCOMES": coordination.INCIDENT_OUTCOMES,
        "MISMATCH_PROPOSALS": coordination.MISMATCH_PROPOSALS,
        "SIGNING_PARTIES": coordination.SIGNING_PARTIES,
        "LEGAL_FORMS": coordination.LEGAL_FORMS,
        "EVALUATION_SECTIONS": evaluations.SHEET_SECTIONS,
        "EVALUATION_PARTIES": evaluations.EVALUATION_PARTIES,
    }
    for label_table, names in labelled.items():
        assert set(getattr(words, label_table)) == set(names), label_table


def test_the_sheet_tables_speak_of_the_sheets_sections():
    for kind in shared.EVALUATION_KINDS:
        required, allowed = evaluations.SHEET_REQUIRED[kind], evaluations.SHEET_ALLOWED[kind]
        assert set(required) <= set(allowed) <= set(evaluations.SHEET_SECTIONS), kind


def test_the_contract_rules_word_exactly_the_obligations_of_the_vocabulary():
    worded = {party: tuple(codes) for party, codes in OBLIGATIONS.items()}
    assert worded == coordination.CONTRACT_OBLIGATIONS
