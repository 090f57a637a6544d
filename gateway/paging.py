"""Pagination of list answers: ``limit`` (1–200, 50 by default) and an opaque
``cursor``; the answer is ``{"items": [...], "next_cursor": ..., "total": n}``
and a ``Link: <…>; rel="next"`` header while more remain.

The services answer a list within the caller's scope (a municipality, a
technician's cases) in a stable order; the gateway pages it. A list that
changes between two pages may show an item twice or skip one; the total
says how many there were at the time of the page.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from gateway.problems import bad_request

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def read_page_args(args: dict[str, str]) -> tuple[int, int]:
    try:
        limit = int(args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise bad_request(
            "invalid_parameter", "limit must be a whole number", field="limit"
        ) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request(
            "invalid_parameter", f"limit must be between 1 and {MAX_LIMIT}", field="limit"
        )
    cursor = args.get("cursor")
    if cursor is None:
        return limit, 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode().removeprefix("o:"))
    except (ValueError, UnicodeDecodeError):
        offset = -1
    if offset < 0 or not cursor:
        raise bad_request("invalid_cursor", "cursor is not one this API gave", field="cursor")
    return limit, offset


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).rstrip(b"=").decode()


def page(
    items: list[Any], limit: int, offset: int, path: str, args: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    chunk = items[offset : offset + limit]
    following = offset + limit
    body: dict[str, Any] = {"items": chunk, "next_cursor": None, "total": len(items)}
    headers: dict[str, str] = {}
    if following < len(items):
        body["next_cursor"] = _cursor(following)
        query = urlencode({**args, "cursor": body["next_cursor"], "limit": limit})
        headers["Link"] = f'<{path}?{query}>; rel="next"'
    return body, headers
