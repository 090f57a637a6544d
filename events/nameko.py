"""Nameko adapters: the application provider (which also runs the outbox
relay) and the per-call context (metrics, correlation id, actor)."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import IncorrectSignature
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR, DependencyProvider
from nameko.rpc import Responder, Rpc, RpcConsumer, RpcProxy, get_rpc_exchange
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from events import faults, logs, metrics
from events.checkpoint import CheckpointKey
from events.checkpointer import Checkpointer, CheckpointSettings
from events.config import BROKER_UNREACHABLE, DEFAULT_EXCHANGE, Settings, amqp_ssl
from events.errors import CoordonareError
from events.publisher import ConfirmedPublisher
from events.relay import OutboxRelay, PublicationOf
from events.store import EventSourcedApplication
from events.stream import Retention, Stream

log = logging.getLogger(__name__)


class SignatureReadOnce:
    """An entrypoint mixin: nameko checks each call's arguments with
    ``inspect.getcallargs``, which reads the method's signature afresh on
    every call (3 % of the gateway's CPU, issue 17). Here it is read once per
    bound entrypoint, as ``getcallargs`` reads it (not through ``__wrapped__``),
    and every call is bound to it and refused the same way."""

    container: Any
    method_name: str
    _signature: inspect.Signature | None = None

    def check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self._signature is None:
            method = getattr(self.container.service_cls, self.method_name)
            self._signature = inspect.signature(method, follow_wrapped=False)
        try:
            self._signature.bind(None, *args, **kwargs)  # None: the unbound method's self
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None


# -- a call and its answer are transient messages (ADR 28) ------------------------------
# nameko publishes both persistent: the broker writes each to disk and holds
# the confirm until then, for a message that is worth nothing once its caller
# stopped waiting (the gateway's RPC time limit). What must survive a call is
# in the stores: the command's recorded outcome (events.commands) and the
# gateway's idempotency key. Both are still confirmed: a call no service
# listens for is refused at once.
class _TransientPublisher(Publisher):
    delivery_mode = NON_PERSISTENT


def rpc_proxy(service: str) -> RpcProxy:
    """A service's proxy to another's RPC, its calls sent as the answers are."""
    return RpcProxy(service, delivery_mode=_TransientPublisher.delivery_mode)


class _Responder(Responder):
    publisher_cls = _TransientPublisher


class _RpcConsumer(RpcConsumer):
    def handle_result(self, message: Any, result: Any, exc_info: Any) -> Any:
        # nameko's own, but for the responder: it builds its Responder by name
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class _Rpc(SignatureReadOnce, Rpc):
    """nameko's RPC entrypoint, save that its answer is sent transient and
    a reply the broker cannot take gives the request back instead of killing
    the service (issue 18)."""

    rpc_consumer = _RpcConsumer()

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_UNREACHABLE as exc:
            # nameko lets this error end the worker's thread, and with it the
            # whole container: its relay and subscriptions too, for good,
            # because the broker was away a moment. The request, never
            # acknowledged, is given back (or the broker takes it back with
            # the lost connection) and taken again once the broker is here:
            # a command answers it from its record (events.commands) without
            # acting twice; a query answers it again.
            log.warning(
                "%s: the answer could not be sent (%s); the request is taken again",
                worker_ctx.call_id,
                exc,
            )
            with contextlib.suppress(*BROKER_UNREACHABLE):
                self.rpc_consumer.requeue_message(message)
            return result, exc_info


# RPC entrypoint whose domain errors are expected outcomes: logged as a
# warning without traceback (events.logs), still returned to the caller as the
# error. (Called with the keyword first: nameko drops keywords given together
# with the function.)
_rpc = _Rpc.decorator(expected_exceptions=(CoordonareError,))


def rpc(method: Callable[..., Any], *, command: bool = False) -> Callable[..., Any]:
    """An RPC entrypoint that runs only for a verified caller (ADR 12): the
    service's ``identity`` (``events.trust``) checks the call's assertion
    before the method sees its arguments. The method runs in one unit of
    work of the service's ``app`` (issue 17: one transaction per call); a
    ``command`` takes effect once, under the id its assertion gives it
    (``events.commands``, issue 18)."""

    @functools.wraps(method)
    def entrypoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        # The caller is verified inside the call's unit of work: the
        # registry's view read for it and the call's own reads share one
        # transaction and one head (issue 17), and a refused caller's record
        # commits, a domain error being an answer, not a failure.
        def caller() -> tuple[str, str]:
            verified = self.identity.require()
            return verified.command_id, verified.actor.id

        if command:
            return self.app.commands.once_for(
                caller, method.__name__, lambda: method(self, *args, **kwargs)
            )
        with self.app.unit_of_work(commit_on=(CoordonareError,)):
            caller()
            return method(self, *args, **kwargs)

    entrypoint.is_command = command  # type: ignore[attr-defined]
    return _rpc(entrypoint)


E = TypeVar("E")


def entrypoints_of(service_class: type, kind: type[E]) -> list[tuple[str, E]]:
    """A service class's entrypoints of one kind: (method name, entrypoint)."""
    return [
        (name, entrypoint)
        for name in dir(service_class)
        for entrypoint in getattr(getattr(service_class, name), ENTRYPOINT_EXTENSIONS_ATTR, ())
        if isinstance(entrypoint, kind)
    ]


def make_psycopg_green() -> None:
    """psycopg2 blocks the eventlet hub unless given a green wait callback."""
    import eventlet.patcher

    if eventlet.patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()


class ApplicationProvider(DependencyProvider):
    """Builds the service's eventsourcing application once per container and
    runs its outbox relay for as long as the container runs."""

    def __init__(
        self,
        factory: Callable[[str], EventSourcedApplication],
        publication_of: PublicationOf,
    ) -> None:
        from events.trust import keeping_operator_acts

        self.factory = factory
        self.publication_of = keeping_operator_acts(publication_of)
        self.app: EventSourcedApplication | None = None
        self.relay: OutboxRelay | None = None
        self.checkpointer: Checkpointer | None = None

    def setup(self) -> None:
        make_psycopg_green()
        service = self.container.service_name
        settings = Settings.from_env(service)
        self.app = self.factory(settings.store_url)
        # Built now, before any entrypoint starts (``/health`` included): at
        # county scale the first catch-up reads the whole log, which no
        # caller should wait for.
        self.app.warm_views()
        self.app.commands.prune()  # (and the table made, if it is not there yet)
        self.app.on_stored(lambda stored: metrics.events_stored.labels(service).inc(len(stored)))
        config = self.container.config
        exchange = config.get("EVENTS_EXCHANGE", DEFAULT_EXCHANGE)

        def publisher() -> ConfirmedPublisher:
            # one per thread that publishes: a publisher is one connection's
            return ConfirmedPublisher(
                config["AMQP_URI"],
                exchange,
                app_id=f"coordonare.{service}",
                ssl=amqp_ssl(config),
                stream=Stream(service, exchange, Retention.from_env()),
            )

        self.relay = OutboxRelay(
            service,
            self.app,
            self.publication_of,
            publisher(),
            batch=settings.relay_batch,
            poll_seconds=settings.relay_poll_seconds,
        )
        checkpoints = CheckpointSettings.from_env(service)
        if checkpoints.key_path:
            self.checkpointer = Checkpointer(
                CheckpointKey.from_file(service, checkpoints.key_path),
                self.app.chained_recorder,
                publisher(),
                seconds=checkpoints.seconds,
                log_path=checkpoints.log_path,
            )

    def start(self) -> None:
        assert self.relay is not None
        self._relay_thread = self.container.spawn_managed_thread(
            self.relay.run, identifier=f"{self.container.service_name}.relay"
        )
        if self.checkpointer is not None:
            self._checkpoint_thread = self.container.spawn_managed_thread(
                self.checkpointer.run, identifier=f"{self.container.service_name}.checkpoints"
            )

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
            self._relay_thread.wait()
        if self.checkpointer is not None:
            self.checkpointer.stop()
            self._checkpoint_thread.wait()
        if self.app is not None:
            self.app.close()

    def kill(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()

    def get_dependency(self, worker_ctx: Any) -> EventSourcedApplication:
        assert self.app is not None
        return self.app


class CallContext(DependencyProvider):
    """Per call: correlation id (taken from the caller or created), command
    metrics by name and outcome, and the id in every log line."""

    def get_dependency(self, worker_ctx: Any) -> str:
        # nameko injects dependencies before worker_setup, so the id is made here
        cid = worker_ctx.context_data.get("correlation_id") or str(uuid.uuid4())
        worker_ctx.context_data["correlation_id"] = cid  # propagates to onward RPC
        logs.correlation_id.set(cid)
        return cid

    def worker_setup(self, worker_ctx: Any) -> None:
        worker_ctx.data_started = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        service = self.container.service_name
        command = worker_ctx.entrypoint.method_name
        outcome = "ok" if exc_info is None else getattr(exc_info[1], "code", "internal_error")
        metrics.commands.labels(service, command, outcome).inc()
        metrics.command_seconds.labels(service, command).observe(
            time.perf_counter() - worker_ctx.data_started
        )
        if exc_info is not None and outcome == "internal_error":
            log.error("%s.%s failed", service, command, exc_info=exc_info)
        method = getattr(worker_ctx.service, command, None)
        if getattr(method, "is_command", False):
            faults.point("command.after_reply")  # (nameko replied and acknowledged before)


class ObservedService:
    """Base for every service, on ``WEB_SERVER_ADDRESS``: ``GET /metrics``
    (Prometheus), ``GET /health`` (ready: the store answers) and ``GET /live``
    (the process and its event loop answer)."""

    app: EventSourcedApplication

    @http("GET", "/metrics")
    def metrics(self, request: Any) -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @http("GET", "/live")
    def live(self, request: Any) -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    @http("GET", "/health")
    def health(self, request: Any) -> Response:
        try:
            head = self.app.chained_recorder.max_notification_id() or 0
        except Exception as exc:
            body = {"status": "unavailable", "store": f"unreachable: {exc.__class__.__name__}"}
            return Response(json.dumps(body), status=503, mimetype="application/json")
        ok = {"status": "ok", "stored": head}
        return Response(json.dumps(ok), mimetype="application/json")
