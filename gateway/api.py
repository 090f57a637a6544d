"""The HTTP API: one request → authenticate → scope → one service call →
JSON, or a problem (RFC 9457). Every answer carries ``X-Correlation-Id``,
which also travels with the RPC call into the services' logs and events.

Independent of nameko: ``gateway/service.py`` gives it the RPC calls.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from nameko.exceptions import UnknownService
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from events.config import BROKER_UNREACHABLE
from gateway import metrics
from gateway.auditor_requests import on_api, on_web
from gateway.auth import Principal, TokenVerifier
from gateway.calls import Claim, Outcome, Rpc, Settings, Timeout
from gateway.idempotency import IdempotencyStore, check_key, fingerprint
from gateway.inputs import check_own_body, command_of, query_args, read_body
from gateway.issuer import LocalIssuer
from gateway.paging import page_args
from gateway.problems import (
    Problem,
    ServiceError,
    from_service,
    hidden,
    internal,
    is_hidden,
    json_response,
    media_of,
    problem_response,
    unavailable,
)
from gateway.refused import GatewayApplication, on_record
from gateway.route import RESOURCE_PARAMS, Route, answered
from gateway.scope import Relations, check_municipality, check_role, narrow_to_municipality
from gateway.throttle import Throttle, ThrottleSettings

log = logging.getLogger(__name__)
CORRELATION = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# on every answer: browsers use HTTPS only for the next year (TLS ends at the
# ingress in production; over plain http a browser ignores it), and never
# guess a media type other than the one declared
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
}


LocalHandler = Callable[["Gateway", Route, Principal | None, dict[str, Any]], Any]


class Gateway:
    def __init__(
        self,
        routes: list[Route],
        verifier: TokenVerifier,
        *,
        issuer: LocalIssuer | None,
        idempotency: IdempotencyStore,
        settings: Settings,
        local: dict[str, LocalHandler],
        wait: Callable[[Outcome, float], Any],
        later: Callable[[Callable[[], None]], None],
        throttle: Throttle | None = None,
    ) -> None:
        self.routes, self.verifier = routes, verifier
        self.rpc: Rpc | None = None  # the worker's, see ``bound``
        self.store: GatewayApplication | None = None  # its refusals' (``bound``)
        self.correlation_id = ""  # the request's, on its refusal (``handle``)
        self.issuer, self.idempotency, self.settings = issuer, idempotency, settings
        self.local, self.wait, self.later = local, wait, later
        self.relations = Relations()
        self.throttle = throttle or Throttle(ThrottleSettings())
        self.urls = Map(
            [Rule(r.werkzeug_rule, methods=[r.method], endpoint=r) for r in routes],
            strict_slashes=False,
            merge_slashes=False,
        )
        self.by_operation = {r.operation_id: r for r in routes}

    def bound(self, rpc: Rpc, store: GatewayApplication | None = None) -> Gateway:
        """This gateway calling through one worker's RPC proxies, its
        refusals stored in ``store``."""
        worker = copy.copy(self)
        worker.rpc, worker.store = rpc, store
        return worker

    # -- the request ------------------------------------------------------------
    def handle(self, request: Request, correlation: dict[str, Any]) -> Response:
        started = time.perf_counter()
        given = request.headers.get("X-Correlation-Id", "")
        cid = given if CORRELATION.match(given) else str(uuid.uuid4())
        correlation["correlation_id"] = cid  # onward with every RPC call
        self.correlation_id = cid
        template = "unmatched"
        try:
            route, path = self._match(request)
            template = route.path
            response = self._serve(route, path, request, cid)
        except Problem as problem:
            response = problem_response(problem, cid, request.path)
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            response = problem_response(internal(), cid, request.path)
        response.headers["X-Correlation-Id"] = cid
        response.headers["Cache-Control"] = "no-store"
        response.headers.update(SECURITY_HEADERS)
        metrics.observe(request.method, template, response.status_code, started)
        return response

    def _match(self, request: Request) -> tuple[Route, dict[str, str]]:
        try:
            route, path = self.urls.bind_to_environ(request.environ).match()
            return route, dict(path)
        except MethodNotAllowed as exc:
            problem = Problem(
                405,
                "method_not_allowed",
                "Method not allowed",
                f"{request.method} is not served on {request.path}",
            )
            problem.headers["Allow"] = ", ".join(sorted(exc.valid_methods or []))
            raise problem from None
        except NotFound:
            raise Problem(
                404, "no_such_route", "Not found", f"nothing is served on {request.path}"
            ) from None

    def _serve(self, route: Route, path: dict[str, str], request: Request, cid: str) -> Response:
        if route.public:
            return self._public(route, path, request)
        who = self.verifier.principal(request.headers.get("Authorization"))
        self.throttle.request(who.id)
        self._authorize(route, who, path)
        answer = functools.partial(self._answer, route, path, request, who, cid)
        return on_api(self.store, route, who, path, request, cid, answer)

    def _answer(
        self, route: Route, path: dict[str, str], request: Request, who: Principal, cid: str
    ) -> Response:
        """The answer to a request whose role was allowed (``_serve``)."""
        if route.is_command:
            body = read_body(request, self.settings.max_body_bytes)
            values = command_of(route, request, body, path)
            self._authorize(route, who, path, values)
            return self._command(route, path, who, values, request, body, cid)
        args = request.args.to_dict()
        values = query_args(route, args, path)
        pages = page_args(route.service, route.operation, route.paged, args)
        self._authorize(route, who, path, values)
        narrow_to_municipality(route, who, values)
        if pages is None:
            return json_response(200, self._send(route, path, who, values)())
        answer = self._send(route, path, who, values | pages.to_service())()
        paged, headers = pages.envelope(answer, request.path, args)
        response = json_response(200, paged)
        response.headers.update(headers)
        return response

    def _authorize(
        self, route: Route, who: Principal, path: dict[str, str], values: dict | None = None
    ) -> None:
        """The role first (``values`` not yet read), then municipality and
        relation. A refusal here never reaches the service, which would have
        stored it: the gateway stores it (``gateway.refused``)."""
        try:
            if values is None:
                check_role(route, who)
            else:
                check_municipality(route, who, path, values)
                self.relations.check(who, path, self.ask)
        except Problem as refusal:
            if refusal.status >= 500:  # a relation left unchecked (``ask``): no refusal
                raise
            on_record(self.store, route, who, path, refusal, self.correlation_id)
            raise

    def _public(self, route: Route, path: dict[str, str], request: Request) -> Response:
        handler = self.local[route.operation_id]
        if route.is_command:
            body = read_body(request, self.settings.max_body_bytes)
            command = check_own_body(route, command_of(route, request, body, path))
            if route.operation == "token":
                address = self.throttle.client_address(
                    request.remote_addr, request.headers.get("X-Forwarded-For")
                )
                self.throttle.sign_in(address, command["username"])
            return json_response(200, handler(self, route, None, command))
        return json_response(
            200, handler(self, route, None, query_args(route, request.args.to_dict(), path))
        )

    def _command(
        self,
        route: Route,
        path: dict,
        who: Principal,
        values: dict,
        request: Request,
        body: bytes,
        cid: str,
    ) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return answered(route, self._send(route, path, who, values)())
        check_key(key)
        stored_print = fingerprint("POST", request.path, body)
        stored = self.idempotency.claim(who.id, key, stored_print)
        if stored is not None:
            replay = Response(stored.body, status=stored.status, mimetype=media_of(stored.status))
            replay.headers["Idempotency-Replayed"] = "true"
            replay.headers.update(route.located(json.loads(stored.body)))
            return replay
        claim = Claim.of(who.id, key, cid, request.path, stored_print)
        return self._once(claim, lambda: self._send(route, path, who, values, claim)(), route)

    def _once(self, claim: Claim, forward: Callable[[], Any], route: Route) -> Response:
        """The command's answer, kept under its idempotency key for retries
        (a refusal too); a 5xx acted on nothing and frees the key; a timeout
        leaves it to the late answer."""
        try:
            response = answered(route, forward())
        except Problem as problem:
            if problem.code != "upstream_timeout":
                refused = problem.status < 500
                self._settle(
                    claim, problem_response(problem, claim.cid, claim.instance) if refused else None
                )
            raise
        except Exception:
            self._settle(claim, None)
            raise
        self._settle(claim, response)
        return response

    # -- the web app's calls -------------------------------------------------------------
    def perform(
        self,
        operation_id: str,
        who: Principal,
        path: dict[str, str],
        values: dict[str, Any],
        *,
        key: str | None = None,
    ) -> Any:
        """One operation on ``who``'s behalf through the API's own checks (role,
        municipality, relation; the services check again): the web app's pages
        reach the services only through here, so one place decides scope. A
        command posted with ``key`` (its form's id) acts once however often the
        form is sent; a repeat gets the first outcome."""
        route = self.by_operation[operation_id]
        if not route.is_command:
            return self.begin(operation_id, who, path, values)()
        args = self._checked(route, who, path, values)
        if key is None:
            return self._send(route, path, who, args)()
        body = json.dumps(args, sort_keys=True, default=str).encode()
        form_print = fingerprint("POST", route.path, body)
        stored = self.idempotency.claim(who.id, f"web:{key}", form_print)
        if stored is not None:
            answer = json.loads(stored.body)
            if stored.status >= 400:
                raise Problem.from_body(answer)
            return answer
        claim = Claim.of(who.id, f"web:{key}", "", route.path, form_print)
        response = self._once(claim, lambda: self._send(route, path, who, args, claim)(), route)
        return json.loads(response.get_data())

    def begin(
        self, operation_id: str, who: Principal, path: dict[str, str], values: dict[str, Any]
    ) -> Callable[[], Any]:
        """A query checked as ``perform`` checks it and sent at once; what it
        returns waits for the answer, so a page sends its queries together
        and waits for the slowest rather than for their sum."""
        route = self.by_operation[operation_id]
        args = self._checked(route, who, path, values)
        narrow_to_municipality(route, who, args)
        return on_web(self.store, route, who, path, args, self._send(route, path, who, args))

    def _checked(
        self, route: Route, who: Principal, path: dict[str, str], values: dict[str, Any]
    ) -> dict[str, Any]:
        """A page's operation's arguments, after the API's checks of its path
        and then of its values (role, municipality, relation)."""
        self._authorize(route, who, path)
        args = values | {route.argument(k): v for k, v in path.items()} | dict(route.fixed)
        self._authorize(route, who, path, args)
        return args

    def _settle(self, claim: Claim, answer: Response | None) -> None:
        """Keep the answer for the key's retries, or (None: nothing acted)
        free the key for a retry to act."""
        if answer is None:
            self.idempotency.release(claim.principal, claim.key)
        else:
            self.idempotency.answer(
                claim.principal, claim.key, answer.status_code, answer.get_data(as_text=True)
            )

    # -- the service call ---------------------------------------------------------------
    def _send(
        self,
        route: Route,
        path: dict[str, str],
        who: Principal,
        values: dict[str, Any],
        claim: Claim | None = None,
    ) -> Callable[[], Any]:
        """The operation sent now; what it returns waits for its answer (a
        local operation's is there at once)."""
        local = self.local.get(route.operation_id)
        if local is not None:
            answer = local(self, route, who, values)
            return lambda: answer
        # a command's id: its idempotency key's, else its own (events.commands)
        command_id = claim.command_id if claim is not None else str(uuid.uuid4())
        outcome = self.call(
            route.service,
            route.operation,
            who.actor(),
            values,
            command=route.is_command,
            command_id=command_id if route.is_command else None,
        )
        return lambda: self.answer(route, outcome, path, claim)

    def call(self, service: str, operation: str, actor: dict, payload: dict, **how: Any) -> Outcome:
        assert self.rpc is not None  # ``how``: ``command``, ``command_id`` (``Rpc.call``)
        try:
            return self.rpc.call(service, operation, actor, payload, **how)
        except UnknownService:  # no replica listening: nothing was sent
            raise unavailable(f"the {service} service is not running; try again later") from None
        except BROKER_UNREACHABLE:  # the broker: the call could not be sent
            raise unavailable("the message broker cannot be reached; try again shortly") from None

    def answer(
        self,
        route: Route,
        outcome: Outcome,
        path: dict[str, str] | None = None,
        claim: Claim | None = None,
    ) -> Any:
        """The service's answer to ``route``, or its refusal as a problem."""
        path = path or {}
        try:
            return self.wait(outcome, self.settings.rpc_timeout_seconds)
        except ServiceError as error:
            raise self._mapped(route, path, error) from None
        except Timeout:
            if claim is not None:
                self.later(lambda: self._complete_late(route, path, outcome, claim))
            raise Problem(
                504,
                "upstream_timeout",
                "The service did not answer in time",
                f"{route.service} gave no answer within {self.settings.rpc_timeout_seconds} s; "
                "a command may still take effect: retry with the same Idempotency-Key",
            ) from None

    def _complete_late(
        self, route: Route, path: dict[str, str], outcome: Outcome, claim: Claim
    ) -> None:
        """The answer that came after the client gave up, kept for its retry."""
        answer: Response | None
        try:
            answer = answered(route, outcome.result())
        except ServiceError as error:
            answer = problem_response(self._mapped(route, path, error), claim.cid, claim.instance)
        except Exception:
            answer = None
        self._settle(claim, answer)

    def _mapped(self, route: Route, path: dict[str, str], error: ServiceError) -> Problem:
        problem = from_service(error, route.operation)
        named = [p for p in route.path_params if p in RESOURCE_PARAMS]
        if named and is_hidden(problem, {route.argument(p) for p in named}):
            return hidden(RESOURCE_PARAMS[named[-1]])
        return problem

    def ask(self, service: str, operation: str, actor: dict, kwargs: dict) -> Any:
        """A read of the gateway's own (scope checks, reports); unanswered in
        time, a 503: nothing was done yet for the request, no key claimed."""
        outcome = self.call(service, operation, actor, kwargs, command=False)
        try:
            return self.wait(outcome, self.settings.rpc_timeout_seconds)
        except Timeout:
            raise unavailable(f"the {service} service gave no answer in time; try again") from None
