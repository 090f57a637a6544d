"""A service process logs JSON lines, each carrying the correlation id of
the command it serves, so one command can be followed across services."""

import json
import subprocess

from tests.support.registry import CLUJ, HARNESS
from tests.support.services import call, start_process


def test_logs_are_json_with_the_callers_correlation_id(store_url, amqp_uri):
    process = start_process(
        "services.coordination.service:CoordinationService",
        amqp_uri,
        store_url,
        LOG_LEVEL="INFO",
        stderr=subprocess.PIPE,
    )
    try:
        assert call(amqp_uri, "register_municipality", HARNESS, CLUJ.command())["siruta"] == "54975"
        # a refused duplicate is logged, as an expected error
        refusal = call(
            amqp_uri, "register_municipality", HARNESS, CLUJ.command(), correlation_id="trace-7"
        )
        assert isinstance(refusal, Exception)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    records = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert records, "no JSON log lines"
    assert all({"time", "level", "name", "message", "correlation_id"} <= r.keys() for r in records)
    refused = [r for r in records if "already registered" in r["message"]]
    assert refused and refused[0]["correlation_id"] == "trace-7"
