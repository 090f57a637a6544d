"""Browser stories run against the demo county behind the gateway, one per
test module (in a process of its own: ``tests.support.web_county``), in
Debian's Chromium (``tests.support.browser``). This pytest process is not
patched by eventlet (``COORDONARE_BROWSER_TESTS=1``, ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.support.web_county import WebCounty, web_county


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def web(amqp_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebCounty]:
    """The demo county and its gateway, serving the web app."""
    with web_county(amqp_uri, tmp_path_factory.mktemp("web")) as county:
        yield county


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make setup` (deploy/infra.sh)"
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``open_page(viewport)``: a page in a fresh browser context (its own
    cookies: one person). Every context is closed when the story ends: an
    open keep-alive connection would hold the gateway's stop."""
    contexts: list[BrowserContext] = []

    def new(viewport: dict[str, int] = PHONE, **options: Any) -> Page:
        context = browser.new_context(viewport=viewport, locale="ro-RO", **options)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()
