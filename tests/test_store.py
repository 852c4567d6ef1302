"""The SQLite run store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from winset.api import run, run_stored
from winset.errors import InputError
from winset.results import RunResult
from winset.store import RunStore, run_key


def test_wal_mode_and_roundtrip(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.sqlite")
    result, cached = run_stored("eu-emissions-1994", "median", store=store)
    assert not cached
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again, cached = run_stored("eu-emissions-1994", "median", store=store)
    assert cached and again == result
    assert RunResult.from_dict(result.to_dict()) == result


def test_key_depends_on_everything_that_determines_a_run() -> None:
    base = run("eu-emissions-1994", "nash").provenance
    other_model = run("eu-emissions-1994", "median").provenance
    other_param = run("eu-emissions-1994", "nash", params={"iterations": 60}).provenance
    other_input = run("china-soe-policy", "nash").provenance
    keys = {run_key(p) for p in (base, other_model, other_param, other_input)}
    assert len(keys) == 4
    assert run_key(base) == run_key(run("eu-emissions-1994", "nash").provenance)


def test_prefix_lookup_and_listing(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.sqlite")
    result, _ = run_stored("eu-emissions-1994", "compromise", store=store)
    assert store.get(result.run_id) is not None
    assert store.get(result.run_id[:3]) is None  # too short to be safe
    assert [r.model for r in store.list()] == ["compromise"]


def test_chunks_are_checkpointed_then_cleared(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.sqlite")
    store.put_chunk("k", 0, b"first")
    store.put_chunk("k", 2, b"third")
    assert store.get_chunks("k") == {0: b"first", 2: b"third"}
    prov = run("eu-emissions-1994").provenance
    store.put("k", "run", prov, {"forecast": {}})
    assert store.get_chunks("k") == {}


def test_unusable_store_path(tmp_path: Path) -> None:
    bad = tmp_path / "file"
    bad.write_text("x")
    with pytest.raises(InputError, match="cannot be used as a run store"):
        RunStore(bad / "runs.sqlite")
