from collections.abc import Iterator
from typing import Any

import pytest
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy

from services.coordination.service import CoordinationService
from tests.support.county import build_county
from tests.support.services import nameko_config


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def county(store_url, amqp_uri, monkeypatch) -> Iterator[dict[str, Any]]:
    """The coordination service running in-process, and a county registered
    in it (see tests/support/county.py)."""
    monkeypatch.setenv("STORE_URL", store_url)
    monkeypatch.setenv("RELAY_POLL_SECONDS", "0.2")
    config = nameko_config(amqp_uri)
    container = ServiceContainer(CoordinationService, config)
    container.start()
    with ClusterRpcProxy(config) as rpc:
        yield build_county(rpc.coordination, amqp_uri)
    container.stop()
