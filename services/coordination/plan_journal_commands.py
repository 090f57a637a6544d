"""Application commands and queries of plan and journal (mixin of
CoordinationApplication)."""

from __future__ import annotations


class PlanJournalCommands:
    pass
