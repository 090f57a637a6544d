"""The JSON Schemas in ``contracts/``: the envelope, every published event's
data, and every RPC command. The files are the contract an outside team
reads; this module only loads and applies them."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from events.errors import InvalidCommand

CONTRACTS_DIR = Path(
    os.environ.get("CONTRACTS_DIR", Path(__file__).resolve().parents[1] / "contracts")
)


class ContractViolation(Exception):
    """A published event does not match its contract."""


@cache
def validator(relative_path: str) -> Draft202012Validator:
    schema = json.loads((CONTRACTS_DIR / relative_path).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def event_schema_path(event_type: str) -> str:
    """``ro.coordonare.<service>.<Name>.v<N>`` -> its data schema file."""
    _, _, service, name, version = event_type.split(".")
    return f"events/{service}/{name}.{version}.schema.json"


def published_event_types() -> list[str]:
    """Every event type with a contract, from the files themselves."""
    types = []
    for path in sorted((CONTRACTS_DIR / "events").glob("*/*.schema.json")):
        name, version = path.name.removesuffix(".schema.json").rsplit(".", 1)
        types.append(f"ro.coordonare.{path.parent.name}.{name}.{version}")
    return types


def check_published(event: dict[str, Any]) -> None:
    """Envelope and data against their schemas; raises ``ContractViolation``."""
    problems = [
        f"envelope: {_describe(e)}" for e in validator("envelope.schema.json").iter_errors(event)
    ]
    path = event_schema_path(event.get("type", "..."))
    if not (CONTRACTS_DIR / path).exists():
        problems.append(f"no contract for type {event.get('type')!r}")
    else:
        problems += [
            f"data: {_describe(e)}" for e in validator(path).iter_errors(event.get("data"))
        ]
    if problems:
        raise ContractViolation("; ".join(problems))


def check_command(service: str, command: str, payload: Any) -> dict[str, Any]:
    """Shape of an RPC command; raises ``InvalidCommand`` naming the field."""
    return _check(f"commands/{service}/{command}.schema.json", payload, command)


def check_actor(actor: Any) -> dict[str, Any]:
    return _check("commands/actor.schema.json", actor, "actor")


def _check(path: str, payload: Any, what: str) -> dict[str, Any]:
    errors = sorted(validator(path).iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        field = ".".join(str(p) for p in first.path) or None
        raise InvalidCommand(
            f"invalid {what}: {_describe(first)}",
            field=field,
            problems=[_describe(e) for e in errors],
        )
    return payload


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.path)
    if error.validator == "additionalProperties":
        return f"{where or 'payload'}: {error.message}"
    return f"{where}: {error.message}" if where else error.message
