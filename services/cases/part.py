"""What every capability mixin of ``CasesApplication`` uses of its core
(``application.py``), declared once for readers and type checkers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from events.actor import Actor
from events.store import ApplicationPart
from events.team import Team


class CasesPart(ApplicationPart):
    team: Callable[[Actor], Team]
    visible_case: Callable[..., tuple[Team, Any, str]]  # (team, Case, relation)
    case_ids_in_scope: Callable[..., set[str]]
    check_reads_cases: Callable[..., None]
    seal: Callable[..., Any]
    unseal: Callable[..., dict[str, Any]]
    now: Callable[[], datetime]
    save_changed: Callable[[Any], None]
