"""The gateway as a nameko service: one HTTP entrypoint hands every request
to ``gateway.api.Gateway``, which calls the services over nameko RPC (the
correlation id travels in the call's context).

Configuration, from the environment only:
``GATEWAY_JWKS_URL`` (production: the identity provider's keys) or
``GATEWAY_USERS_FILE`` (the local issuer of ``make run``);
``GATEWAY_JWT_ISSUER``, ``GATEWAY_JWT_AUDIENCE``, ``GATEWAY_ROLE_CLAIM``,
``GATEWAY_MUNICIPALITY_CLAIM``; ``GATEWAY_STORE_URL`` (idempotency keys,
sessions, and the gateway's own event store of its refusals and auditors'
requests, published by
its relay as a service's are: ``RELAY_BATCH``, ``RELAY_POLL_SECONDS``,
``GATEWAY_CHECKPOINT_KEY``, ``EVENTS_STREAM_MAX_AGE`` as for a service);
``GATEWAY_MAX_BODY_BYTES``, ``GATEWAY_RPC_TIMEOUT``, ``GATEWAY_IDEMPOTENCY_HOURS``;
``GATEWAY_ADMIN_ADDRESS`` (``/metrics``, off the public port); the rate limits
``GATEWAY_LOGIN_LIMIT``, ``GATEWAY_LOGIN_ADDRESS_LIMIT``, ``GATEWAY_PERSON_LIMIT``,
``GATEWAY_RATE_LIMIT_STORAGE``, ``GATEWAY_FORWARDED_HOPS`` (``gateway.throttle``).
``GATEWAY_IDENTITY_KEY``: the Ed25519 key (PEM file) that signs the assertion
each forwarded call carries (ADR 12), whose JWKS the services trust as
``gateway``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

import eventlet
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Request, Response

from events.acting import Signer
from events.identity import GATEWAY_ISSUER, SigningKey
from events.nameko import ApplicationProvider, make_psycopg_green, rpc_proxy
from gateway.api import SECURITY_HEADERS, Gateway
from gateway.auth import TokenSettings, TokenVerifier
from gateway.calls import STORE_FAILED, Outcome, Settings, Timeout
from gateway.http import admin_http, http
from gateway.idempotency import IdempotencyStore
from gateway.issuer import LocalIssuer
from gateway.own import local_handlers
from gateway.problems import ServiceError, register_service_errors, unavailable
from gateway.refused import GatewayApplication, publication_of
from gateway.routes import ROUTES
from gateway.scope import GATEWAY_READER
from gateway.throttle import Throttle, ThrottleSettings
from gateway.web.app import WebApp, WebSettings
from gateway.web.oidc import CountyProvider, OidcSettings
from gateway.web.pages import PAGES
from gateway.web.sessions import SessionStore

SERVICES = ("coordination", "cases", "evaluations", "notifications")
METHODS = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS"
log = logging.getLogger(__name__)


class NamekoRpc:
    """The services' RPC proxies of one worker, as ``gateway.api.Rpc``."""

    def __init__(self, proxies: dict[str, Any]) -> None:
        self.proxies = proxies

    def call(
        self,
        service: str,
        operation: str,
        actor: dict,
        payload: dict,
        *,
        command: bool,
        command_id: str | None = None,
    ) -> Outcome:
        method = getattr(self.proxies[service], operation)
        if command:
            if command_id is not None:
                method = method.as_command(command_id)
            return method.call_async(actor, payload)
        return method.call_async(actor, **payload)


def wait(outcome: Outcome, seconds: float) -> Any:
    """The service's answer; ``Timeout`` past ``seconds``; a failure of its
    store (``STORE_FAILED``) as the 503 it is."""
    try:
        with eventlet.Timeout(seconds):
            return outcome.result()
    except eventlet.Timeout:
        raise Timeout from None
    except RemoteError as error:
        if isinstance(error, ServiceError) or error.exc_type not in STORE_FAILED:
            raise
        raise unavailable("the service cannot reach its store now; try again shortly") from None


def surviving(job: Callable[[], None]) -> Callable[[], None]:
    """``job`` as a managed thread of the container may run it: nameko kills
    the whole container when one of those raises, and a job that failed
    (its store restarting) left nothing that a retry cannot settle."""

    def run() -> None:
        try:
            job()
        except Exception:
            log.warning("a background job of the gateway failed", exc_info=True)

    return run


