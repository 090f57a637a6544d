"""Backups never bring an erased person back (issue 14, "Keys"). The key
database is restored from a copy taken before an erasure: the erased key is
in it again. The erasure is on record in the cases store, so the service
applies it again when it starts (and the operators' command does the same):
the person's data stays unreadable. Real broker, real PostgreSQL."""

from typing import Any

import psycopg2
from nameko.containers import ServiceContainer

from services.cases import keys
from services.cases.service import CasesService
from tests.support.registry import ADMIN
from tests.support.services import nameko_config

ELENA = {"kind": "person", "full_name": "Elena Marin", "cnp": "2900101123456"}


def key_rows(keys_store: str) -> list[tuple[Any, ...]]:
    """The key table as a backup takes it: every row, as stored."""
    with psycopg2.connect(keys_store) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT beneficiary_id, wrapped_key, created_at, erased_at, master_key_id "
            "FROM beneficiary_keys ORDER BY beneficiary_id"
        )
        return cur.fetchall()


def restore(keys_store: str, rows: list[tuple[Any, ...]]) -> None:
    """The key table put back as it was in the backup."""
    with psycopg2.connect(keys_store) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM beneficiary_keys")
        cur.executemany("INSERT INTO beneficiary_keys VALUES (%s, %s, %s, %s, %s)", rows)
    conn.close()


def wrapped_key_of(keys_store: str, beneficiary_id: str) -> bytes | None:
    rows = {r[0]: r[1] for r in key_rows(keys_store)}
    return rows[beneficiary_id]


def test_an_older_copy_of_the_key_table_never_brings_an_erased_person_back(casework):
    cases, tech, sw = casework["cases"], casework["tech_actor"], casework["expert_actor"]
    admin, keys_store = ADMIN, casework["keys_store"]
    case = cases.refer_case(
        tech,
        {
            "municipality": "54975",
            "beneficiary": ELENA,
            "categories": ["old_age"],
            "referral_source": "neighbours",
        },
    )
    key, person = {"case_id": case["case_id"]}, case["beneficiary_id"]
    # the key is in the key database, not in the cases store
    assert wrapped_key_of(keys_store, person) is not None
    with psycopg2.connect(casework["cases_store"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('beneficiary_keys')")
        assert cur.fetchone() == (None,)
    conn.close()
    backup = key_rows(keys_store)  # last night's backup

    cases.record_initial_evaluation(tech, key | {"findings": "Are familie care o îngrijește."})
    cases.close_case(sw, key | {"outcome": "not_opened", "rationale": "Nu are nevoie de sprijin."})
    cases.archive_case(sw, key)
    erase = {"beneficiary_id": person, "legal_basis": "data_subject_request", "reference": "DPO 9"}
    assert cases.erase_personal_data(admin, erase)["erased"] is True
    assert cases.get_case(sw, case["case_id"])["beneficiary"]["full_name"] == "[erased]"

    restore(keys_store, backup)  # the database is restored from that backup
    assert wrapped_key_of(keys_store, person) is not None  # the erased key is back...
    assert cases.get_case(sw, case["case_id"])["beneficiary"]["full_name"] == "Elena Marin"

    # ...until the service starts again on the restored database
    [running] = [c for c in casework["containers"] if c.service_name == "cases"]
    running.stop()
    restarted = ServiceContainer(CasesService, nameko_config(casework["amqp_uri"]))
    restarted.start()
    try:
        assert wrapped_key_of(keys_store, person) is None
        seen = cases.get_case(sw, case["case_id"])
        assert seen["beneficiary"]["full_name"] == "[erased]"
        assert seen["stage"] == "archived"  # the rest of the record stays

        # the operators' command does the same, without a restart
        restore(keys_store, backup)
        assert keys.reapply_main(["--store", casework["cases_store"]]) == 0
        assert wrapped_key_of(keys_store, person) is None
        assert cases.get_case(sw, case["case_id"])["beneficiary"]["full_name"] == "[erased]"
    finally:
        restarted.stop()
