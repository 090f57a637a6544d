"""Writes the OpenAPI 3.1 document of the HTTP API (``contracts/openapi.json``)
from the route tables and the command contracts, so that what is described
is what is served. ``make catalogue`` writes it; a test keeps it fresh and a
property-based run (schemathesis) checks the live gateway against it."""

from __future__ import annotations

import json
from typing import Any

from events.contracts import CONTRACTS_DIR, resolved
from gateway.inputs import MONTH
from gateway.paging import DEFAULT_LIMIT, MAX_LIMIT
from gateway.route import RESOURCE_PARAMS, Param, Route
from gateway.routes import ROUTES

OPENAPI_FILE = CONTRACTS_DIR / "openapi.json"
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `code` is stable (contracts/errors.json).",
    "required": ["type", "title", "status", "code", "detail", "message", "correlation_id"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "message": {
            "type": "object",
            "description": "What happened, for the person who made the request: one sentence "
            "per `code`, in Romanian and English, the same the web app shows (`title` and "
            "`detail` are English, for developers)",
            "required": ["ro", "en"],
            "properties": {"ro": {"type": "string"}, "en": {"type": "string"}},
        },
        "instance": {"type": "string"},
        "correlation_id": {"type": "string"},
        "rule": {
            "type": "string",
            "pattern": "^(R([1-9]|10)|scope)$",
            "description": "Of a refusal (403): the rule that refused it, the guide's R1–R10 "
            "or `scope` (role, municipality or relation where no rule of the guide applies)",
        },
        "rule_text": {
            "type": "object",
            "description": "What the rule says, in Romanian and English",
            "required": ["ro", "en"],
            "properties": {"ro": {"type": "string"}, "en": {"type": "string"}},
        },
    },
}
TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "month": {"type": "string", "pattern": f"^{MONTH.pattern}$"},
    "uuid": {"type": "string", "format": "uuid"},
    "time": {"type": "string", "format": "date-time"},
}
ERRORS = {
    "400": "Malformed request: bad JSON, unknown or invalid parameter",
    "401": "No token, or one that is not valid",
    "403": "Not allowed: your role, your municipality, or a competence rule (R1–R10); the "
    "problem names its `rule` (R1–R10 or `scope`) and says it in `rule_text`, and the "
    "refusal is on record (`CommandRefused`, docs/events.md)",
    "404": "No such resource that you can see (unknown and out of scope read alike)",
    "409": "Conflict: a duplicate, an out-of-order step, a request still in progress",
    "413": "The body is too large",
    "415": "The body is not JSON",
    "429": "Too many requests: wait the seconds of Retry-After",
    "422": "The command is not valid (its field is named)",
    "503": "A service is unavailable",
    "504": "A service did not answer in time",
}
HEADERS = {
    "X-Correlation-Id": {
        "description": "The request's correlation id (yours if you sent one, else made)",
        "schema": {"type": "string"},
    }
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _problem_responses(route: Route) -> dict[str, Any]:
    codes = ["400", "401", "403", "404", "422", "429", "503", "504"]
    if route.is_command:
        codes += ["409", "413", "415"]
    if route.public:  # of the public ones, only signing in is limited
        codes = ["400", "401", "404", "413", "415", "422", "429"] if route.is_command else ["404"]
    return {
        code: {
            "description": ERRORS[code],
            "headers": HEADERS | (RETRY_AFTER if code == "429" else {}),
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for code in sorted(codes)
    }


def _command_schema(route: Route) -> dict[str, Any]:
    if route.body is not None:
        return route.body
    # resolved: the vocabulary's lists inlined, so the document stands alone
    schema = resolved(f"commands/{route.service}/{route.operation}.schema.json")
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    filled = {route.argument(p) for p in route.path_params}
    for name in filled:
        schema.get("properties", {}).pop(name, None)
    schema["required"] = [r for r in schema.get("required", []) if r not in filled]
    if not schema["required"]:
        del schema["required"]
    return schema


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": f"id of the {RESOURCE_PARAMS.get(name, name)}",
            "schema": {"type": "string"},
        }
        for name in route.path_params
    ]
    params: list[Param] = list(route.params)
    if route.paged:
        params += [
            Param("limit", "integer", f"page size, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})"),
            Param("cursor", "string", "`next_cursor` of the previous page"),
        ]
    for p in params:
        schema = dict(TYPES[p.type])
        if p.name == "limit":
            schema |= {"minimum": 1, "maximum": MAX_LIMIT}
        parameters.append(
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": p.description,
                "schema": schema,
            }
        )
    return parameters


def _success(route: Route) -> dict[str, Any]:
    if route.paged:
        schema: dict[str, Any] = {"$ref": "#/components/schemas/Page"}
    elif route.returns is not None:
        schema = route.returns
    elif route.is_command:
        schema = {"type": "object"}
    else:
        schema = {"type": ["object", "null"]}
    headers: dict[str, Any] = dict(HEADERS)
    if route.paged:
        headers["Link"] = {
            "description": 'rel="next" while more remain',
            "schema": {"type": "string"},
        }
    if route.location:
        headers["Location"] = {
            "description": f"Where its progress is read: {route.location}",
            "required": True,
            "schema": {"type": "string"},
        }
    done = "Started: follow it at Location" if route.location else "Done"
    return {
        str(route.status): {
            "description": done if route.is_command else "The answer",
            "headers": headers,
            "content": {"application/json": {"schema": schema}},
        }
    }


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": _parameters(route),
        "responses": _success(route) | _problem_responses(route),
    }
    if route.description:
        operation["description"] = route.description
    if route.public:
        operation["security"] = []
    else:
        operation["x-roles"] = sorted(route.roles)
    if route.is_command:
        schema = _command_schema(route)
        operation["requestBody"] = {
            "required": bool(schema.get("required")),
            "content": {"application/json": {"schema": schema}},
        }
        if not route.public:
            operation["parameters"].append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "A retried request with the same key never acts twice",
                    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
                }
            )
    return operation


def document(routes: list[Route] = ROUTES) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Coordonare",
            "version": "1.0.0",
            "description": (
                "Coordination of social-work technicians by registered social workers "
                "(DGASPC / SPAS). Bearer JWTs (RS256); every answer carries "
                "X-Correlation-Id; errors are RFC 9457 problems with a stable `code`; "
                "`x-roles` lists who may call an operation (scope and the guide's rules "
                "are checked again by the services)."
            ),
        },
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
            "schemas": {
                "Problem": PROBLEM,
                "Page": {
                    "type": "object",
                    "required": ["items", "next_cursor", "total"],
                    "properties": {
                        "items": {"type": "array"},
                        "next_cursor": {"type": ["string", "null"]},
                        "total": {"type": "integer"},
                    },
                },
            },
        },
    }


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
