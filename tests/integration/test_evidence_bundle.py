"""The auditor exports evidence (issue 19, part 6): a case of the demo
county, a contract and a period, each as one file, taken to another folder
with only the public keys the gateway publishes; there it verifies offline
(``coordonare-verify --bundle``), and one byte changed in it is named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from events import checkpoint
from events.identity import write_key_pair
from events.verify import main as coordonare_verify
from tests.support.gateway import County, county_behind_gateway
from tests.support.waiting import eventually

SIGNING = ("cases", "coordination")


@pytest.fixture(autouse=True)
def streams_of_the_test() -> None:
    """The streams are the module's, like its county and its checkpoints."""


@pytest.fixture(scope="module")
def county(amqp_uri, tmp_path_factory) -> Iterator[County]:
    """The county with the cases and coordination services signing their
    heads every second, and the gateway publishing their public keys."""
    keys = tmp_path_factory.mktemp("keys")
    published = []
    with pytest.MonkeyPatch.context() as env:
        for service in SIGNING:
            issuer = checkpoint.key_issuer(service)
            jwks = keys / f"{issuer}.jwks.json"
            write_key_pair(issuer, keys / f"{issuer}.pem", jwks)
            env.setenv(f"{service.upper()}_CHECKPOINT_KEY", str(keys / f"{issuer}.pem"))
            published.append(str(jwks))
        env.setenv("CHECKPOINT_SECONDS", "1")
        with county_behind_gateway(
            amqp_uri, tmp_path_factory.mktemp("bundles"), CHECKPOINT_PUBLIC_KEYS=" ".join(published)
        ) as county:
            yield county


def elsewhere(county: County, tmp: Path, bundle: dict[str, Any]) -> tuple[Path, Path]:
    """The bundle and the published keys, in a folder of their own."""
    keys = county.as_("auditor").get(f"{county.url}/.well-known/checkpoint-keys.json")
    assert keys.status_code == 200, keys.text
    (tmp / "keys.jwks.json").write_text(keys.text)
    (tmp / "bundle.json").write_text(json.dumps(bundle, ensure_ascii=False))
    return tmp / "bundle.json", tmp / "keys.jwks.json"


def exported(county: County, service: str, **params: str) -> dict[str, Any]:
    """A bundle whose newest selected event a checkpoint already covers (the
    service signs its head every second)."""

    def export() -> dict[str, Any]:
        answer = county.as_("auditor").get(
            f"{county.url}/audit/{service}/bundle", params=params, timeout=60
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def covered(bundle: dict[str, Any]) -> bool:
        last = max(e["position"] for e in bundle["events"] if e["selected"])
        return any(c["position"] >= last for c in bundle["checkpoints"])

    return eventually(export, 60, every=1, until=covered)


def verified(bundle: Path, keys: Path, capsys: Any) -> tuple[int, str]:
    status = coordonare_verify(["--bundle", str(bundle), "--keys", str(keys)])
    return status, capsys.readouterr().out


def test_a_case_exported_verifies_offline_and_a_changed_byte_is_named(
    county: County, tmp_path: Path, capsys: Any
) -> None:
    coordinator = county.as_("asistent.cluj")
    case_id = coordinator.get(f"{county.url}/cases").json()["items"][0]["case_id"]
    bundle = exported(county, "cases", kind="case", subject=case_id)

    selected = [e for e in bundle["events"] if e["selected"]]
    assert {e["aggregate_id"] for e in selected} >= {case_id}
    referred = next(e for e in selected if e["seen"]["event"] == "Case.Referred")
    assert referred["seen"]["changed"]["beneficiary"]["after"]  # as the auditor sees it
    assert bundle["exported_by"] == county.user("auditor")["sub"]

    path, keys = elsewhere(county, tmp_path, bundle)
    status, said = verified(path, keys, capsys)
    assert status == 0, said
    assert f"{len(selected)} events selected" in said

    # one byte of one stored event changed: that event is named
    victim = selected[-1]
    text = path.read_text()
    state = json.dumps(victim["state"], ensure_ascii=False)[1:-1]
    changed = state.replace(state[10], "Z" if state[10] != "Z" else "Y", 1)
    path.write_text(text.replace(state, changed, 1))
    status, said = verified(path, keys, capsys)
    assert status == 1 and f"notification {victim['position']}" in said, said


def test_a_contract_and_a_period_verify_and_nobody_else_exports(
    county: County, tmp_path: Path, capsys: Any
) -> None:
    auditor = county.as_("auditor")
    technician = county.user("tehnician.cluj")["sub"]
    contracts = auditor.get(f"{county.url}/technicians/{technician}/contracts").json()
    contract = (contracts["items"] if isinstance(contracts, dict) else contracts)[0]
    for name, bundle in (
        (
            "contract",
            exported(county, "coordination", kind="contract", subject=contract["contract_id"]),
        ),
        ("coordination", exported(county, "coordination", kind="coordination", subject=technician)),
        (
            "period",
            exported(
                county,
                "coordination",
                kind="period",
                since=(datetime.now(UTC) - timedelta(hours=1)).isoformat(),
                until=datetime.now(UTC).isoformat(),
            ),
        ),
    ):
        folder = tmp_path / name
        folder.mkdir()
        status, said = verified(*elsewhere(county, folder, bundle), capsys)
        assert status == 0, f"{name}: {said}"

    refused = county.as_("asistent.cluj").get(
        f"{county.url}/audit/cases/bundle", params={"kind": "period"}
    )
    assert refused.status_code == 403, refused.text
    unknown = auditor.get(
        f"{county.url}/audit/cases/bundle", params={"kind": "contract", "subject": "x"}
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind", unknown.text
