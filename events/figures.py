"""Who reads the county's consolidated report (guide 3.2, instrument G):
each service counts its own part of it, under this one rule. The county's
staff and auditors read every municipality; a SPAS head their own; nobody
else."""

from __future__ import annotations

from collections.abc import Iterable

from events.errors import Forbidden

COUNTY_READERS = ("county_admin", "auditor")
SPAS_READER = "spas_head"


def municipalities_in_scope(
    role: str,
    own: str | None,
    asked: str | None,
    known: Iterable[str],
    refused: type[Forbidden] = Forbidden,
) -> list[str]:
    """The municipalities whose figures the reader gets: ``asked`` alone,
    or every one ``known``; ``refused`` (the service's own error) otherwise."""
    if role in COUNTY_READERS:
        return [asked] if asked is not None else sorted(set(known))
    if role == SPAS_READER and own is not None and asked in (None, own):
        return [own]
    if role == SPAS_READER:
        raise refused("a SPAS head reads the figures of their own municipality", municipality=asked)
    raise refused("the county's figures are read by the county, auditors and SPAS heads", role=role)
