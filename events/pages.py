"""One page of a list query, cut in the service (issue 17): a county's list
never travels whole over RPC. ``page_after(rows, limit, cursor, key)``
answers ``{"items": [...], "next_cursor": str | None, "total": n}``.

The cursor names the last row of the previous page by its sort key (keyset
paging), not by an offset: a row added or removed meanwhile neither repeats
nor hides the rows after it. It is opaque to callers (urlsafe base64 of the
key's parts); the gateway wraps it in a cursor of its own (gateway/paging.py).
"""

from __future__ import annotations

import base64
import heapq
import json
from collections.abc import Callable, Iterable
from typing import Any

from events.errors import InvalidCommand

MAX_LIMIT = 500
Key = tuple[str, ...]


def page_after(
    rows: Iterable[dict[str, Any]],
    limit: int,
    cursor: str | None,
    key: Callable[[dict[str, Any]], Key],
) -> dict[str, Any]:
    """The ``limit`` rows after ``cursor`` in ``key`` order, of all ``rows``
    (the caller's scope, already filtered)."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidCommand(f"limit must be a whole number from 1 to {MAX_LIMIT}", field="limit")
    after = _decode(cursor) if cursor else None
    rows = list(rows)
    following = rows if after is None else [r for r in rows if key(r) > after]
    # one more than the page says whether another follows; no sort of the whole
    chunk = heapq.nsmallest(limit + 1, following, key=key)
    items = chunk[:limit]
    more = len(chunk) > limit
    return {
        "items": items,
        "next_cursor": _encode(key(items[-1])) if more else None,
        "total": len(rows),
    }


def _encode(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).rstrip(b"=").decode()


def _decode(cursor: str) -> Key:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
        if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return tuple(parts)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidCommand("cursor is not one this list gave", field="cursor")
