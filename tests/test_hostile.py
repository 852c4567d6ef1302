"""Hostile and careless input: every case exits 2 with lines of text, never a traceback, and
creates or changes no file and no run store. Also damaged checkpoints, damaged and shared
stores, orphaned workers, and fuzzing of the readers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from samples import RANGED
from winset.backtest.deu import read_deu_text
from winset.cli import app
from winset.draws import DrawSettings, Interrupted
from winset.errors import InputError
from winset.scenario.load import build_scenario, read_scenario
from winset.store import RunStore
from winset.study import Study, draws

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
GOOD = yaml.safe_dump(RANGED)


def _iraq() -> dict[str, Any]:
    from winset.scenario.load import load_scenario

    return load_scenario("iraq-2011").model_dump(mode="json", exclude_none=True)


def _with(data: dict[str, Any], path: str, value: Any) -> str:
    data = json.loads(json.dumps(data))
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    target[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data)


def _bomb() -> str:
    lines = ["name: t", "notes:", '  - &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  - &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# every bad scenario file: (name, content); each is refused by every command that reads it
BAD_FILES: list[tuple[str, str | bytes]] = [
    ("empty.yaml", ""),
    ("blank.csv", "  \n\n"),
    ("bomb.yaml", _bomb()),
    ("deep.yaml", "x: " + "[" * 300 + "]" * 300 + "\n"),
    ("dup.yaml", "name: a\nname: b\nissues: []\nactors: []\n"),
    ("tag.yaml", "name: !!python/object/apply:os.system ['echo hi']\n"),
    ("broken.yaml", "name: [unclosed\n"),
    ("list.yaml", "- a\n- b\n"),
    ("bignum.yaml", _with(RANGED, "actors.0.capability", "9" * 5_000_000)),
    ("nan.yaml", _with(RANGED, "actors.0.capability", float("nan"))),
    ("cap.yaml", _with(RANGED, "actors.0.capability", 1e308)),
    ("tiny.yaml", _with(RANGED, "actors.0.capability", 1e-300)),
    ("scale.yaml", _with(RANGED, "issues.0.scale", [-1.5e308, 1.5e308])),
    ("narrow.yaml", _with(RANGED, "issues.0.scale", [0, 1e-300])),
    ("spaces.yaml", _with(RANGED, "actors.0.name", "   ")),
    (
        "ghost.yaml",
        _with(
            RANGED,
            "issues",
            [{"name": "lag", "scale": [0, 10]}, {"name": "ghost", "scale": [0, 1]}],
        ),
    ),  # fmt: skip
    ("self.yaml", _with(RANGED, "influence", [{"source": "A", "target": "A", "strength": 0.5}])),
    ("seats.yaml", _with(_iraq(), "ratification.sides.1.paths.0.bodies.0.blocs.0.seats", 10**12)),
    (
        "seats-float.yaml",
        _with(_iraq(), "ratification.sides.1.paths.0.bodies.0.blocs.0.seats", 1e30),
    ),  # fmt: skip
    (
        "seats-bool.yaml",
        _with(_iraq(), "ratification.sides.1.paths.0.bodies.0.blocs.0.seats", True),
    ),  # fmt: skip
    (
        "quota.yaml",
        _with(_iraq(), "ratification.sides.1.paths.0.bodies.0.quota", "simple majority"),
    ),  # fmt: skip
    ("salience.yaml", _with(RANGED, "actors.0.salience.lag", 140)),
    ("typo.yaml", GOOD.replace("salience:", "salince:", 1)),
    ("json.yaml", '{"name": "x"}'),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("words.txt", "just some words\n"),
    ("html.csv", "<html><body>hi</body></html>"),
    ("mixed.csv", "actor,capability,position,salience\nA,1,40,0.9\nB,1,30,80\n"),
    ("dup.csv", "actor,capability,position,salience\nA,1,40,50\nA,1,30,50\n"),
    ("nopos.csv", "actor,capability,salience\nA,1,50\n"),
    ("text.csv", "actor,capability,position,salience\nA,x,40,50\n"),
    ("inf.csv", "actor,capability,position,salience\nA,inf,40,50\n"),
    ("huge-cell.csv", "actor,capability,position,salience\n" + "A" * 200_000 + ",1,2,3\n"),
    ("header-only.csv", "actor,capability,position,salience\n"),
    ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
    ("broken.xlsx", "not a workbook"),
    ("deu.csv", "prnr,isnr,proc,counvte,intro,rp,out\n"),
    ("decide.csv", "'#A'\t'x'\n'#D'\t'x'\t'i'\t500\t0.5\t1\n"),
    ("range.yaml", _with(RANGED, "actors.0.capability", {"value": 10, "range": [20, 30]})),
    ("source.yaml", _with(RANGED, "actors.0.capability", {"value": 10, "source": "S404"})),
]

COMMANDS: list[list[str]] = [
    ["validate"],
    ["run"],
    ["run", "--draws", "10", "--seed", "1"],
    ["sensitivity", "--no-sobol"],
    ["report", "-o", "out.html", "--seed", "1"],
    ["convert", "-o", "out.yaml"],
]

# bad arguments on good input: (args, expected text on stderr)
BAD_ARGS: list[tuple[list[str], str]] = [
    (["run", "eu-emissions-1994", "--seed", "-1"], "--seed"),
    (["run", "eu-emissions-1994", "--seed", "18446744073709551617"], "--seed"),
    (["run", "eu-emissions-1994", "--seed", "abc"], "--seed"),
    (["run", "eu-emissions-1994", "--draws", "0"], "--draws"),
    (["run", "eu-emissions-1994", "--draws", "-5"], "--draws"),
    (["run", "eu-emissions-1994", "--draws", "1000000000"], "--draws"),
    (["run", "eu-emissions-1994", "--draws", "1e30"], "--draws"),
    (["run", "eu-emissions-1994", "--draws", "10", "--workers", "-1"], "--workers"),
    (["run", "eu-emissions-1994", "--draws", "10", "--workers", "100000"], "--workers"),
    (["run", "eu-emissions-1994", "--distribution", "cauchy"], "--distribution"),
    (["run", "eu-emissions-1994", "--draws", "5", "--distribution", "cauchy"], "--distribution"),
    (["run", "eu-emissions-1994", "--draws", "5", "--chunk-size", "0"], "--chunk-size"),
    (["run", "eu-emissions-1994", "--draws", "5", "--scheduler", "nowhere"], "--scheduler"),
    (["run", "eu-emissions-1994", "--model", "oracle"], "--model"),
    (["run", "eu-emissions-1994", "--variant", "v9"], "variant"),
    (["run", "eu-emissions-1994", "-p", "nonsense"], "--param"),
    (["run", "eu-emissions-1994", "-m", "nash", "-p", "iterations=abc"], "iterations"),
    (["run", "eu-emissions-1994", "-m", "nash", "-p", "iterations=1e9"], "iterations"),
    (["run", "eu-emissions-1994", "-m", "eum", "--rounds", "0"], "rounds"),
    (["run", "eu-emissions-1994", "--rounds", "3"], "--rounds"),
    (["run", "eu-emissions-1994", "--set", "Germany.salience.lag=140"], "--set"),
    (["run", "eu-emissions-1994", "--set", "Germany.salience=4"], "--set"),
    (["run", "eu-emissions-1994", "--set", "Nobody.salience.lag=4"], "--set"),
    (["run", "eu-emissions-1994", "--set", "Germany.salience.lag=x"], "--set"),
    (["run", "eu-emissions-1994", "--remove", "Nobody"], "--remove"),
    (["run", "eu-emissions-1994", "--scale", "10:0"], "--scale"),
    (["run", "eu-emissions-1994", "--bogus"], "--bogus"),
    (["run", "eu-emissions-1994", "--store", "/dev/null/x.sqlite"], "run store"),
    (["run"], "Missing argument"),
    (["run", ""], "SCENARIO"),
    (["run", "x" * 5000], "SCENARIO"),
    (["run", "nosuch-scenario"], "no such file"),
    (["validate", "/dev/zero"], "not a regular file"),
    (["validate", "/"], "folder"),
    (["validate", "a" * 300 + ".yaml"], "no such file"),
    (["twolevel", "eu-emissions-1994"], "no ratification section"),
    (["twolevel", "iraq-2011", "--path", "treaty"], "--path"),
    (["twolevel", "iraq-2011", "--drop-red-line", "none"], "--drop-red-line"),
    (["twolevel", "iraq-2011", "--solution", "best"], "--solution"),
    (["twolevel", "iraq-2011", "--noise", "inf"], "--noise"),
    (["twolevel", "iraq-2011", "--noise", "0"], "--noise"),
    (["twolevel", "iraq-2011", "--noise", "nan"], "--noise"),
    (["twolevel", "iraq-2011", "--search", "treaty"], "--search"),
    (["twolevel", "iraq-2011", "--search-by", "money"], "--search-by"),
    (["twolevel", "iraq-2011", "--draws", "0"], "--draws"),
    (["twolevel", "iraq-2011", "--draws", "5000000"], "--draws"),
    (["twolevel", "iraq-2011", "--seed", "4"], "--draws"),
    (["twolevel", "iraq-2011", "--scheduler", "dask"], "--scheduler: only applies with --draws"),
    (["twolevel", "iraq-2011", "--chunk-size", "10"], "--chunk-size: only applies with --draws"),
    (["twolevel", "iraq-2011", "--workers", "2"], "--workers: only applies with --draws"),
    (["twolevel", "iraq-2011", "--remove", "Obama White House"], "--remove"),
    (["sensitivity", "eu-emissions-1994", "--samples", "100"], "--samples"),
    (["sensitivity", "eu-emissions-1994", "--samples", "0"], "--samples"),
    (["sensitivity", "eu-emissions-1994", "--samples", "1048576"], "--samples"),
    (["sensitivity", "eu-emissions-1994", "--top", "-1"], "--top"),
    (["sensitivity", "eu-emissions-1994", "--seed", "-3"], "--seed"),
    (["report", "eu-emissions-1994", "-o", "."], "folder"),
    (["report", "eu-emissions-1994", "-o", "no/such/dir/r.html"], "folder does not exist"),
    (["report", "eu-emissions-1994", "-o", "/dev/full"], "not a regular file"),
    (["report", "eu-emissions-1994", "-m", "oracle"], "model"),
    (["report", "eu-emissions-1994", "--seed", "-1"], "--seed"),
    (["convert", "eu-emissions-1994", "-o", "x.pdf"], "write a .yaml or an .xlsx"),
    (["convert", "eu-emissions-1994"], "Missing option"),
    (["template", "-o", "x.csv"], "name it .xlsx"),
    (["show", "abc"], "at least 4 characters"),
    (["show", "zzzzzz"], "no run in the store starts with it"),
    (["runs", "--limit", "0"], "--limit"),
    (["backtest", "nosuch.csv"], "no such file"),
    (["backtest", "DEU", "--bootstrap", "0"], "--bootstrap"),
    (["backtest", "DEU", "--bootstrap", "100000000"], "--bootstrap"),
    (["backtest", "DEU", "--seed", "-1"], "--seed"),
    (["backtest", "DEU", "--cv", "--fit", "DEU"], "not both"),
    (["backtest", "DEU", "-m", "oracle"], "--model"),
    (["backtest", "DEU", "--report", "/dev/full"], "not a regular file"),
    (["store", "check", "--store", "nosuch.sqlite"], "no run store here"),
]


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}


def _refused(args: list[str], folder: Path, expected: str = "") -> None:
    store = folder / "store" / "runs.sqlite"
    before = _snapshot(folder)
    old = os.getcwd()
    os.chdir(folder)
    try:
        result = runner.invoke(app, args, env={"WINSET_STORE": str(store)})
    finally:
        os.chdir(old)
    out = result.stdout + result.stderr
    assert result.exit_code == 2, (args, result.exit_code, out[-2000:], result.exception)
    assert "Traceback" not in out, out[-2000:]
    assert isinstance(result.exception, SystemExit | type(None)), result.exception
    assert result.stderr.strip(), "a refusal says why"
    assert max(len(line) for line in result.stderr.splitlines()) < 2000
    assert expected in result.stderr, (expected, result.stderr[-1000:])
    assert not store.exists(), "a refused command created the run store"
    assert _snapshot(folder) == before, "a refused command wrote a file"


@pytest.mark.parametrize(("name", "content"), BAD_FILES, ids=[n for n, _ in BAD_FILES])
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_bad_files_are_refused_by_every_command(
    tmp_path: Path, name: str, content: str | bytes, command: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    _refused([command[0], str(path), *command[1:]], tmp_path)


@pytest.mark.parametrize(
    ("args", "expected"), BAD_ARGS, ids=[" ".join(a)[:60] for a, _ in BAD_ARGS]
)
def test_bad_arguments_are_refused(
    tmp_path: Path, data: Path, args: list[str], expected: str
) -> None:
    args = [str(data / "deu3/deu3-dev.csv") if a == "DEU" else a for a in args]
    _refused(args, tmp_path, expected)


def test_the_corpus_has_at_least_250_cases() -> None:
    assert len(BAD_FILES) * len(COMMANDS) + len(BAD_ARGS) >= 250


def test_a_backtest_row_without_positions_and_twice_the_same_issue() -> None:
    from winset.backtest.deu import ACTORS

    header = ["prnr", "isnr", "proc", "counvte", "intro", "rp", "out"]
    header += [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS]
    empty = ["p", "i1", "COD", "QMV", "01-02-00", "", "40"] + [""] * (2 * len(ACTORS))
    text = ",".join(header) + "\n" + ",".join(empty) + "\n"
    with pytest.raises(InputError, match="no actor takes a position"):
        read_deu_text(text, "t.csv")
    row = ["p", "i1", "COD", "QMV", "01-02-00", "", "40", "50"] + [""] * (2 * len(ACTORS) - 1)
    row[7 + len(ACTORS)] = "50"
    twice = ",".join(header) + "\n" + ",".join(row) + "\n" + ",".join(row) + "\n"
    with pytest.raises(InputError, match="issue 'i1' again"):
        read_deu_text(twice, "t.csv")


# ----------------------------------------------------------------------------- checkpoints


def _mc(store: RunStore | None, progress: Any = None) -> Any:
    scenario = build_scenario(RANGED, "ranged.yaml")
    settings = DrawSettings(4000, seed=4, chunk_size=250)
    return draws(Study(scenario, "median"), settings, store=store, progress=progress).result


def _damage(path: Path, how: str) -> None:
    con = sqlite3.connect(path)
    rows = con.execute("SELECT run_key, chunk, payload FROM chunks ORDER BY chunk").fetchall()
    assert len(rows) >= 3
    key, chunk, payload = rows[1]
    payload = bytes(payload)
    new = {
        "half": payload[: len(payload) // 2],
        "empty": b"",
        "zeros": payload[:112] + b"\x00" * (len(payload) - 112),
        "doubled": payload + payload,
        "random": bytes(np.random.default_rng(1).integers(0, 256, len(payload), dtype=np.uint8)),
        "odd": payload + b"abc",
        "foreign": _other_run_chunk(),  # a chunk of another run in this place
        "swapped": bytes(rows[2][2]),  # the right run's chunk, in the wrong place
    }[how]
    con.execute("UPDATE chunks SET payload = ? WHERE run_key = ? AND chunk = ?", (new, key, chunk))
    con.commit()
    con.close()


def _other_run_chunk() -> bytes:
    from winset.draws.engine import pack_chunk

    values = np.full((250, 1), 0.5)
    return pack_chunk("another run", (1, 250, 500), values)


@pytest.mark.parametrize(
    "how", ["half", "empty", "zeros", "doubled", "random", "odd", "foreign", "swapped"]
)
def test_damaged_checkpoints_are_computed_again(tmp_path: Path, how: str) -> None:
    whole = _mc(None)
    store = RunStore(tmp_path / "runs.sqlite")
    calls: list[int] = []

    def stop(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 6:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted):
        _mc(store, stop)
    _damage(store.path, how)
    notices: list[str] = []
    store = RunStore(store.path, notice=notices.append)
    resumed = _mc(store)
    assert json.dumps(resumed.to_dict()) == json.dumps(whole.to_dict())


# ----------------------------------------------------------------------------- processes


def _create_and_save(path: str) -> str:
    from winset.models.runner import run
    from winset.store import RunStore

    try:
        RunStore(path).put(run("eu-emissions-1994", "median"))
        return "ok"
    except Exception as exc:  # report, do not hide: the test prints it
        return repr(exc)


@pytest.mark.slow
def test_sixteen_processes_create_one_new_store_at_once(tmp_path: Path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")  # 16 fresh processes each time, quickly
    for trial in range(10):
        path = str(tmp_path / f"trial{trial}.sqlite")
        with context.Pool(16) as pool:
            answers = pool.map(_create_and_save, [path] * 16)
        assert answers == ["ok"] * 16, answers
        assert len(RunStore(path).list()) == 1


@pytest.mark.slow
def test_killing_the_parent_leaves_no_worker_behind(tmp_path: Path) -> None:
    scenario = tmp_path / "ranged.yaml"
    scenario.write_text(GOOD)
    cmd = [sys.executable, "-m", "winset", "run", str(scenario), "-m", "eum", "--draws",
           "20000000", "--chunk-size", "1024", "--workers", "2", "--scheduler", "processes",
           "--no-store", "--seed", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.DEVNULL)
    group = proc.pid
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_members(group)) < 3:
        time.sleep(0.1)
    assert len(_members(group)) >= 3, "the workers did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _members(group):
        time.sleep(0.2)
    assert not _members(group), f"left behind: {_members(group)}"


def _members(group: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            out.append(int(entry.name))
    return out


# ----------------------------------------------------------------------------- fuzzing

_FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(text=st.text(max_size=400), suffix=st.sampled_from([".yaml", ".csv", ".txt", ".tsv"]))
def test_readers_refuse_or_read_any_text(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        read_scenario(path)
    except InputError as exc:
        assert exc.problems and all(len(str(p)) < 2000 for p in exc.problems)


@_FUZZ
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".csv", ".xlsx"]))
def test_readers_refuse_or_read_any_bytes(tmp_path: Path, raw: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(raw)
    try:
        read_scenario(path)
    except InputError as exc:
        assert exc.problems


_cell = st.one_of(st.just(""), st.just("999"), st.integers(-50, 150).map(str), st.text(max_size=5))


@_FUZZ
@given(rows=st.lists(st.lists(_cell, min_size=5, max_size=70), min_size=1, max_size=5))
def test_the_deu_reader_refuses_or_reads_any_table(rows: list[list[str]]) -> None:
    from winset.backtest.deu import ACTORS

    header = ["prnr", "isnr", "proc", "counvte", "intro", "rp", "out"]
    header += [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS]
    text = ",".join(header) + "\n" + "\n".join(",".join(c.replace(",", "") for c in r)
                                               for r in rows)  # fmt: skip
    try:
        read_deu_text(text, "fuzz.csv")
    except InputError as exc:
        assert exc.problems
