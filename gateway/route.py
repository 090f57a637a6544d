"""One operation of the HTTP API: which service operation it forwards to, who
may call it, and how the request becomes the service's arguments.

The route tables (``gateway/routes/``) are the single source of the API: the
dispatcher serves them and ``gateway.openapi`` writes the OpenAPI document
from them, so the document cannot drift from what is served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from werkzeug.wrappers import Response

from gateway.problems import json_response

TECHNICIAN = "technician"
SOCIAL_WORKER = "social_worker"
SPAS_HEAD = "spas_head"
COUNTY_ADMIN = "county_admin"
AUDITOR = "auditor"

EVERYONE = frozenset({TECHNICIAN, SOCIAL_WORKER, SPAS_HEAD, COUNTY_ADMIN, AUDITOR})
# roles bound to one municipality (their token carries its SIRUTA code)
MUNICIPAL = frozenset({TECHNICIAN, SPAS_HEAD})
COUNTY = frozenset({COUNTY_ADMIN, AUDITOR})
READERS = EVERYONE
# who may read casework (cases, documents, risks, benefit checks, task sheets):
# everyone but the county admin, who reads figures per municipality, never a
# case, a document or a person (DESIGN §1, instrument G); the services refuse
# the county admin again
CASE_READERS = EVERYONE - {COUNTY_ADMIN}

# Path parameters naming a resource the caller must be in scope of: a service
# that refuses such a resource for scope is answered exactly like an unknown
# id, so that the answer never tells whether it exists.
RESOURCE_PARAMS = {
    "siruta": "municipality",
    "staff_id": "staff member",
    "technician_id": "technician",
    "coordinator_id": "coordinator",
    "contract_id": "contract",
    "task_id": "task",
    "incident_id": "incident",
    "entry_id": "journal entry",
    "case_id": "case",
    "document_id": "document",
    "risk_id": "urgent risk",
    "check_id": "benefit check",
    "beneficiary_id": "beneficiary",
    "evaluation_id": "evaluation",
    "report_id": "report",
    "session_id": "feedback session",
    "feedback_id": "feedback",
    "alert_id": "alert",
    "notification_id": "notification",
    "verification_id": "verification",
}

ParamType = Literal["string", "boolean", "integer", "date", "month", "uuid", "time"]


@dataclass(frozen=True)
class Param:
    """A query-string parameter of a query, passed on as a keyword argument."""

    name: str
    type: ParamType = "string"
    description: str = ""
    required: bool = False
    arg: str | None = None  # the service's argument name, when it differs

    @property
    def argument(self) -> str:
        return self.arg or self.name


@dataclass(frozen=True)
class Route:
    method: Literal["GET", "POST"]
    path: str  # OpenAPI style: /cases/{case_id}/documents
    service: str
    operation: str  # the service's RPC method
    roles: frozenset[str]
    summary: str
    tag: str
    params: tuple[Param, ...] = ()  # queries: the query string
    paged: bool = False  # queries answering a list: paginated envelope
    created: bool = False  # commands creating a resource: 201
    # path parameters renamed for the service (path name -> argument/field name)
    renames: tuple[tuple[str, str], ...] = ()
    description: str = ""
    # a fixed keyword argument or command field this route always adds
    fixed: tuple[tuple[str, object], ...] = field(default=())
    public: bool = False  # answered without a token (logging in, the API's description)
    # the guide's rule that reserves this operation to its roles (R2: an
    # exclusive act of the social worker), named in the refusal of any other role
    rule: str | None = None
    # JSON Schemas of the gateway's own operations (a service's command has its
    # schema in contracts/commands/)
    body: dict | None = field(default=None, hash=False, compare=False)
    returns: dict | None = field(default=None, hash=False, compare=False)
    # a command that starts work the client then follows (202): where its
    # progress is read, filled from the answer's fields (``located``)
    location: str | None = None

    @property
    def is_command(self) -> bool:
        return self.method == "POST"

    @property
    def status(self) -> int:
        """Of success: 201 for a command that creates a resource, 202 for
        one that starts work still under way."""
        return 201 if self.created else 202 if self.location else 200

    def located(self, answer: Any) -> dict[str, str]:
        """The ``Location`` header of what the command started; none for an
        answer without the fields it names (a refusal)."""
        if self.location is None or not isinstance(answer, dict):
            return {}
        try:
            return {"Location": self.location.format(**answer)}
        except KeyError:
            return {}

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def argument(self, path_param: str) -> str:
        return dict(self.renames).get(path_param, path_param)

    @property
    def operation_id(self) -> str:
        return f"{self.service}.{self.operation}" + (
            "" if not self.fixed else "." + ".".join(f"{k}" for k, _ in self.fixed)
        )

    @property
    def werkzeug_rule(self) -> str:
        return re.sub(r"{(\w+)}", r"<\1>", self.path)


def command(
    path: str,
    service: str,
    operation: str,
    roles: frozenset[str],
    summary: str,
    *,
    tag: str,
    created: bool = False,
    renames: tuple[tuple[str, str], ...] = (),
    description: str = "",
    returns: dict | None = None,
    rule: str | None = None,
    location: str | None = None,
) -> Route:
    """A POST whose JSON body is the service command (its schema is
    ``contracts/commands/<service>/<operation>.schema.json``); path
    parameters fill the command's fields of the same name."""
    return Route(
        "POST",
        path,
        service,
        operation,
        roles,
        summary,
        tag,
        created=created,
        renames=renames,
        description=description,
        returns=returns,
        rule=rule,
        location=location,
    )


