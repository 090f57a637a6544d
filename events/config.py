"""Infrastructure settings, read from the environment only (DESIGN §6).

The broker (``AMQP_URI``) and exchange (``EVENTS_EXCHANGE``) come through
nameko's config, which ``deploy/nameko.yaml`` fills from the environment, so
RPC, the relay and subscriptions always share one broker."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_EXCHANGE = "coordonare.events"


@dataclass(frozen=True)
class Settings:
    store_url: str
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
            store_url=store_url,
            relay_batch=int(os.environ.get("RELAY_BATCH", "500")),
            relay_poll_seconds=float(os.environ.get("RELAY_POLL_SECONDS", "1.0")),
        )
