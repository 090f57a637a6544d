"""Prometheus metrics every service exposes on ``GET /metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

commands = Counter(
    "coordonare_commands_total",
    "Entrypoint calls by service, name and outcome (ok or the error code).",
    ["service", "command", "outcome"],
)
command_seconds = Histogram(
    "coordonare_command_seconds",
    "Entrypoint latency.",
    ["service", "command"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
events_stored = Counter(
    "coordonare_events_stored_total", "Domain events written to the store.", ["service"]
)
events_published = Counter(
    "coordonare_events_published_total", "CloudEvents confirmed by the broker.", ["service"]
)
relay_position = Gauge(
    "coordonare_relay_position", "Last notification id confirmed on the bus.", ["service"]
)
relay_lag = Gauge(
    "coordonare_relay_lag_events", "Stored events not yet confirmed on the bus.", ["service"]
)
relay_failures = Counter(
    "coordonare_relay_failures_total", "Failed relay batches (retried).", ["service"]
)
consumed = Counter(
    "coordonare_events_consumed_total",
    "Events taken from the bus, by subscription and outcome.",
    ["service", "subscription", "outcome"],
)
consumer_errors = Counter(
    "coordonare_consumer_errors_total",
    "Handler failures and malformed messages, by subscription and kind.",
    ["service", "subscription", "kind"],
)
consumer_redeliveries = Counter(
    "coordonare_consumer_redeliveries_total",
    "Events delivered again after they had taken effect (no second effect).",
    ["service", "subscription"],
)
events_parked = Counter(
    "coordonare_events_parked_total",
    "Events a subscription set aside after repeated failures (events.parking).",
    ["service", "subscription"],
)
parked = Gauge(
    "coordonare_events_parked_waiting",
    "Events waiting in a subscription's parking queue for an operator's replay.",
    ["service", "subscription"],
)
