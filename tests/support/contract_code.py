"""Which commands a service's code declares, as its contracts must match:
``name = command("name", …)`` in its service module, and those every
service shares (the auditor's verification, ``events.audited``)."""

from __future__ import annotations

import re
from pathlib import Path

SHARED = Path(__file__).parents[2] / "events" / "audited.py"


def commands_declared(service_module: Path) -> set[str]:
    own = set(re.findall(r'\bcommand\(\s*"(\w+)"', service_module.read_text()))
    return own | set(re.findall(r'_command\(\s*"(\w+)"', SHARED.read_text()))
