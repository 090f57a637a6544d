"""The error hierarchy every service's domain errors derive from.

Each class has a stable ``code`` (the gateway maps codes to HTTP problems in
one table); the specific error names the rule or field that failed. Errors
cross nameko RPC as ``exc_type`` + ``exc_args`` = (message, details).
"""

from __future__ import annotations

from typing import Any


class CoordonareError(Exception):
    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, details)
        self.message, self.details = message, details

    def __str__(self) -> str:
        return self.message


class InvalidCommand(CoordonareError):
    """Malformed input: wrong shape, unknown field, bad value."""

    code = "invalid_command"


class NotFound(CoordonareError):
    code = "not_found"


class Conflict(CoordonareError):
    """Duplicate submission or a state that does not allow the command."""

    code = "conflict"


class Forbidden(CoordonareError):
    """The actor's role or scope does not allow the command."""

    code = "forbidden"


class RuleViolation(CoordonareError):
    """A competence rule of the guide (R1–R10) refuses the command."""

    code = "rule_violation"

    def __init__(self, rule: str, message: str, **details: Any) -> None:
        super().__init__(f"{rule}: {message}", rule=rule, **details)
        self.rule = rule
