"""Application commands and queries of task (mixin of
CoordinationApplication)."""

from __future__ import annotations


class TaskCommands:
    pass
