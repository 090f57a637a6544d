"""The gateway's own operations (``gateway/routes/own.py``): logging in,
the issuer's keys, the checkpoint keys, the API's description, who am I,
the county report, who audited what."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from events.checkpoint import PUBLISHED_KEYS, published_keys
from gateway.api import Gateway, LocalHandler
from gateway.auditor_log import auditor_requests
from gateway.auth import Principal
from gateway.openapi import OPENAPI_FILE
from gateway.problems import Problem
from gateway.reports import county_report
from gateway.route import Route


def _no_local_issuer() -> Problem:
    return Problem(
        404,
        "no_local_issuer",
        "Not found",
        "this gateway has no local issuer: log in with the county's identity provider",
    )


def token(
    gateway: Gateway, route: Route, who: Principal | None, body: dict[str, Any]
) -> dict[str, Any]:
    if gateway.issuer is None:
        raise _no_local_issuer()
    return gateway.issuer.token(body.get("username"), body.get("password"))


def jwks(
    gateway: Gateway, route: Route, who: Principal | None, args: dict[str, Any]
) -> dict[str, Any]:
    if gateway.issuer is None:
        raise _no_local_issuer()
    return gateway.issuer.jwks()


def checkpoint_keys(
    gateway: Gateway, route: Route, who: Principal | None, args: dict[str, Any]
) -> dict[str, Any]:
    """What an auditor verifies the services' checkpoints with (ADR 23)."""
    keys = published_keys()
    if not keys:
        raise Problem(
            404,
            "no_checkpoint_keys",
            "Not found",
            f"this deployment publishes no checkpoint keys ({PUBLISHED_KEYS} is unset)",
        )
    return {"keys": keys}


@cache
def _description() -> dict[str, Any]:
    return json.loads(OPENAPI_FILE.read_text())


def openapi(
    gateway: Gateway, route: Route, who: Principal | None, args: dict[str, Any]
) -> dict[str, Any]:
    return _description()


def me(
    gateway: Gateway, route: Route, who: Principal | None, args: dict[str, Any]
) -> dict[str, Any]:
    assert who is not None  # not a public route: the gateway verified the token
    return who.actor()


def local_handlers() -> dict[str, LocalHandler]:
    return {
        "gateway.token": token,
        "gateway.jwks": jwks,
        "gateway.checkpoint_keys": checkpoint_keys,
        "gateway.openapi": openapi,
        "gateway.me": me,
        "gateway.county_report": county_report,
        "gateway.auditor_requests": auditor_requests,
    }
