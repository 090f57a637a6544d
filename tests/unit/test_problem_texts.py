"""Whatever refuses a request, the person reads what happened in Romanian,
with its English beside it (issue 20 item 19): every code a service answers
with (contracts/errors.json) and every code the gateway answers with itself
has its sentence in ``gateway.problem_texts`` and its English in the web
app's catalogue; the API's problem says it in ``message``, the page shows it.
The whole county: tests/integration/test_gateway.py."""

from __future__ import annotations

import ast
import inspect
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway import problems
from gateway.problem_texts import GENERIC, SENTENCES, message
from gateway.problems import ERRORS_TABLE, Problem, forbidden_role, hidden
from gateway.web.i18n import gettext_of
from gateway.web.messages import current
from gateway.web.refusals import explain

GATEWAY = Path(problems.__file__).parent
# the gateway's ways of making a problem, and which argument is its code
MAKERS = {"Problem": 1, "bad_request": 0, "unauthorized": 1}


def service_codes() -> set[str]:
    return {entry["code"] for entry in json.loads(ERRORS_TABLE.read_text())["errors"].values()}


def gateway_codes() -> set[str]:
    """Every code written in the gateway's own code: a literal given to one
    of the ``MAKERS``, or the default its code takes when none is given."""
    found: set[str] = set()
    for source in GATEWAY.rglob("*.py"):
        if "node_modules" in source.parts:
            continue
        for call in ast.walk(ast.parse(source.read_text())):
            if not isinstance(call, ast.Call):
                continue
            maker = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if maker not in MAKERS:
                continue
            given = {k.arg: k.value for k in call.keywords}
            at = MAKERS[maker]
            code = call.args[at] if len(call.args) > at else given.get("code")
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.add(code.value)
    default = inspect.signature(problems.unauthorized).parameters["code"].default
    return found | {default}


def english(text: str) -> str:
    found = current().get(text)
    return found.string if found and isinstance(found.string, str) else ""


def test_the_gateway_codes_are_found_where_they_are_written() -> None:
    # the search above would otherwise pass by finding nothing
    assert {"malformed_json", "unauthenticated", "invalid_token", "not_found"} <= gateway_codes()
    assert {"too_many_requests", "idempotency_key_reused", "no_such_route"} <= gateway_codes()


@pytest.mark.parametrize(
    "codes", [service_codes, gateway_codes], ids=["of the services", "of the gateway"]
)
def test_every_code_a_person_can_meet_has_its_romanian_sentence_and_its_english(
    codes: Callable[[], set[str]],
) -> None:
    known = codes()
    assert not known - set(SENTENCES), "no Romanian sentence in gateway/problem_texts.py"
    untranslated = sorted(SENTENCES[c] for c in known if not english(SENTENCES[c]))
    assert not untranslated, "no English: run `make messages`, fill in messages.po"


def test_each_sentence_reads_in_romanian_with_its_diacritics_and_in_english() -> None:
    for code, text in SENTENCES.items():
        assert text.endswith("."), code
        assert not set(text) & {"ş", "ţ", "Ş", "Ţ"}, code  # ș and ț take the comma below
        assert message(code)["en"] != text, code


def test_a_problem_says_what_happened_in_romanian_and_english() -> None:
    body = hidden("case").body("c-1", "/cases/x")
    assert body["message"] == {
        "ro": "Nu există sau nu îl puteți vedea.",
        "en": "It does not exist or you cannot see it.",
    }
    assert body["title"] == "Not found"  # title and detail stay English, as before
    assert body["detail"] == "There is no such case that you can see."


def test_a_refusal_by_a_rule_says_both_what_happened_and_its_rule() -> None:
    body = forbidden_role("technician", "R2", "open_case").body("c-1", "/cases/x/open")
    assert body["message"]["ro"] == "Rolul dumneavoastră nu permite acest act."
    assert body["rule_text"]["ro"] == "doar asistentul social coordonator deschide cazul"


def test_a_problem_given_again_from_its_stored_answer_says_todays_words() -> None:
    stored = Problem(409, "request_in_progress", "Request in progress").body("c-1", "/x")
    again = Problem.from_body(stored | {"message": {"ro": "vechi", "en": "old"}})
    assert "message" not in again.extensions
    assert again.body("c-2", "/x")["message"] == stored["message"]


def test_a_code_nobody_wrote_a_sentence_for_yet_still_reads_in_romanian() -> None:
    assert message("something_new") == {"ro": GENERIC, "en": gettext_of("en")(GENERIC)}


def test_the_page_shows_the_sentence_of_each_code_not_the_generic_one() -> None:
    ro = gettext_of("ro")
    for code in service_codes() | gateway_codes():
        shown = explain(Problem(409, code, "Conflict"), "", ro).message
        assert shown == SENTENCES[code], code
    task = Problem(404, "task_not_found", "Not found")
    assert explain(task, "", gettext_of("en")).message == (
        "The task does not exist or you cannot see it."
    )