# what the county's jobs answer: one entry per contract, incident... acted on
ACTED_ON = {"type": "array", "items": {"type": "object"}}


def query(
    path: str,
    service: str,
    operation: str,
    roles: frozenset[str],
    summary: str,
    *,
    tag: str,
    params: tuple[Param, ...] = (),
    paged: bool = False,
    renames: tuple[tuple[str, str], ...] = (),
    description: str = "",
    fixed: tuple[tuple[str, object], ...] = (),
) -> Route:
    """A GET: path and query parameters become the query's keyword arguments."""
    return Route(
        "GET",
        path,
        service,
        operation,
        roles,
        summary,
        tag,
        params=params,
        paged=paged,
        renames=renames,
        description=description,
        fixed=fixed,
    )


def answered(route: Route, answer: Any) -> Response:
    """A route's success: its status, and the ``Location`` of what it started."""
    response = json_response(route.status, answer)
    response.headers.update(route.located(answer))
    return response


# a record read as it was (issue 19, ``events.as_of``): the same answer, from
# the record's events up to a moment or to one of its versions
PAST = (
    Param(
        "as_of",
        "time",
        "The record as it was at this moment (ISO 8601 with its UTC offset, e.g. "
        "2026-03-01T09:30:00+02:00), rebuilt from its events up to then",
    ),
    Param("version", "integer", "The record as it was at this version of it"),
)


def record(
    path: str,
    service: str,
    operation: str,
    roles: frozenset[str],
    summary: str,
    *,
    tag: str,
    description: str = "",
) -> Route:
    """A GET of one record, also as it was (``as_of`` or ``version``)."""
    return query(
        path, service, operation, roles, summary, tag=tag, params=PAST, description=description
    )


HISTORY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["version", "event", "at", "position", "changed"],
        "properties": {
            "version": {"type": "integer"},
            "event": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
            "actor_id": {"type": ["string", "null"]},
            "actor_role": {"type": ["string", "null"]},
            "correlation_id": {"type": ["string", "null"]},
            "position": {"type": "integer"},
            # null: the reader was not among the record's readers at that version
            "changed": {"type": ["object", "null"]},
        },
    },
}


def history_of(route: Route) -> Route:
    """A record's history beside it (``…/history``): the same read at each
    of its versions, and what each event changed."""
    return replace(
        route,
        path=f"{route.path}/history",
        summary=f"{route.summary}: its history",
        params=(),
        fixed=(("history", True),),
        returns=HISTORY,
        description=(
            "Each event of the record in order: when, who (id and role), correlation id, "
            "position in the service's log, and the fields of the record it changed "
            "(before → after); personal fields as you may see them, each such read recorded."
        ),
    )
