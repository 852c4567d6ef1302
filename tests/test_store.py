"""The SQLite run store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from winset.errors import InputError
from winset.models.runner import run
from winset.results import RunResult
from winset.store import RunStore
from winset.study import Study, forecast


def test_wal_mode_and_roundtrip(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.sqlite")
    first = forecast(Study("eu-emissions-1994", "median"), store=store)
    assert not first.cached
    with sqlite3.connect(store.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again = forecast(Study("eu-emissions-1994", "median"), store=store)
    assert again.cached and again.result == first.result
    assert RunResult.from_dict(first.result.to_dict()) == first.result


def test_key_depends_on_everything_that_determines_a_run() -> None:
    base = run("eu-emissions-1994", "nash").provenance
    other_model = run("eu-emissions-1994", "median").provenance
    other_param = run("eu-emissions-1994", "nash", params={"iterations": 60}).provenance
    other_input = run("china-soe-policy", "nash").provenance
    keys = {p.key() for p in (base, other_model, other_param, other_input)}
    assert len(keys) == 4
    assert base.key() == run("eu-emissions-1994", "nash").provenance.key()


def test_prefix_lookup_and_listing(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.sqlite")
    result = forecast(Study("eu-emissions-1994", "compromise"), store=store).result
    assert store.get(result.run_id) is not None
    assert store.get(result.run_id[:4]) is not None
    assert store.get(result.run_id[:3]) is None  # too short to be safe
    assert store.get("%") is None and store.get("____") is None  # no pattern characters
    assert [r.model for r in store.list()] == ["compromise"]


def test_chunks_are_checkpointed_then_cleared(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s.sqlite")
    result = run("eu-emissions-1994")
    key = result.provenance.key()
    store.put_chunk(key, 0, b"first")
    store.put_chunk(key, 2, b"third")
    assert store.get_chunks(key) == {0: b"first", 2: b"third"}
    store.put(result)
    assert store.get_chunks(key) == {}


def test_reading_creates_nothing(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "new" / "s.sqlite")
    assert store.list() == [] and store.get("abcd") is None and store.get_chunks("k") == {}
    assert not (tmp_path / "new").exists()


def test_unusable_store_path(tmp_path: Path) -> None:
    bad = tmp_path / "file"
    bad.write_text("x")
    with pytest.raises(InputError, match="cannot be used as a run store"):
        RunStore(bad / "runs.sqlite").put(run("eu-emissions-1994"))


def test_an_emptied_store_is_said_and_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"")
    notices: list[str] = []
    store = RunStore(path, notice=notices.append)
    store.put(run("eu-emissions-1994"))
    assert any("was empty (0 bytes)" in n for n in notices)
    assert len(store.list()) == 1


def test_a_damaged_store_is_refused_in_one_line_and_repaired(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from winset.cli import app

    path = tmp_path / "s.sqlite"
    store = RunStore(path)
    for model in ("compromise", "median", "nash"):
        store.put(run("iraq-2011", model))
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    raw = bytearray(path.read_bytes())
    raw[4096 : 4096 + 4000] = b"\xff" * 4000  # a page of the runs table
    path.write_bytes(bytes(raw))
    runner = CliRunner()
    listed = runner.invoke(app, ["runs", "--store", str(path)])
    assert listed.exit_code == 2 and "Traceback" not in listed.output
    assert "damaged" in listed.stderr and "winset store repair" in listed.stderr
    checked = runner.invoke(app, ["store", "check", "--store", str(path)])
    assert checked.exit_code == 2
    fixed = runner.invoke(app, ["store", "repair", "--store", str(path)])
    assert fixed.exit_code == 0 and "the damaged file is now" in fixed.stdout
    assert (tmp_path / "s.sqlite.damaged").exists()
    again = runner.invoke(app, ["runs", "--store", str(path), "--json"])
    assert again.exit_code == 0
    assert runner.invoke(app, ["store", "check", "--store", str(path)]).exit_code == 0


def test_checkpoint_space_is_given_back(tmp_path: Path) -> None:
    from winset.draws import DrawSettings
    from winset.study import Study, draws

    path = tmp_path / "s.sqlite"
    store = RunStore(path)
    draws(Study("iraq-2011"), DrawSettings(200_000, seed=1, chunk_size=1024), store=store)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages, free = (
        con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count")
    )
    con.close()
    assert free < pages / 2, (pages, free)
