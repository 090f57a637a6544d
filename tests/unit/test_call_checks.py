"""What every RPC call is checked against before it acts (issue 17: the
same checks, done for less): its actor's shape, its command's contract, and
its arguments against the entrypoint's signature."""

from __future__ import annotations

import functools
import json
from types import SimpleNamespace
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from nameko.exceptions import IncorrectSignature
from nameko.extensions import Entrypoint

from events import contracts
from events.contracts import CONTRACTS_DIR, check_actor, validator
from events.errors import InvalidCommand
from events.nameko import SignatureReadOnce

TECHNICIAN = {"id": "tech-1", "role": "technician", "municipality": "54975"}


def test_an_actor_seen_valid_is_taken_again_and_a_wrong_one_is_refused_every_time() -> None:
    assert check_actor(dict(TECHNICIAN)) == TECHNICIAN
    assert check_actor(dict(TECHNICIAN)) == TECHNICIAN
    for wrong in (
        TECHNICIAN | {"role": "king"},
        TECHNICIAN | {"municipality": "0"},
        TECHNICIAN | {"extra": "1"},
        {"role": "technician"},
    ):
        for _ in range(2):  # refused again: a refusal is never remembered
            with pytest.raises(InvalidCommand):
                check_actor(wrong)


def test_an_actor_that_is_not_plain_strings_is_checked_every_time() -> None:
    """A list where a string belongs is never mistaken for a remembered actor."""
    check_actor(dict(TECHNICIAN))
    with pytest.raises(InvalidCommand):
        check_actor(TECHNICIAN | {"municipality": ["54975"]})
    with pytest.raises(InvalidCommand):
        check_actor(TECHNICIAN | {"id": 7})


def test_remembering_is_bounded() -> None:
    remembered = contracts._valid_actor.cache_info().maxsize
    assert remembered is not None
    for n in range(remembered + 10):
        check_actor({"id": f"p-{n}", "role": "social_worker", "municipality": None})
    assert contracts._valid_actor.cache_info().currsize <= remembered


@pytest.mark.parametrize(
    "path",
    sorted(str(p.relative_to(CONTRACTS_DIR)) for p in CONTRACTS_DIR.rglob("*.schema.json")),
)
def test_a_contract_with_its_references_inlined_judges_as_the_file_does(path: str) -> None:
    """The validator runs over the file with its ``$ref``s to other files
    inlined; what it refuses, and how it says so, is what the file itself,
    its references followed through the registry, refuses."""
    raw = json.loads((CONTRACTS_DIR / path).read_text())
    as_written = Draft202012Validator(
        raw, registry=contracts.registry(), format_checker=FormatChecker()
    )
    payloads: list[Any] = [{}, None, [], {"unknown": 1}, TECHNICIAN]
    payloads += [{name: "x" for name in raw.get("properties", {})}]
    payloads += [{name: 1 for name in raw.get("properties", {})}]
    for payload in payloads:
        assert _said(validator(path), payload) == _said(as_written, payload), payload


def _said(v: Draft202012Validator, payload: Any) -> list[tuple[str, str]]:
    return sorted((".".join(map(str, e.path)), e.message) for e in v.iter_errors(payload))


class Service:
    def plain(self, case_id: str, kind: str = "note") -> None: ...

    @functools.wraps(plain)
    def wrapped(self, *args: Any, **kwargs: Any) -> None: ...


class NamekoChecks(Entrypoint):
    """nameko's own check, the reference."""


class ReadOnce(SignatureReadOnce, Entrypoint):
    pass


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("c",), {}),
    (("c", "k"), {}),
    ((), {"case_id": "c"}),
    ((), {}),
    (("c", "k", "extra"), {}),
    (("c",), {"unknown": 1}),
    (("c",), {"case_id": "again"}),
]


@pytest.mark.parametrize("method", ["plain", "wrapped"])
def test_arguments_are_judged_against_the_signature_as_nameko_judges_them(method: str) -> None:
    container = SimpleNamespace(service_cls=Service)
    reference, read_once = NamekoChecks(), ReadOnce()
    for entrypoint in (reference, read_once):
        entrypoint.container, entrypoint.method_name = container, method
    for args, kwargs in CALLS:
        assert _verdict(read_once, args, kwargs) == _verdict(reference, args, kwargs)


def _verdict(entrypoint: Entrypoint, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    try:
        entrypoint.check_signature(args, kwargs)
    except IncorrectSignature:
        return False
    return True
