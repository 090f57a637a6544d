"""Signing in with the county's account in Chromium, on a phone, against a
stand-in identity provider (``tests/integration/oidc_stand_in.py``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support.browser import check
from tests.support.services import free_port
from tests.support.web_county import WebCounty, web_county


@pytest.fixture(scope="module")
def county_sign_in(amqp_uri, tmp_path_factory) -> Iterator[WebCounty]:
    """The demo county whose gateway signs in with a stand-in provider."""
    port = free_port()
    provider = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "tests.integration.oidc_stand_in", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert provider.stdout is not None and provider.stdout.readline().strip() == "ready"
        issuer = f"http://127.0.0.1:{port}"
        settings = {
            "GATEWAY_JWKS_URL": f"{issuer}/jwks",
            "WEB_OIDC_ISSUER": issuer,
            "WEB_OIDC_CLIENT_ID": "coordonare",
            "WEB_OIDC_CLIENT_SECRET": "secretul-clientului",
        }
        with web_county(amqp_uri, tmp_path_factory.mktemp("oidc"), **settings) as county:
            yield county
    finally:
        assert provider.stdin is not None
        provider.stdin.close()
        provider.wait(20)


def test_a_technician_signs_in_with_the_county_account_on_a_phone(county_sign_in, open_page):
    page = open_page()
    page.goto(f"{county_sign_in.url}/")
    assert "/intrare" in page.url
    assert check(page, "intrare-judet") == []
    page.get_by_role("link", name="Intrați cu contul județului").click()
    page.get_by_role("button", name="tehnician.cluj").click()  # the provider's user
    page.wait_for_load_state()
    assert page.url == f"{county_sign_in.url}/azi"  # the technician's home
    assert not [c for c in page.context.cookies() if c["name"] == "coordonare_oidc"]
