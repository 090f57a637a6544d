"""Whose open matters a SPAS-wide list shows (the escalation targets'
lists: open incidents, contracts R5 no longer holds for). Pure."""

from __future__ import annotations

from events.actor import Actor
from events.errors import CoordonareError

# who reads such a list for any SPAS, or for all of them
COUNTY_READERS = ("county_admin", "auditor", "system")


def spas_list_scope(actor: Actor, municipality: str | None, refused: CoordonareError) -> str | None:
    """The municipality the list is read for: the SPAS head's own SPAS; the
    one asked (``None``: all) for the county's staff and auditors; anyone
    else, or a head asking for another SPAS, gets ``refused``."""
    if actor.role == "spas_head" and municipality in (None, actor.municipality):
        return actor.municipality
    if actor.role not in COUNTY_READERS:
        raise refused
    return municipality
