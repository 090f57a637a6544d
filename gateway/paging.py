"""Pagination of list answers: ``limit`` (1–200, 50 by default) and an opaque
``cursor``; the answer is ``{"items": [...], "next_cursor": ..., "total": n}``
and a ``Link: <…>; rel="next"`` header while more remain.

The services answer a list within the caller's scope (a municipality, a
technician's cases) in a stable order; the gateway pages it. A list that
changes between two pages may show an item twice or skip one; the total
says how many there were at the time of the page.

A list that grows with the county is paged in its service instead
(``SERVICE_PAGED``): the gateway passes ``limit`` and the service's own
cursor (``events.pages``, keyset: nothing repeats or is skipped) and gets one
page back; the public envelope and cursors look the same to a client.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from gateway.problems import bad_request

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
# (service, operation) of the lists their service pages
SERVICE_PAGED = frozenset(
    {
        ("cases", "list_cases"),
        ("notifications", "upcoming_reminders"),
        ("gateway", "auditor_requests"),  # paged by the gateway's read model (auditor_log)
    }
)
_SERVICE_CURSOR = "s:"


def read_page_args(args: dict[str, str]) -> tuple[int, int]:
    limit = _limit(args)
    cursor = args.get("cursor")
    if cursor is None:
        return limit, 0
    try:
        offset = int(_decoded(cursor).removeprefix("o:"))
    except ValueError:
        offset = -1
    if offset < 0 or not cursor:
        raise _foreign_cursor()
    return limit, offset


def read_service_page_args(args: dict[str, str]) -> tuple[int, str | None]:
    """The limit and the service's own cursor, for a list its service pages."""
    limit, cursor = _limit(args), args.get("cursor")
    if cursor is None:
        return limit, None
    try:
        decoded = _decoded(cursor)
    except ValueError:
        decoded = ""
    if not decoded.startswith(_SERVICE_CURSOR) or len(decoded) == len(_SERVICE_CURSOR):
        raise _foreign_cursor()
    return limit, decoded.removeprefix(_SERVICE_CURSOR)


def _limit(args: dict[str, str]) -> int:
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
    return limit


def _decoded(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
    except UnicodeDecodeError as error:
        raise ValueError(cursor) from error


def _foreign_cursor() -> Exception:
    return bad_request("invalid_cursor", "cursor is not one this API gave", field="cursor")


def _cursor(offset: int | str) -> str:
    """An offset into the list the gateway pages, or a service's own cursor."""
    token = f"o:{offset}" if isinstance(offset, int) else _SERVICE_CURSOR + offset
    return base64.urlsafe_b64encode(token.encode()).rstrip(b"=").decode()


def page(
    items: list[Any], limit: int, offset: int, path: str, args: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The envelope of a page the gateway cuts from the whole list."""
    following = offset + limit
    more = following if following < len(items) else None
    return _envelope(items[offset:following], len(items), more, limit, path, args)


def service_page(
    answer: dict[str, Any], limit: int, path: str, args: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The envelope of a page its service cut (``events.pages``)."""
    following = answer["next_cursor"]
    more = None if following is None else str(following)
    return _envelope(answer["items"], answer["total"], more, limit, path, args)


def _envelope(
    items: list[Any],
    total: int,
    following: int | str | None,
    limit: int,
    path: str,
    args: dict[str, str],
) -> tuple[dict[str, Any], dict[str, str]]:
    """``items``, ``next_cursor`` and ``total``, and the ``Link`` header to
    the next page while one follows."""
    body: dict[str, Any] = {"items": items, "next_cursor": None, "total": total}
    headers: dict[str, str] = {}
    if following is not None:
        body["next_cursor"] = _cursor(following)
        query = urlencode({**args, "cursor": body["next_cursor"], "limit": limit})
        headers["Link"] = f'<{path}?{query}>; rel="next"'
    return body, headers


@dataclass(frozen=True)
class Pages:
    """A list query's page, as the request asks for it: cut here (``offset``)
    or by the service (``cursor``, its own)."""

    limit: int
    offset: int = 0
    cursor: str | None = None
    in_service: bool = False

    def to_service(self) -> dict[str, Any]:
        """What the query sends its service besides its own arguments."""
        return {"limit": self.limit, "cursor": self.cursor} if self.in_service else {}

    def envelope(
        self, answer: Any, path: str, args: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        if self.in_service:
            return service_page(answer, self.limit, path, args)
        return page(list(answer), self.limit, self.offset, path, args)


def page_args(service: str, operation: str, paged: bool, args: dict[str, str]) -> Pages | None:
    """The page a list query asks for (None: not a list); its arguments
    checked before anything is sent."""
    if (service, operation) in SERVICE_PAGED:
        limit, cursor = read_service_page_args(args)
        return Pages(limit, cursor=cursor, in_service=True)
    if paged:
        limit, offset = read_page_args(args)
        return Pages(limit, offset)
    return None
