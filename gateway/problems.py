"""Every error the gateway answers is an RFC 9457 problem (``application/
problem+json``) with a stable ``code``.

Errors of the services come over nameko RPC by the path of their class; the
one mapping table from those paths to codes and statuses is
``contracts/errors.json`` (generated from the services' error hierarchy by
``make catalogue``). Errors of the gateway itself (authentication, body,
paging, idempotency) are ``Problem``s raised here.

Every problem also says what happened to the person who reads it: its
``message``, ``{"ro": …, "en": …}``, its code's sentence
(``gateway.problem_texts``), the same the web app's pages show. ``title`` and
``detail`` stay English, for the developer and the log.
"""

from __future__ import annotations

import json
from functools import cache, partial
from pathlib import Path
from typing import Any

from nameko import exceptions as nameko_exceptions
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Response

from gateway.problem_texts import message
from gateway.rules import SCOPE, rule_text

ERRORS_TABLE = Path(__file__).resolve().parents[1] / "contracts" / "errors.json"
PROBLEM_TYPE = "https://coordonare.ro/problems/"
MEDIA_TYPE = "application/problem+json"
PROBLEM_MEMBERS = (
    "type",
    "title",
    "status",
    "code",
    "detail",
    "message",
    "instance",
    "correlation_id",
)


class Problem(Exception):
    """An answer other than success, as the client will read it."""

    def __init__(
        self, status: int, code: str, title: str, detail: str = "", **extensions: Any
    ) -> None:
        super().__init__(detail or title)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}
        self.kind: str | None = None  # of a service's error: not_found, forbidden...
        self.on_record = False  # a refusal the gateway stored as one (gateway.refused)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Problem:
        """A problem again from its stored body (an idempotent replay)."""
        extensions = {k: v for k, v in body.items() if k not in PROBLEM_MEMBERS}
        detail = body.get("detail", "")
        return cls(body["status"], body["code"], body["title"], detail, **extensions)

    def body(self, correlation_id: str, instance: str) -> dict[str, Any]:
        body = {
            "type": PROBLEM_TYPE + self.code,
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail or self.title,
            # from the code, never from a stored body (``from_body``): today's words
            "message": message(self.code),
            "instance": instance,
            "correlation_id": correlation_id,
        }
        return body | {k: v for k, v in self.extensions.items() if k not in body}


class ServiceError(RemoteError):
    """A service's domain error as it arrived: the class's path, its message
    and its details (the field, the rule...). Still a nameko ``RemoteError``
    of the same ``exc_type``, for any other caller in the process."""

    def __init__(self, path: str, message: str = "", details: Any = None) -> None:
        super().__init__(path.rsplit(".", 1)[-1], message)
        self.path, self.message = path, message
        self.details = details if isinstance(details, dict) else {}


@cache
def error_table() -> dict[str, dict[str, Any]]:
    return json.loads(ERRORS_TABLE.read_text())["errors"]


def register_service_errors() -> None:
    """Make nameko hand the gateway each catalogued error with its details,
    instead of a bare ``RemoteError`` that keeps only the message."""
    for path in error_table():
        nameko_exceptions.registry[path] = partial(ServiceError, path)


def unregister_service_errors() -> None:
    for path in error_table():
        nameko_exceptions.registry.pop(path, None)


def from_service(error: ServiceError, operation: str = "") -> Problem:
    """``operation``: the service operation refused, which R2's text names
    (the error's own ``act`` when it says one)."""
    entry = error_table()[error.path]
    # a detail named like a member of the problem itself (a contract's
    # "status", say) would collide with it: the problem's own wins
    details = {k: v for k, v in error.details.items() if v is not None and k not in PROBLEM_MEMBERS}
    rule = details.get("rule")
    if isinstance(rule, str):
        details |= ruled(rule, str(details.get("act") or operation), entry["code"])
    problem = Problem(entry["status"], entry["code"], entry["title"], error.message, **details)
    problem.kind = entry["kind"]
    return problem


def ruled(rule: str, operation: str = "", code: str = "") -> dict[str, Any]:
    """The members naming a refusal's rule: ``rule``, and ``rule_text`` in
    Romanian and English (``gateway.rules``)."""
    text = rule_text(rule, operation, code)
    return {"rule": rule, "rule_text": text} if text else {"rule": rule}


def hidden(resource: str) -> Problem:
    """What an unknown id and an id outside the caller's scope both get, word
    for word, so that the answer never tells whether the resource exists."""
    return Problem(404, "not_found", "Not found", f"There is no such {resource} that you can see.")


def forbidden_role(role: str, rule: str | None = None, operation: str = "") -> Problem:
    """``rule``: the guide's rule that reserves ``operation`` to other
    roles; where none does, the scope rule refuses it."""
    rule = rule or SCOPE
    return Problem(
        403,
        "role_not_allowed",
        "Not allowed for your role",
        f"{rule}: a {role} may not do this",
        role=role,
        **ruled(rule, operation),
    )


def outside_municipality(field: str) -> Problem:
    return Problem(
        403,
        "outside_your_municipality",
        "Outside your municipality",
        f"{SCOPE}: {field} names another municipality than yours",
        field=field,
        **ruled(SCOPE),
    )


def unauthorized(detail: str, code: str = "unauthenticated") -> Problem:
    problem = Problem(401, code, "Authentication required", detail)
    error = "" if code == "unauthenticated" else ', error="invalid_token"'
    problem.headers["WWW-Authenticate"] = f'Bearer realm="coordonare"{error}'
    return problem


def bad_request(code: str, detail: str, **extensions: Any) -> Problem:
    return Problem(400, code, "Bad request", detail, **extensions)


def unavailable(detail: str, retry_after: int = 5) -> Problem:
    """Nothing was done, and it may work in a moment: say when to try again."""
    problem = Problem(503, "service_unavailable", "Service unavailable", detail)
    problem.headers["Retry-After"] = str(retry_after)
    return problem


def internal() -> Problem:
    return Problem(500, "internal_error", "Internal error", "the request failed; it is logged")


def is_hidden(problem: Problem, path_fields: set[str]) -> bool:
    """A refusal for scope, an unknown id, a malformed id in the path: alike from outside."""
    if problem.kind in ("not_found", "forbidden"):
        return True
    return problem.status == 422 and problem.extensions.get("field") in path_fields


def media_of(status: int) -> str:
    return "application/json" if status < 400 else MEDIA_TYPE


def json_response(status: int, body: Any) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, mimetype="application/json")


def problem_response(problem: Problem, cid: str, instance: str) -> Response:
    text = json.dumps(problem.body(cid, instance), ensure_ascii=False)
    response = Response(text, status=problem.status, mimetype=MEDIA_TYPE)
    response.headers.update(problem.headers)
    return response
