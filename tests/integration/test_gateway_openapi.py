"""The OpenAPI document (contracts/openapi.json) against the live gateway:
a property-based run (schemathesis) sends every operation generated
requests, valid and invalid, as a technician and as the county's admin, and
finds no 5xx and no answer that contradicts the document (status, media
type, body and headers), no invalid request accepted, no operation served
without a token."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from gateway.openapi import OPENAPI_FILE
from tests.support.gateway import County, county_behind_gateway

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
]


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    with county_behind_gateway(amqp_uri, tmp_path_factory.mktemp("openapi")) as county:
        yield county


# An invalid request is rightly refused with any of these; 413 is a body over
# the gateway's limit, which the generator's long strings sometimes make.
REFUSALS = ["400", "401", "403", "404", "405", "409", "413", "415", "422"]
schema = schemathesis.openapi.from_dict(
    json.loads(OPENAPI_FILE.read_text()),
    config=SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}}}
    ),
)


SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def call_as(case: schemathesis.Case, county: County, username: str) -> None:
    case.call_and_validate(
        base_url=county.url,
        headers={"Authorization": f"Bearer {county.token(username)}"},
        checks=CHECKS,
    )


@schema.parametrize()
@SETTINGS
def test_as_a_technician(case: schemathesis.Case, county: County) -> None:
    call_as(case, county, "tehnician.cluj")


@schema.parametrize()
@SETTINGS
def test_as_the_county_admin(case: schemathesis.Case, county: County) -> None:
    call_as(case, county, "judet")


@schema.parametrize()
@SETTINGS
def test_as_a_coordinator(case: schemathesis.Case, county: County) -> None:
    call_as(case, county, "asistent.cluj")
