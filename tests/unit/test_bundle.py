"""An evidence bundle checked offline (issue 19, part 6): intact as
exported, and every way of changing it after export is named — an event's
stored bytes, what it shows, the header, a rewritten run, a missing
checkpoint, another signer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from events import bundle
from events.checkpoint import PublicKeys
from tests.unit.test_checkpoint import chain, rewritten_from, service_key

SELECTION = {"kind": "case", "subject": "c-1"}


def exported(rows: list[Any], selected: list[int], checkpoints: list[int], key: Any = None):
    key = key or SIGNER
    signed = [key.sign(n, rows[n - 1].chain_hash) for n in checkpoints]

    def rows_after(after: int = 0, batch: int = 10_000):
        return (r for r in rows if r.notification_id > after)

    seen = {
        n: {"event": "Case.Referred", "changed": {"note": {"after": f"v{n}"}}} for n in selected
    }
    return bundle.build("cases", rows_after, selected, seen, signed, key, SELECTION, "auditor-1")


SIGNER = service_key("cases")
KEYS = PublicKeys.from_jwks([SIGNER.jwks()])
ROWS = chain([b'{"n": %d}' % n for n in range(1, 11)])


def test_the_run_goes_from_the_first_selected_to_the_covering_checkpoint():
    made = exported(ROWS, [4, 6], [3, 5, 8, 10])
    assert [e["position"] for e in made["events"]] == [4, 5, 6, 7, 8]
    assert [e["selected"] for e in made["events"]] == [True, False, True, False, False]
    assert made["after"] == {"position": 3, "hash": ROWS[2].chain_hash.hex()}
    assert [c["position"] for c in made["checkpoints"]] == [5, 8]
    assert made["events"][1]["seen"] is None  # between, not selected: as stored only
    report = bundle.verify(made, KEYS)
    assert report.intact, report.describe()
    assert "2 events selected, 5 in the run from notification 4 to 8" in report.detail


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda b: b["events"][2].update(state='{"n": 7}'), "event 3 (notification 6"),
        (lambda b: b["events"][0]["seen"]["changed"]["note"].update(after="x"), "notification 4"),
        (lambda b: b.update(exported_by="someone-else"), "signature does not verify"),
        (lambda b: b["digests"].pop(), "5 events for 4 digests"),
    ],
)
def test_a_change_after_export_is_named(change, named):
    made = exported(ROWS, [4, 6], [5, 8])
    change(made)
    report = bundle.verify(made, KEYS)
    assert not report.intact and named in report.detail, report.detail


def test_a_store_rewritten_before_export_contradicts_its_checkpoint():
    """Whoever rewrote the store from 5 on exports from it, signed by the
    service itself: the checkpoint signed before the rewrite says so."""
    signed_before = [SIGNER.sign(8, ROWS[7].chain_hash)]
    forged_rows = rewritten_from(ROWS, 5)

    def rows_after(after: int = 0, batch: int = 10_000):
        return (r for r in forged_rows if r.notification_id > after)

    made = bundle.build("cases", rows_after, [4, 6], {}, signed_before, SIGNER, SELECTION, "a")
    report = bundle.verify(made, KEYS)
    assert not report.intact and "contradicts the checkpoint" in report.detail, report.detail


def test_without_a_covering_checkpoint_nothing_vouches_for_it():
    report = bundle.verify(exported(ROWS, [4, 9], [5]), KEYS)
    assert not report.intact and "covers notification 9" in report.detail, report.detail


def test_only_the_published_keys_are_believed():
    stranger = service_key("cases")
    report = bundle.verify(exported(ROWS, [4], [5], key=stranger), KEYS)
    assert not report.intact and "unknown key" in report.detail, report.detail
    # another service's key, published beside this one's, vouches for nothing here
    coordination = service_key("coordination")
    both = PublicKeys.from_jwks([SIGNER.jwks(), coordination.jwks()])
    report = bundle.verify(exported(ROWS, [4], [5], key=coordination), both)
    assert not report.intact and "not a key of cases's" in report.detail, report.detail
    tampered = copy.deepcopy(exported(ROWS, [4], [5]))
    tampered["format"] = "something/else"
    assert "not a bundle" in bundle.verify(tampered, KEYS).detail
