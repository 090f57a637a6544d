"""Infrastructure settings, read from the environment only (DESIGN §6)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_EXCHANGE = "coordonare.events"


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    store_url: str
    exchange: str
    relay_batch: int
    relay_poll_seconds: float

    @classmethod
    def from_env(cls, service: str) -> Settings:
        """``STORE_URL`` names the service's own database (``postgresql://…``
        or ``sqlite:///…`` for an embedded run); ``<SERVICE>_STORE_URL`` wins
        when several services share one environment."""
        store_url = os.environ.get(f"{service.upper()}_STORE_URL") or os.environ.get("STORE_URL")
        if not store_url:
            raise RuntimeError(
                f"no event store configured for {service}: set STORE_URL "
                f"(or {service.upper()}_STORE_URL), e.g. "
                f"postgresql://postgres@127.0.0.1:5432/coordonare_{service}"
            )
        return cls(
            amqp_uri=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI),
            store_url=store_url,
            exchange=os.environ.get("EVENTS_EXCHANGE", DEFAULT_EXCHANGE),
            relay_batch=int(os.environ.get("RELAY_BATCH", "500")),
            relay_poll_seconds=float(os.environ.get("RELAY_POLL_SECONDS", "1.0")),
        )
