"""Counting an application's reads of its notification log (issue 17: what
a process committed itself it need not read back)."""

from typing import Any

import pytest


def log_reads(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each later read of ``app``'s log, by the position it starts after."""
    seen: list[Any] = []
    select = app.recorder.select_notifications

    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("start"))
        return select(*args, **kwargs)

    monkeypatch.setattr(app.recorder, "select_notifications", counted)
    return seen
