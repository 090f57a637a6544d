"""Who audited what (issue 19, part 8): the auditors' requests on record
(``gateway.auditor_requests``), listed to the county at ``GET
/audit/requests`` from a read model of the gateway's store
(``AuditorRequests``, an ``events.views.FollowedView``: built at start,
caught up before each read, so a page reads only what was stored since the
last one, never the whole store). Filtered by auditor, by the id of what
was audited, by operation and by time; oldest or newest first, paged by
that order (``events.pages``: a request recorded meanwhile neither repeats
nor hides one)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from events.errors import InvalidCommand
from events.log_feed import moment
from events.pages import page_after
from events.topics import topics
from events.views import FollowedView
from gateway.auditor_requests import AuditorRequest
from gateway.auth import Principal
from gateway.problems import bad_request, unavailable
from gateway.route import AUDITOR, Route

if TYPE_CHECKING:  # the gateway's store (gateway.refused) keeps this view: no cycle at run time
    from gateway.api import Gateway

NEWEST, OLDEST = "newest", "oldest"
ORDERS = (NEWEST, OLDEST)
_WIDTH = 15  # digits of a number in a cursor's key: ordered as text
_FAR = 10**_WIDTH


class AuditorRequests(FollowedView):
    """Every auditor request on record, numbered in the order stored (from
    1; a rebuild from zero numbers them the same), indexed by auditor and by
    each id its path named."""

    TOPICS = topics(AuditorRequest, "Recorded")

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.requests: list[dict[str, Any]] = []
        self.by_auditor: dict[str, list[dict[str, Any]]] = {}
        self.by_subject: dict[str, list[dict[str, Any]]] = {}

    def apply(self, event: Any) -> None:
        request = {
            "number": len(self.requests) + 1,
            "at": event.timestamp,
            "auditor_id": sys.intern(event.actor_id),
            "operation": sys.intern(event.operation),
            "method": event.method,
            "route": sys.intern(event.route),
            "path": event.path,
            "subject": event.subject,
            "selection": event.selection,
            "status": event.status,
            "channel": event.channel,
            "correlation_id": event.correlation_id,
        }
        self.requests.append(request)
        self.by_auditor.setdefault(request["auditor_id"], []).append(request)
        for named in set(event.path.values()):
            self.by_subject.setdefault(named, []).append(request)

    def of(
        self,
        auditor_id: str | None = None,
        subject: str | None = None,
        operation: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """The requests matching every filter given, in the order stored."""
        rows = self.requests
        if auditor_id is not None:
            rows = self.by_auditor.get(auditor_id, [])
        if subject is not None:
            named = self.by_subject.get(subject, [])
            rows = [r for r in named if auditor_id is None or r["auditor_id"] == auditor_id]
        return [
            r
            for r in rows
            if (operation is None or r["operation"] == operation)
            and (since is None or r["at"] >= since)
            and (until is None or r["at"] < until)
        ]


def auditor_requests(
    gateway: Gateway, route: Route, who: Principal | None, args: dict[str, Any]
) -> dict[str, Any]:
    """One page of who audited what (``GET /audit/requests``)."""
    assert who is not None  # not a public route: the gateway verified the token
    if gateway.store is None:
        raise unavailable("the gateway's store is not configured here")
    order = args.get("order", OLDEST)
    if order not in ORDERS:
        raise bad_request("invalid_parameter", "order must be oldest or newest", field="order")
    found = gateway.store.view(AuditorRequests).of(
        auditor_id=args.get("auditor_id"),
        subject=args.get("subject"),
        operation=args.get("operation"),
        since=moment(args.get("since"), "since"),
        until=moment(args.get("until"), "until"),
    )
    ids_shown = Readable(gateway, who)
    if args.get("subject") is not None:  # an id withheld is never confirmed by a filter
        found = [row for row in found if ids_shown(row)]

    def key(row: dict[str, Any]) -> tuple[str]:
        number = row["number"] if order == OLDEST else _FAR - row["number"]
        return (f"{number:0{_WIDTH}d}",)

    try:
        page = page_after(found, args["limit"], args.get("cursor"), key)
    except InvalidCommand as error:
        raise bad_request("invalid_cursor", error.message, field="cursor") from None
    page["items"] = [shown(row, ids_shown(row)) for row in page["items"]]
    return page


class Readable:
    """Whether the reader is shown the ids a request named: the auditor,
    always; the county admin, those of the records they may read themselves
    (a contract, a staff member), never a case's, a document's or a
    beneficiary's (DESIGN §1: casework is never the county's), nor what an
    auditor's own routes selected."""

    def __init__(self, gateway: Gateway, who: Principal) -> None:
        self.gateway, self.who = gateway, who

    def __call__(self, row: dict[str, Any]) -> bool:
        if self.who.role == AUDITOR:
            return True
        route = self.gateway.by_operation.get(row["operation"])
        return route is not None and self.who.role in route.roles


def shown(row: dict[str, Any], with_ids: bool) -> dict[str, Any]:
    """A request as the list answers it; ``with_ids`` false, the names of
    what its path and query named, their values withheld (null)."""
    answer = row | {"at": row["at"].isoformat()}
    if not with_ids:
        answer["path"] = dict.fromkeys(row["path"])
        answer["selection"] = dict.fromkeys(row["selection"])
        answer["subject"] = None
    return answer
