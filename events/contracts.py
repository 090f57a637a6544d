"""The JSON Schemas in ``contracts/``: the envelope, every published event's
data, and every RPC command. The files are the contract an outside team
reads; this module only loads and applies them. The enumerated names live in
``vocabulary.schema.json``; the others refer to it with ``$ref``, resolved
through one ``referencing`` registry of every file by its ``$id``."""

from __future__ import annotations

import json
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from events.errors import InvalidCommand

CONTRACTS_DIR = Path(
    os.environ.get("CONTRACTS_DIR", Path(__file__).resolve().parents[1] / "contracts")
)


class ContractViolation(Exception):
    """A published event does not match its contract."""


@cache
def registry() -> Registry[Any]:
    """Every schema file under its ``$id``, so that a ``$ref`` between files
    (``../../vocabulary.schema.json#/$defs/category``) resolves offline."""
    resources: list[tuple[str, Resource[Any]]] = []
    for path in sorted(CONTRACTS_DIR.rglob("*.schema.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], DRAFT202012.create_resource(schema)))
    return Registry().with_resources(resources).crawl()


@cache
def validator(relative_path: str) -> Draft202012Validator:
    """The file's validator, over the file with its references to other files
    inlined (``resolved``): a ``$ref`` left in would be looked up again on
    every validation, half of what checking a command costs (issue 17).
    Inlining keeps the meaning: no contract has a local ``$ref``, and the only
    key beside a ``$ref`` is a ``description``."""
    schema = resolved(relative_path)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())


def resolved(relative_path: str) -> dict[str, Any]:
    """A schema file with its references to other files replaced by what
    they point at: for readers that do not follow ``$ref`` across files (the
    OpenAPI document, the event catalogue, a test reading an ``enum``)."""
    schema = json.loads((CONTRACTS_DIR / relative_path).read_text())
    resolver = registry().resolver(base_uri=schema["$id"])
    inlined: dict[str, Any] = _inline(schema, resolver)
    return inlined


def _inline(node: Any, resolver: Any) -> Any:
    if isinstance(node, list):
        return [_inline(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        target = resolver.lookup(ref)
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return _inline(target.contents, target.resolver) | _inline(rest, resolver)
    return {key: _inline(value, resolver) for key, value in node.items()}


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
    """Checked on every call, twice (``events.trust``, ``events.adapter``),
    and the same few people call all day: an actor of plain strings seen
    valid is taken as valid again without the schema (issue 17)."""
    key = _plain(actor)
    if key is None:
        return _check("commands/actor.schema.json", actor, "actor")
    _valid_actor(key)  # a refusal raises, and is never remembered
    return actor


@lru_cache(maxsize=4096)
def _valid_actor(key: tuple[tuple[str, str | None], ...]) -> None:
    _check("commands/actor.schema.json", dict(key), "actor")


def _plain(actor: Any) -> tuple[tuple[str, str | None], ...] | None:
    """A dict of strings (or nulls) as a key of exactly what it holds; anything
    else (None: checked every time) could compare equal to what it is not."""
    if type(actor) is not dict or len(actor) > 8:
        return None
    if not all(type(k) is str and (v is None or type(v) is str) for k, v in actor.items()):
        return None
    return tuple(sorted(actor.items()))


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
