"""The auditor's view of each service's store (issue 19, parts 3 and 4):
its whole log as a feed, and the verification of its hash chain against the
checkpoints the service signed (ADR 23). The same three operations for
every service (``events.audited``), under ``/audit/<service>/``; the
auditor's alone (DESIGN §1), and the services refuse anyone else again.
And who audited what (part 8): the auditors' requests on record, which the
gateway lists from its own store (``gateway.auditor_log``) to the county."""

from gateway.route import AUDITOR, COUNTY, Param, Route, command, query

SERVICES = ("cases", "coordination", "evaluations", "notifications")
AUDITORS = frozenset({AUDITOR})
TAG = "audit"
FEED_DESCRIPTION = (
    "Ordered by position; each event with its chain hash, when, its stored and published "
    "type, aggregate id and version, actor id and role, municipality and correlation id. "
    "Personal data never: an event's own fields stay in the store, only what the bus "
    "publishes of it (`data`: ids, codes, categories) is shown. Paged by position: ask for "
    "the next page with `after` = `next_after`, null at the log's end. A page reads a "
    "bounded number of events, so under a narrow filter it may hold fewer than `limit` (none, "
    "even) and still be followed."
)

BUNDLE_DESCRIPTION = (
    "The selected events as stored, with their chain hashes, every event between them (a "
    "chain hash follows from the one before it), the signed checkpoints of that run, and "
    "what each selected event changed in its record as you may see it (personal data "
    "included, each read recorded; a period shows what the feed shows). Signed by the "
    "service; `coordonare-verify --bundle FILE --keys` checks it offline with the keys at "
    "`/.well-known/checkpoint-keys.json`, naming an event changed after export."
)


def _routes(service: str) -> list[Route]:
    base = f"/audit/{service}"
    return [
        query(
            f"{base}/events",
            service,
            "audit_events",
            AUDITORS,
            f"The {service} service's whole log, with its chain hashes",
            tag=TAG,
            description=FEED_DESCRIPTION,
            params=(
                Param("after", "integer", "a position: the events after it (default 0)"),
                Param("limit", "integer", "at most this many events (default 50)"),
                Param("municipality", "string", "of this municipality (SIRUTA code)"),
                Param("actor", "string", "caused by this person (staff id)", arg="actor_id"),
                Param(
                    "type",
                    "string",
                    "of this type: the stored event's name (Case.Referred) or its published "
                    "one (CaseReferred)",
                    arg="event_type",
                ),
                Param("since", "time", "stored at or after this moment"),
                Param("until", "time", "stored before this moment"),
            ),
        ),
        command(
            f"{base}/verifications",
            service,
            "start_verification",
            AUDITORS,
            f"Start verifying the {service} service's store against its signed checkpoints",
            tag=TAG,
            location=f"{base}/verifications/{{verification_id}}",
            description=(
                "The hash chain walked from the first event, held to every checkpoint the "
                "service published on its stream; one at a time per replica (409 while one "
                "runs). Read its progress and result at Location."
            ),
        ),
        query(
            f"{base}/bundle",
            service,
            "export_bundle",
            AUDITORS,
            f"An evidence bundle of the {service} service: one file that verifies offline",
            tag=TAG,
            params=(
                Param(
                    "kind",
                    "string",
                    "case (cases), contract or coordination (coordination: a technician's "
                    "contracts and tasks), or period (any service)",
                    required=True,
                ),
                Param("subject", "string", "the case, contract or technician (its id)"),
                Param("since", "time", "a period's beginning"),
                Param("until", "time", "a period's end (not included)"),
            ),
            description=BUNDLE_DESCRIPTION,
        ),
        query(
            f"{base}/verifications/{{verification_id}}",
            service,
            "verification",
            AUDITORS,
            "A verification: running with the events checked so far, then its result",
            tag=TAG,
            description=(
                "`result`: `intact` with `events` and `head` (the hash to note as a later "
                "verification's `anchor`), or `broken_at` (the first position that "
                "contradicts its chain or a checkpoint; null when events were removed from "
                "the end) and `reason`. Kept in the memory of the replica that runs it."
            ),
        ),
    ]


AUDITOR_REQUESTS = query(
    "/audit/requests",
    "gateway",
    "auditor_requests",
    COUNTY,
    "Who audited what: every request answered to an auditor, on record",
    tag=TAG,
    paged=True,
    description=(
        "Each request the gateway answered to an auditor (the API's, and the web app's "
        "operations on their behalf), stored in the gateway's own chained store as it was "
        "answered: `number` (its order on record, from 1), `at`, `auditor_id`, `operation` "
        "(its operationId), `method`, `route`, `path` (the ids the path named) and `subject` "
        "(the first of them), `selection` (the query parameters that selected what was shown: "
        "`as_of`, `version`, filters, the page), `status` of the answer, `channel` (`api` or "
        "`web`) and `correlation_id`. A request refused is on record as its refusal "
        "(`CommandRefused`), not here. Reading this list is itself an auditor's request. The "
        "county admin's and the auditors'; nobody else's. To the county admin, the values a "
        "request named of a record they may not read themselves (a case, a document, a "
        "beneficiary; an auditor's own feed) are withheld (null), and a `subject` filter never "
        "finds them: casework is never the county's."
    ),
    params=(
        Param("auditor", "string", "requests of this auditor (staff id)", arg="auditor_id"),
        Param("subject", "string", "requests whose path named this id (a case, a contract…)"),
        Param(
            "operation", "string", "requests of this operation (operationId, e.g. cases.get_case)"
        ),
        Param("since", "time", "answered at or after this moment"),
        Param("until", "time", "answered before this moment"),
        Param("order", "string", "`oldest` first (default) or `newest` first"),
    ),
)

ROUTES = [route for service in SERVICES for route in _routes(service)] + [AUDITOR_REQUESTS]
