"""The auditor's view of a service's own store (issue 19, parts 3 and 4),
one implementation mixed into every service: its whole log as a feed
(``events.log_feed``) and the verification of its chain against its signed
checkpoints (``events.verification``). Only the auditor may call them
(DESIGN §1: "read-only, whole history, replay and verification"); the
gateway refuses every other role first, and the service again here.

    class CasesService(ObservedService, AuditedLog, RpcAdapter): ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from nameko.extensions import DependencyProvider

from events.actor import Actor
from events.checkpoint import CheckpointKey
from events.checkpointer import CheckpointSettings
from events.config import amqp_ssl
from events.errors import Forbidden, InvalidCommand
from events.exports import Exports
from events.log_feed import DEFAULT_LIMIT, FeedFilter, LogFeed, moment
from events.nameko import ApplicationProvider, rpc
from events.verification import Verifications
from events.verify import stream_checkpoints

AUDITOR = "auditor"
# A stream has no end: its checkpoints are read until none came for this long.
STREAM_IDLE_SECONDS = 2.0


class AuditDenied(Forbidden):
    code = "audit_denied"


def check_auditor(actor: Actor) -> None:
    if actor.role != AUDITOR:
        raise AuditDenied("the store's log and its verification are the auditor's", role=actor.role)


@dataclass(frozen=True)
class Audit:
    """What the auditor's entrypoints call, one per container."""

    feed: LogFeed
    verifications: Verifications
    exports: Exports


class AuditProvider(DependencyProvider):
    """The container's ``Audit``, over the store of its ``ApplicationProvider``
    (the same application, so the same connections), with the container's
    broker for the checkpoints and the service's checkpoint public keys."""

    audit: Audit | None = None

    def get_dependency(self, worker_ctx: Any) -> Audit:
        if self.audit is None:  # at the first call: every provider is set up by then
            self.audit = self._built()
        return self.audit

    def _built(self) -> Audit:
        provider = next(
            d for d in self.container.dependencies if isinstance(d, ApplicationProvider)
        )
        app, service, config = provider.app, self.container.service_name, self.container.config
        assert app is not None
        recorder = app.chained_recorder
        verifications = Verifications(
            service,
            rows=recorder.chain_rows,
            head=lambda: recorder.max_notification_id() or 0,
            checkpoints=lambda: stream_checkpoints(
                config["AMQP_URI"], service, STREAM_IDLE_SECONDS, amqp_ssl(config)
            ),
            keys=CheckpointSettings.from_env(service).public_keys(service),
            spawn=lambda walk: self.container.spawn_managed_thread(
                walk, identifier=f"{service}.verification"
            ),
        )
        settings = CheckpointSettings.from_env(service)
        key = CheckpointKey.from_file(service, settings.key_path) if settings.key_path else None
        feed = LogFeed(app, provider.publication_of)
        exports = Exports(
            app,
            feed,
            service,
            # those of the bundle's run only: read from its first position on
            lambda first, last: stream_checkpoints(
                config["AMQP_URI"], service, STREAM_IDLE_SECONDS, amqp_ssl(config), (first, last)
            ),
            key,
        )
        return Audit(feed, verifications, exports)


class AuditedLog:
    """The auditor's entrypoints of a service (before ``RpcAdapter`` among
    its bases, whose ``_actor`` and ``_command`` they use)."""

    audit: Audit = AuditProvider()

    if TYPE_CHECKING:

        def _actor(self, actor: Any) -> Actor: ...

        def _command(self, command_name: str, command: Any) -> dict[str, Any]: ...

    @rpc
    def audit_events(
        self,
        actor: Any,
        after: int = 0,
        limit: int = DEFAULT_LIMIT,
        municipality: str | None = None,
        actor_id: str | None = None,
        event_type: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        """The store's events after position ``after``, as ``LogFeed.page``."""
        check_auditor(self._actor(actor))
        kept = FeedFilter(
            municipality, actor_id, event_type, moment(since, "since"), moment(until, "until")
        )
        return self.audit.feed.page(after, limit, kept)

    @partial(rpc, command=True)
    def start_verification(self, actor: Any, command: Any) -> dict[str, Any]:
        """Starts walking the store; answers the verification's record
        (``running``). ``anchor``: a head hash the auditor noted before,
        which the chain must still pass through."""
        who = self._actor(actor)
        check_auditor(who)
        anchor = self._command("start_verification", command).get("anchor")
        return self.audit.verifications.start(who.id, bytes.fromhex(anchor) if anchor else None)

    @rpc
    def export_bundle(
        self,
        actor: Any,
        kind: str,
        subject: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> dict[str, Any]:
        """An evidence bundle (``events.bundle``) of a record (``kind`` and
        ``subject``) or of a period (``since`` … ``until``)."""
        who = self._actor(actor)
        check_auditor(who)
        return self.audit.exports.export(who, kind, subject, since, until)

    @rpc
    def verification(self, actor: Any, verification_id: str) -> dict[str, Any]:
        """A verification's progress, and its result once ``done``."""
        check_auditor(self._actor(actor))
        if not isinstance(verification_id, str):
            raise InvalidCommand("verification_id must be an id", field="verification_id")
        return self.audit.verifications.get(verification_id)
