"""Crypto-shredding across replicas: once one replica of the cases service
erases a beneficiary's key, every other replica sharing the key database
sees it at once, on SQLite and on PostgreSQL (the same code)."""

from collections.abc import Callable
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from services.cases.personal import PersonalDataErased, PersonalDataVault

MASTER_KEY = bytes(range(32))
IOANA = {
    "full_name": "Ioana Popescu",
    "cnp": "2850101123456",
    "address": "Str. Memorandumului 21, Cluj-Napoca",
    "observations": "Locuiește singură; nepoata o vizitează săptămânal.",
}


def two_replicas_see_one_erasure(url: str) -> None:
    first, second = PersonalDataVault(url, MASTER_KEY), PersonalDataVault(url, MASTER_KEY)
    try:
        ioana = uuid4()
        token = first.seal(ioana, IOANA)
        assert second.open(ioana, token) == IOANA  # one key, whoever made it
        assert second.seal(ioana, {"contact": "0740 000 000"})

        assert first.erase(ioana) is True

        assert second.is_erased(ioana)
        assert second.open(ioana, token) is None
        with pytest.raises(PersonalDataErased):
            second.seal(ioana, IOANA)
        assert second.erase(ioana) is False
    finally:
        first.close()
        second.close()


def test_an_erasure_on_one_replica_is_seen_at_once_by_another(tmp_path: Path) -> None:
    two_replicas_see_one_erasure(f"sqlite:///{tmp_path / 'cases.db'}")


def test_the_same_story_on_postgresql(make_store: Callable[[], str]) -> None:
    url = make_store()
    two_replicas_see_one_erasure(url)
    # the table is made once; a third replica starting later finds it
    third = PersonalDataVault(url, MASTER_KEY)
    try:
        assert third.erase(UUID(int=7)) is False
        assert third.is_erased(UUID(int=7))
    finally:
        third.close()
