"""Refused commands are facts too (DESIGN §3): a technician trying to exceed
their competence is a situation the guide wants surfaced (4.2.1).

A command refused by a competence rule (``RuleViolation``) or by role and
scope (``Forbidden``) changes no aggregate; instead a ``Refusal`` of its own
is stored — who, which command, on what, which rule — and published as
``ro.coordonare.<service>.CommandRefused.v1``. Malformed input, unknown ids
and duplicates are answered but not recorded: they are mistakes, not
attempts to act beyond one's competence.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from eventsourcing.domain import Aggregate

from events.actor import Actor, AuditedAggregate
from events.cloudevent import Publication
from events.errors import CoordonareError, Forbidden, RuleViolation

RECORDED = (RuleViolation, Forbidden)


class Refusal(AuditedAggregate):
    class Recorded(Aggregate.Created, AuditedAggregate.Event):
        command: str
        code: str
        rule: str | None
        reason: str
        subject: str | None
        municipality: str | None

    def __init__(self, command: str, code: str, rule: str | None, reason: str, **_: Any) -> None:
        self.command, self.code, self.rule, self.reason = command, code, rule, reason

    @classmethod
    def record(
        cls, actor: Actor, command: str, error: CoordonareError, subject: str | None = None
    ) -> Refusal:
        rule = getattr(error, "rule", None)
        return cls.of(actor, command, error.code, rule, error.message, subject)

    @classmethod
    def of(
        cls,
        actor: Actor,
        command: str,
        code: str,
        rule: str | None,
        reason: str,
        subject: str | None = None,
    ) -> Refusal:
        """A refusal told by its parts: the gateway's, which refuses with a
        problem rather than a domain error (``gateway.refused``)."""
        return cls._create(
            cls.Recorded,
            id=uuid.uuid4(),
            command=command,
            code=code,
            rule=rule,
            reason=reason,
            subject=subject,
            municipality=actor.municipality,
            **actor.event_fields(),
        )


def publication(event: Refusal.Recorded) -> Publication:
    return Publication(
        "CommandRefused",
        {
            "command": event.command,
            "code": event.code,
            "rule": event.rule,
            "reason": event.reason,
            "refused_subject": event.subject,
        },
        municipality=event.municipality,
    )


P = ParamSpec("P")
R = TypeVar("R")


def records_refusals(
    method: Callable[Concatenate[Any, Actor, P], R],
) -> Callable[Concatenate[Any, Actor, P], R]:
    """On an application command whose first argument is the actor: a
    refusal by rule or scope is stored before the error goes back."""

    @functools.wraps(method)
    def command(self: Any, actor: Actor, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, actor, *args, **kwargs)
        except RECORDED as error:
            # the aggregate acted on, when the command names one by id
            ids = [a for a in (*args, *kwargs.values()) if isinstance(a, uuid.UUID)]
            subject = str(ids[0]) if ids else None
            self.save(Refusal.record(actor, method.__name__, error, subject))
            raise

    return command
