"""What every capability mixin of ``CasesApplication`` uses of its core
(``application.py``), declared once for readers and type checkers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, overload
from uuid import UUID

from events.actor import Actor
from events.store import ApplicationPart
from events.team import Team

if TYPE_CHECKING:
    from services.cases.case_record import CaseRecord, R
    from services.cases.domain import Case


class CasesPart(ApplicationPart):
    # Signatures for the type checker only: defined here at run time, they
    # would come before the core's own methods in the application's MRO.
    if TYPE_CHECKING:

        def team(self, actor: Actor) -> Team: ...

        def visible_case(
            self,
            actor: Actor,
            case_id: UUID,
            command: str,
            records: tuple[type[CaseRecord], ...] = (),
        ) -> tuple[Team, Case, str]: ...

        def case_ids_in_scope(self, team: Team, coordinator_only: bool = False) -> set[str]: ...

        def check_reads_cases(
            self, actor: Actor, team: Team, query: str, of_technician: str | None = None
        ) -> None: ...

        @overload
        def seal(self, beneficiary_id: str, data: dict[str, Any]) -> str: ...
        @overload
        def seal(self, beneficiary_id: str, data: None) -> None: ...
        def seal(self, beneficiary_id: str, data: dict[str, Any] | None) -> str | None: ...

        def unseal(
            self,
            actor: Actor,
            relation: str,
            kind: str,
            subject_id: str,
            beneficiary_id: str,
            case_id: str | None,
            tokens: dict[str, str | None],
        ) -> dict[str, Any]: ...

        def now(self) -> datetime: ...

        def check_consents(self, case: Case, act: str) -> None: ...

        def save_changed(self, aggregate: Any) -> None: ...

        def record_of(self, kind: type[R], case_id: str) -> R | None: ...

        def started_record(self, kind: type[R], team: Team, case: Case) -> R: ...
