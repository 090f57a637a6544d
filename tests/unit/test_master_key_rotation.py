"""The master key is rotated by re-wrapping the beneficiaries' keys: no
token, no event and no personal data changes, a rotation stopped half-way
is finished by running it again, and the keys live in a database of their
own by default. On SQLite files (the same code runs on PostgreSQL)."""

import base64
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, text

from services.cases import keys
from services.cases.master_keys import keys_url_for, master_key_id
from services.cases.personal import PersonalDataVault

OLD, NEW = bytes(range(32)), bytes(range(32, 64))
PEOPLE = [{"full_name": f"Persoana {n}", "cnp": f"2850101{n:06d}"} for n in range(5)]


def b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


@pytest.fixture
def sealed(tmp_path: Path) -> tuple[str, list]:
    """Five people's data sealed under the old master key, one person erased."""
    url = f"sqlite:///{tmp_path / 'cases-keys.db'}"
    vault = PersonalDataVault(url, OLD)
    tokens = [(uuid4(), person) for person in PEOPLE]
    sealed = [(bid, vault.seal(bid, person), person) for bid, person in tokens]
    erased = uuid4()
    vault.seal(erased, {"full_name": "Șters"})
    vault.erase(erased)
    vault.close()
    return url, sealed


def test_the_key_database_is_the_stores_own_by_default():
    assert keys_url_for("postgresql://u:p@db:5432/coordonare_cases") == (
        "postgresql://u:p@db:5432/coordonare_cases_keys"
    )
    assert keys_url_for("sqlite:////var/lib/coordonare/cases.db") == (
        "sqlite:////var/lib/coordonare/cases-keys.db"
    )
    assert keys_url_for("sqlite://") == "sqlite://"


def test_a_rotation_stopped_half_way_is_finished_by_running_it_again(sealed):
    url, people = sealed
    rotating = PersonalDataVault(url, NEW, previous=[OLD])
    assert rotating.to_rewrap() == 5  # the erased person has no key to re-wrap
    assert rotating.rewrap(limit=2) == 2  # ...and here the run is interrupted
    assert rotating.to_rewrap() == 3
    # meanwhile every person's data opens for a service given both keys
    assert [rotating.open(bid, token) for bid, token, _ in people] == PEOPLE
    old_only = PersonalDataVault(url, OLD)
    with pytest.raises(ValueError, match="master key"):
        for bid, token, _ in people:
            old_only.open(bid, token)
    old_only.close()

    assert rotating.rewrap() == 3  # the second run finishes the rest
    assert rotating.to_rewrap() == 0 and rotating.rewrap() == 0
    rotating.close()

    new_only = PersonalDataVault(url, NEW)  # the old key can now be retired
    assert [new_only.open(bid, token) for bid, token, _ in people] == PEOPLE  # same tokens
    rows = create_engine(url).connect().execute(
        text("SELECT master_key_id FROM beneficiary_keys WHERE wrapped_key IS NOT NULL")
    )
    assert {r[0] for r in rows} == {master_key_id(NEW)}
    new_only.close()


def test_a_key_table_from_before_master_key_ids_is_opened_and_rotated(sealed):
    url, people = sealed
    engine = create_engine(url)
    with engine.begin() as conn:  # as the table was made before this change
        conn.execute(text("ALTER TABLE beneficiary_keys DROP COLUMN master_key_id"))
    engine.dispose()
    rotating = PersonalDataVault(url, NEW, previous=[OLD])  # adds the column
    assert rotating.open(people[0][0], people[0][1]) == PEOPLE[0]  # found by trying
    assert rotating.to_rewrap() == 5 and rotating.rewrap() == 5
    rotating.close()


def test_the_command_rotates_from_the_environment_and_says_what_is_left(
    sealed, monkeypatch, capsys, tmp_path
):
    url, people = sealed
    monkeypatch.setenv("CASES_KEYS_URL", url)
    monkeypatch.setenv("CASES_MASTER_KEY", b64(NEW))
    monkeypatch.setenv("CASES_PREVIOUS_MASTER_KEYS", b64(OLD))
    store = f"sqlite:///{tmp_path / 'cases.db'}"
    assert keys.rotate_main(["--store", store, "--limit", "4", "--batch", "3"]) == 3
    assert "re-wrapped 4 keys" in capsys.readouterr().out
    assert keys.rotate_main(["--store", store]) == 0
    assert f"re-wrapped 1 keys with master key {master_key_id(NEW)}; 0 left" in (
        capsys.readouterr().out
    )
    monkeypatch.delenv("CASES_PREVIOUS_MASTER_KEYS")
    vault = PersonalDataVault.from_env(store)
    assert vault.open(people[4][0], people[4][1]) == PEOPLE[4]
    vault.close()


def test_without_the_old_key_the_command_stops_and_names_the_key(sealed, monkeypatch, capsys):
    url, _ = sealed
    monkeypatch.setenv("CASES_KEYS_URL", url)
    monkeypatch.setenv("CASES_MASTER_KEY", b64(NEW))
    monkeypatch.delenv("CASES_PREVIOUS_MASTER_KEYS", raising=False)
    assert keys.rotate_main([]) == 1
    assert "CASES_PREVIOUS_MASTER_KEYS" in capsys.readouterr().err


def test_keys_left_in_the_stores_own_database_are_not_silently_ignored(tmp_path, monkeypatch):
    store = f"sqlite:///{tmp_path / 'cases.db'}"
    old_default = PersonalDataVault(store, OLD)  # where keys were kept before
    old_default.seal(uuid4(), PEOPLE[0])
    old_default.close()
    monkeypatch.delenv("CASES_KEYS_URL", raising=False)
    monkeypatch.setenv("CASES_MASTER_KEY", b64(OLD))
    with pytest.raises(RuntimeError, match="CASES_KEYS_URL"):
        PersonalDataVault.from_env(store)
    monkeypatch.setenv("CASES_KEYS_URL", store)  # kept where they are, on purpose
    PersonalDataVault.from_env(store).close()
