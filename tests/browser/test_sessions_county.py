"""Signing in with the county's account in Chromium, on a phone, against a
stand-in identity provider (``tests/integration/oidc_stand_in.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.oidc_stand_in import county_with_provider
from tests.support.browser import check
from tests.support.web_county import WebCounty


@pytest.fixture(scope="module")
def county_sign_in(amqp_uri, tmp_path_factory) -> Iterator[WebCounty]:
    """The demo county whose gateway signs in with a stand-in provider."""
    with county_with_provider(amqp_uri, tmp_path_factory.mktemp("oidc")) as (county, _):
        yield county


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
