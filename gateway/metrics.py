"""The gateway's Prometheus metrics: requests by route template and status,
and how long they took (the template, not the path, keeps ids out of labels)."""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram

requests = Counter(
    "coordonare_gateway_requests_total", "HTTP requests", ["method", "route", "status"]
)
refusals = Counter(
    "coordonare_gateway_refusals_total",
    "Requests the gateway refused for role, municipality or relation (the service never saw them)",
    ["operation", "code"],
)
refusals_unrecorded = Counter(
    "coordonare_gateway_refusals_unrecorded_total",
    "Refusals answered but not stored, the gateway's store failing (their log lines keep them)",
)
auditor_requests_unrecorded = Counter(
    "coordonare_gateway_auditor_requests_unrecorded_total",
    "Auditors' requests answered but not stored, the gateway's store failing (their log lines "
    "keep them)",
)
seconds = Histogram(
    "coordonare_gateway_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def observe(method: str, route: str, status: int, started: float) -> None:
    requests.labels(method, route, str(status)).inc()
    seconds.labels(method, route).observe(time.perf_counter() - started)
