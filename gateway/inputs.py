"""From an HTTP request to a service's arguments: the JSON body of a command
(size, media type, syntax, the path's ids) and the typed query string of a
query. Everything refused here is a 400/413/415/422 problem, before any
service is asked."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from jsonschema import Draft202012Validator
from werkzeug.wrappers import Request

from gateway.problems import Problem, bad_request
from gateway.route import Param, Route

PAGE_ARGS = ("limit", "cursor")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def read_body(request: Request, max_bytes: int) -> bytes:
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large(max_bytes)
    body = request.stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise too_large(max_bytes)
    return body


def too_large(max_bytes: int) -> Problem:
    return Problem(
        413,
        "payload_too_large",
        "Payload too large",
        f"the body is larger than the {max_bytes} bytes a request may carry",
        max_bytes=max_bytes,
    )


def command_of(route: Route, request: Request, body: bytes, path: dict[str, str]) -> dict:
    """The command: the JSON object of the body, with the ids of the path."""
    if body.strip():
        media = request.mimetype
        if media != "application/json" and not media.endswith("+json"):
            raise Problem(
                415,
                "unsupported_media_type",
                "Unsupported media type",
                "send the body as application/json",
            )
        try:
            command = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request("malformed_json", f"the body is not valid JSON: {exc}") from None
    else:
        command = {}
    if not isinstance(command, dict):
        raise Problem(422, "invalid_command", "Invalid command", "the body must be a JSON object")
    for name, value in path.items():
        field = route.argument(name)
        if field in command and command[field] != value:
            raise Problem(
                422,
                "conflicting_field",
                "Invalid command",
                f"{field} in the body differs from the one in the path",
                field=field,
            )
        command[field] = value
    return command | dict(route.fixed)


@cache
def _validator(route: Route) -> Draft202012Validator:
    assert route.body is not None
    return Draft202012Validator(route.body)


def check_own_body(route: Route, command: dict[str, Any]) -> dict[str, Any]:
    """The body of one of the gateway's own operations, against its schema
    (a service checks its commands itself, against contracts/commands/)."""
    error = next(iter(_validator(route).iter_errors(command)), None)
    if error is not None:
        field = ".".join(str(p) for p in error.path) or None
        raise Problem(422, "invalid_command", "Invalid command", error.message, field=field)
    return command


def query_args(route: Route, args: dict[str, str], path: dict[str, str]) -> dict[str, Any]:
    """The query's keyword arguments: the path's ids and the typed query
    string; an unknown parameter is refused rather than ignored."""
    declared = {p.name: p for p in route.params}
    allowed = set(declared) | (set(PAGE_ARGS) if route.paged else set())
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise bad_request(
            "unknown_parameter",
            f"unknown query parameter: {', '.join(unknown)}",
            field=unknown[0],
        )
    kwargs: dict[str, Any] = {route.argument(k): v for k, v in path.items()}
    for param in route.params:
        if param.name in args:
            kwargs[param.argument] = _typed(param, args[param.name])
        elif param.required:
            raise bad_request(
                "missing_parameter",
                f"the query parameter {param.name} is required",
                field=param.name,
            )
    return kwargs | dict(route.fixed)


def _typed(param: Param, raw: str) -> Any:
    try:
        if param.type == "boolean":
            return {"true": True, "false": False, "1": True, "0": False}[raw.lower()]
        if param.type == "integer":
            number = int(raw)
            # past a PostgreSQL bigint, no id, position or count means anything
            return number if -(2**63) <= number < 2**63 else _fail()
        if param.type == "date":
            return date.fromisoformat(raw).isoformat() if len(raw) == 10 else _fail()
        if param.type == "month":
            return raw if MONTH.fullmatch(raw) else _fail()
        if param.type == "uuid":
            return str(UUID(raw))
        if param.type == "time":  # RFC 3339, as OpenAPI's date-time: with its offset
            return _moment(raw)
    except (KeyError, ValueError):
        expected = {
            "boolean": "true or false",
            "integer": "a whole number",
            "date": "a date YYYY-MM-DD",
            "month": "a month YYYY-MM",
            "uuid": "an id (UUID)",
            "time": "a moment with its offset, e.g. 2026-11-30T08:00:00+02:00",
        }[param.type]
        raise bad_request(
            "invalid_parameter", f"{param.name} must be {expected}", field=param.name
        ) from None
    return raw


def _moment(raw: str) -> str:
    # an unencoded "+" of the offset reaches us as a space
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", raw.strip())
    moment = datetime.fromisoformat(text)
    return moment.isoformat() if "T" in text.upper() and moment.tzinfo else _fail()


def _fail() -> Any:
    raise ValueError