class GatewayProvider(DependencyProvider):
    """Builds the gateway once per container (keys, users, idempotency
    store) and gives each worker one bound to that worker's RPC proxies."""

    def setup(self) -> None:
        make_psycopg_green()
        register_service_errors()
        tokens = TokenSettings.from_env()
        self.issuer = LocalIssuer.from_env(tokens)
        jwks_url = os.environ.get("GATEWAY_JWKS_URL")
        if jwks_url:
            self.verifier = TokenVerifier.with_jwks(tokens, jwks_url)
        elif self.issuer is not None:
            self.verifier = TokenVerifier(tokens, self.issuer.key_for)
        else:
            raise RuntimeError(
                "the gateway verifies no tokens: set GATEWAY_JWKS_URL (the identity "
                "provider's keys) or GATEWAY_USERS_FILE (the local issuer)"
            )
        store_url = os.environ.get("GATEWAY_STORE_URL") or os.environ.get("STORE_URL")
        if not store_url:
            raise RuntimeError("set GATEWAY_STORE_URL: the gateway keeps idempotency keys there")
        self.settings = Settings(
            max_body_bytes=int(os.environ.get("GATEWAY_MAX_BODY_BYTES", str(64 * 1024))),
            rpc_timeout_seconds=float(os.environ.get("GATEWAY_RPC_TIMEOUT", "30")),
        )
        self.idempotency = IdempotencyStore(
            store_url,
            float(os.environ.get("GATEWAY_IDEMPOTENCY_HOURS", "24")),
            # past the time limit the first request stopped waiting: a retry
            # takes its key over (a second to spare for its late answer)
            in_progress_seconds=self.settings.rpc_timeout_seconds + 1,
        )
        key_file = os.environ.get("GATEWAY_IDENTITY_KEY")
        if not key_file:
            raise RuntimeError(
                "set GATEWAY_IDENTITY_KEY: the services believe only calls the gateway signs"
            )
        # each forwarded call carries an assertion for the person whose token
        # was verified (``who.actor()``), minted for that call alone
        self.signer = Signer(SigningKey.from_file(GATEWAY_ISSUER, key_file))
        self.gateway = Gateway(
            ROUTES,
            self.verifier,
            issuer=self.issuer,
            idempotency=self.idempotency,
            settings=self.settings,
            local=local_handlers(),
            wait=wait,
            # a late answer not kept (the store down) leaves its key claimed:
            # the retry takes it over and gets the service's recorded outcome
            later=lambda job: self.container.spawn_managed_thread(surviving(job)),
            throttle=Throttle(ThrottleSettings.from_env()),
        )
        # the web app: the pages for people, on the API's origin (gateway/web/)
        self.sessions = SessionStore(store_url)
        self.web = WebApp(PAGES, self.sessions, WebSettings.from_env())
        oidc = OidcSettings.from_env()
        if oidc is not None:  # the county's identity provider: "Intrați cu contul județului"
            self.web.oidc = CountyProvider(oidc, self.sessions)

    def start(self) -> None:
        self.container.spawn_managed_thread(self._forget_old_keys)

    def _forget_old_keys(self) -> None:
        while True:
            surviving(self._forget_old)()  # the store down: the next hour's turn does it
            eventlet.sleep(3600)

    def _forget_old(self) -> None:
        self.idempotency.forget_old()
        self.sessions.forget_old()

    def stop(self) -> None:
        self.idempotency.close()
        self.sessions.dispose()

    def get_dependency(self, worker_ctx: Any) -> GatewayProvider:
        return self

    def bound(self, proxies: dict[str, Any], store: GatewayApplication) -> Gateway:
        return self.gateway.bound(
            NamekoRpc({name: self.signer.service(proxy) for name, proxy in proxies.items()}),
            store,
        )


class Context(DependencyProvider):
    """The worker's context data, where the correlation id is put for the
    RPC calls to carry: its own dict (``data``) — nameko's ``context_data``
    is a copy, and an id put there reached no service (issue 18)."""

    def get_dependency(self, worker_ctx: Any) -> dict[str, Any]:
        return worker_ctx.data


class GatewayService:
    name = "gateway"

    gateway = GatewayProvider()
    # its refusals' store, and the relay that publishes them (ADR 5)
    app = ApplicationProvider(GatewayApplication, publication_of)
    context = Context()
    coordination = rpc_proxy("coordination")
    cases = rpc_proxy("cases")
    evaluations = rpc_proxy("evaluations")
    notifications = rpc_proxy("notifications")

    @http(METHODS, "/<any:path>")
    def api(self, request: Request, path: str = "") -> Response:
        """A page of the web app, else the API."""
        bound = self._bound()
        page = self.gateway.web.handle(request, bound)
        return page if page is not None else bound.handle(request, self.context)

    def _bound(self) -> Gateway:
        """The gateway, calling through this worker's proxies."""
        return self.gateway.bound({s: getattr(self, s) for s in SERVICES}, self.app)

    @admin_http("GET", "/metrics")
    def metrics(self, request: Request) -> Response:
        """On the admin address only; on the public port ``/metrics`` is a
        path like any unknown one (404)."""
        return secured(Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST))

    @http("GET", "/live")
    def live(self, request: Request) -> Response:
        return secured(Response('{"status": "ok"}', mimetype="application/json"))

    @http("GET", "/health")
    def health(self, request: Request) -> Response:
        """Ready when the idempotency store answers and the coordination
        service answers over the broker."""
        try:
            self._bound().ask("coordination", "list_municipalities", GATEWAY_READER, {})
        except Exception as exc:
            body = {"status": "unavailable", "reason": exc.__class__.__name__}
            return secured(Response(json.dumps(body), status=503, mimetype="application/json"))
        return secured(Response('{"status": "ok"}', mimetype="application/json"))


def secured(response: Response) -> Response:
    """The API's security headers on the probes' and metrics' answers too."""
    response.headers.update(SECURITY_HEADERS)
    return response
