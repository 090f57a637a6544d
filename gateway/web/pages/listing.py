"""Lists on a page: a cursor page of what a query answered, as the API
pages it (``gateway.paging``), so that no page ever shows a whole county."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from gateway.paging import page as cut
from gateway.paging import read_page_args
from gateway.problems import Problem
from gateway.web import words
from gateway.web.page import Page

PAGE_SIZE = 20  # a phone's screenful or two


def paged(page: Page, items: list[Any], filters: dict[str, str]) -> tuple[list[Any], str, int]:
    """This page of ``items``, the address of the next one ("" when none)
    and how many there are. A cursor not ours starts again at the top."""
    given = {"limit": str(PAGE_SIZE)}
    if page.request.args.get("cursor"):
        given["cursor"] = page.request.args["cursor"]
    try:
        limit, offset = read_page_args(given)
    except Problem:
        limit, offset = PAGE_SIZE, 0
    body, _ = cut(items, limit, offset, page.request.path, filters)
    following = ""
    if body["next_cursor"]:
        following = f"{page.request.path}?{urlencode({**filters, 'cursor': body['next_cursor']})}"
    return body["items"], following, body["total"]


def items_of(answer: Any) -> list[Any]:
    """A list's answer as its items: the gateway answers a list it pages
    with an envelope (``items``, ``next_cursor``, ``total``), others as is."""
    return answer["items"] if isinstance(answer, dict) and "items" in answer else list(answer)


def at_field(field: str | None, default: str = "") -> str:
    """The form field a problem is about: the last part of its path
    (``content.general.position`` → ``position``), or ``default``."""
    return (field or default).replace(".", "/").split("/")[-1] or default


def refused(
    page: Page, problem: Problem, operation_id: str, default: str = ""
) -> tuple[int, dict[str, Any]]:
    """A form the service refused: its status and what the page shows again
    (``errors`` at the field, the ``refusal`` naming its rule), with the
    person's input kept by the page. A stale session (401) and a record
    unknown or out of scope (404) are not refusals: they go on up, to the
    sign-in that keeps what was typed, or to the same not-found page."""
    if problem.status in (401, 404):
        raise problem
    refusal = page.explain(problem, operation_id)
    field = at_field(refusal.field, default)
    return problem.status, {"errors": {field: refusal.message} if field else {}, "refusal": refusal}


def show(page: Page, template: str, status: int = 200, **context: Any) -> Response:
    """``page.render`` with the domain's labels (``w.STAGES``…) at hand."""
    return page.render(template, status, w=words, **context)


def refused_for_scope(answer: Any) -> bool:
    """Whether one of ``Page.answers`` is a refusal for scope, which a page
    shows as a part left out; a stale session (401) or a failure goes on up."""
    if isinstance(answer, Problem):
        if answer.status == 401 or answer.status >= 500:
            raise answer
        return True
    return False


def staff_names(page: Page, staff_ids: set[str]) -> dict[str, str]:
    """Staff ids to names, asked together; one not found or not readable stays unnamed."""
    ids = sorted(i for i in staff_ids if i)
    found = page.answers(*(("coordination.get_staff", {"staff_id": i}, {}) for i in ids))
    return {
        i: f["full_name"]
        for i, f in zip(ids, found, strict=True)
        if isinstance(f, dict) and f.get("full_name")
    }
