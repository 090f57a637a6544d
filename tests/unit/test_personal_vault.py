"""Crypto-shredding: a beneficiary's personal data opens only with their own
key, and once that key is erased it never opens again (on every replica:
tests/integration/test_personal_vault_replicas.py)."""

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from services.cases.personal import (
    ERASED,
    PersonalDataErased,
    PersonalDataVault,
    redact,
)

MASTER_KEY = bytes(range(32))
IOANA = {
    "full_name": "Ioana Popescu",
    "cnp": "2850101123456",
    "address": "Str. Memorandumului 21, Cluj-Napoca",
    "observations": "Locuiește singură; nepoata o vizitează săptămânal.",
}
FIELDS = ("full_name", "cnp", "address")


@pytest.fixture
def keys_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cases.db'}"


@pytest.fixture
def vault(keys_url: str) -> Iterator[PersonalDataVault]:
    v = PersonalDataVault(keys_url, MASTER_KEY)
    yield v
    v.close()


def test_sealed_data_opens_again_for_the_same_person(vault: PersonalDataVault) -> None:
    ioana = uuid4()
    token = vault.seal(ioana, IOANA)

    assert token.startswith("pd1:") and token.isascii()
    assert "Popescu" not in token and IOANA["cnp"] not in token
    assert vault.open(ioana, token) == IOANA
    assert vault.open(ioana, None) is None
    # a second seal uses the key made by the first, with a fresh nonce
    contact = {"contact": "0740 000 000"}
    again = vault.seal(ioana, contact)
    assert again != token
    assert vault.open_many(ioana, [token, None, again]) == [IOANA, None, contact]
    assert redact(vault.open(ioana, token), FIELDS) == {f: IOANA[f] for f in FIELDS}


def test_a_token_cannot_be_moved_to_another_person(vault: PersonalDataVault) -> None:
    ioana, mihai = uuid4(), uuid4()
    token = vault.seal(ioana, IOANA)
    vault.seal(mihai, {"full_name": "Mihai Ionescu"})

    with pytest.raises(ValueError):
        vault.open(mihai, token)
    with pytest.raises(ValueError):  # nor to someone who has no key at all
        vault.open(uuid4(), token)


def test_an_erased_person_reads_as_erased_and_gets_no_new_key(vault: PersonalDataVault) -> None:
    ioana, mihai = uuid4(), uuid4()
    tokens = [vault.seal(ioana, IOANA), vault.seal(ioana, {"contact": "0740 000 000"})]
    mihai_token = vault.seal(mihai, {"full_name": "Mihai Ionescu"})
    assert not vault.is_erased(ioana)

    assert vault.erase(ioana) is True

    assert vault.is_erased(ioana)
    assert vault.open(ioana, tokens[0]) is None
    assert vault.open_many(ioana, [*tokens, None]) == [None, None, None]
    assert redact(vault.open(ioana, tokens[0]), FIELDS) == dict.fromkeys(FIELDS, ERASED)
    with pytest.raises(PersonalDataErased) as refused:
        vault.seal(ioana, {"full_name": "Ioana Popescu"})
    assert refused.value.code == "personal_data_erased"
    assert vault.erase(ioana) is False
    # nobody else is touched
    assert vault.open(mihai, mihai_token) == {"full_name": "Mihai Ionescu"}


def test_erasing_someone_never_seen_leaves_a_tombstone(vault: PersonalDataVault) -> None:
    stranger = uuid4()

    assert vault.erase(stranger) is False

    assert vault.is_erased(stranger)
    with pytest.raises(PersonalDataErased):
        vault.seal(stranger, IOANA)


def test_the_keys_do_not_open_with_another_master_key(
    vault: PersonalDataVault, keys_url: str
) -> None:
    ioana = uuid4()
    token = vault.seal(ioana, IOANA)

    intruder = PersonalDataVault(keys_url, os.urandom(32))
    try:
        with pytest.raises(ValueError):
            intruder.open(ioana, token)
        with pytest.raises(ValueError):
            intruder.seal(ioana, {"full_name": "someone else"})
    finally:
        intruder.close()
    assert vault.open(ioana, token) == IOANA


def test_an_altered_token_is_refused(vault: PersonalDataVault) -> None:
    ioana = uuid4()
    token = vault.seal(ioana, IOANA)
    body = bytearray(base64.urlsafe_b64decode(token.removeprefix("pd1:")))
    body[20] ^= 0x01
    flipped = "pd1:" + base64.urlsafe_b64encode(bytes(body)).decode()

    for altered in (flipped, token[:-8], "pd1:not*base64", token.replace("pd1:", "pd2:"), "pd1:"):
        with pytest.raises(ValueError):
            vault.open(ioana, altered)


def test_without_a_master_key_the_vault_says_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch, keys_url: str
) -> None:
    monkeypatch.delenv("CASES_MASTER_KEY", raising=False)
    with pytest.raises(RuntimeError, match="CASES_MASTER_KEY") as missing:
        PersonalDataVault.from_env(keys_url)
    assert "urlsafe_b64encode(os.urandom(32))" in str(missing.value)

    monkeypatch.setenv("CASES_MASTER_KEY", "too-short")
    with pytest.raises(RuntimeError, match="CASES_MASTER_KEY"):
        PersonalDataVault.from_env(keys_url)


def test_from_env_uses_the_master_key_and_the_keys_url(
    monkeypatch: pytest.MonkeyPatch, keys_url: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("CASES_MASTER_KEY", base64.urlsafe_b64encode(MASTER_KEY).decode())
    monkeypatch.setenv("CASES_KEYS_URL", keys_url)
    ioana = uuid4()
    # the store URL is only the default; CASES_KEYS_URL wins
    configured = PersonalDataVault.from_env(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    token = configured.seal(ioana, IOANA)
    configured.close()

    direct = PersonalDataVault(keys_url, MASTER_KEY)
    assert direct.open(ioana, token) == IOANA
    direct.close()
