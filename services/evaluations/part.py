"""What every capability mixin of ``EvaluationsApplication`` uses of its
core (``application.py``), declared once for readers and type checkers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from events.actor import Actor
from events.store import ApplicationPart
from events.team import Coordination, Team


class EvaluationsPart(ApplicationPart):
    team: Callable[[Actor], Team]
    today: Callable[[], date]
    evaluator: Callable[[Actor, UUID], tuple[Team, Coordination]]
    scoped: Callable[..., str]  # the asker's relation to a record, or refused on record
    note_read: Callable[..., None]
