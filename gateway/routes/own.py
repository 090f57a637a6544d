"""The gateway's own operations: logging in with the local issuer, the keys
that verify its tokens and the services' checkpoints, the API's description,
who am I, and the county's consolidated report (instrument G), which it
assembles from two services."""

from gateway.route import COUNTY, EVERYONE, SPAS_HEAD, Param, Route, query

LOGIN = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 200},
        "password": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
    "additionalProperties": False,
}
TOKEN = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string"},
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer"},
    },
}
ME = {
    "type": "object",
    "required": ["id", "role", "municipality"],
    "properties": {
        "id": {"type": "string"},
        "role": {"type": "string"},
        "municipality": {"type": ["string", "null"]},
    },
}

ROUTES = [
    Route(
        "POST",
        "/auth/token",
        "gateway",
        "token",
        EVERYONE,
        "Log in (local issuer of `make run`; production uses the county's identity provider)",
        "authentication",
        public=True,
        body=LOGIN,
        returns=TOKEN,
    ),
    Route(
        "GET",
        "/.well-known/jwks.json",
        "gateway",
        "jwks",
        EVERYONE,
        "The public keys that verify the local issuer's tokens",
        "authentication",
        public=True,
        returns={"type": "object", "required": ["keys"]},
    ),
    Route(
        "GET",
        "/.well-known/checkpoint-keys.json",
        "gateway",
        "checkpoint_keys",
        EVERYONE,
        "The public keys that verify the services' signed chain checkpoints (ADR 23): "
        "current and rotated, each named by its kid",
        "audit",
        public=True,
        returns={"type": "object", "required": ["keys"]},
    ),
    Route(
        "GET",
        "/openapi.json",
        "gateway",
        "openapi",
        EVERYONE,
        "This API's description",
        "authentication",
        public=True,
        returns={"type": "object"},
    ),
    Route(
        "GET",
        "/me",
        "gateway",
        "me",
        EVERYONE,
        "Who the token says you are",
        "authentication",
        returns=ME,
    ),
    query(
        "/reports/county",
        "gateway",
        "county_report",
        COUNTY | {SPAS_HEAD},
        "Consolidated report per municipality (instrument G), aggregates only",
        tag="reports",
        params=(
            Param("month", "month", "YYYY-MM, not in the future", required=True),
            Param("municipality", "string", "SIRUTA code: one municipality only"),
        ),
        description=(
            "Per municipality: active cases by stage and category, visits against the "
            "plan's objective, documents awaiting validation and overdue, urgent risks with "
            "their acknowledgement times, coordination hours against the contract's 40 (R6), "
            "technicians without an active contract (unlawful under R1). A SPAS head sees "
            "their own municipality."
        ),
    ),
]
