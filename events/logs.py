"""JSON logs carrying the correlation id of the command being served.

The id rides in nameko's context data (``correlation_id``), so it follows a
command through RPC calls; it is stored on every domain event and goes out as
the ``correlationid`` CloudEvents extension, so it follows it through events.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")


class CorrelationFilter(logging.Filter):
    """Adds the correlation id; and drops the traceback nameko attaches to
    an expected error (a refusal by rule, role or identity): that is an
    outcome, stored as ``CommandRefused``, not a fault to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.exc_info, record.exc_text = None, None
        return True
