"""The route tables of the HTTP API, one module per service (``ROUTES``);
``ROUTES`` here is the whole API, served by ``gateway.api`` and described by
``gateway.openapi``."""

from gateway.route import PAST, Route, history_of
from gateway.routes import audit, cases, coordination, evaluations, notifications, own

ROUTES: list[Route] = [
    *own.ROUTES,
    *coordination.ROUTES,
    *cases.ROUTES,
    *evaluations.ROUTES,
    *notifications.ROUTES,
    *audit.ROUTES,
]
# each record read as it was also has its history (issue 19)
ROUTES += [history_of(r) for r in ROUTES if r.params == PAST]
