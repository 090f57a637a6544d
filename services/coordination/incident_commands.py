"""Application commands and queries of incident (mixin of
CoordinationApplication)."""

from __future__ import annotations


class IncidentCommands:
    pass
