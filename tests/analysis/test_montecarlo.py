"""Monte Carlo: what is drawn, the distributions, reproducibility across backends, resuming."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from checkpoints import chunks_in, kill_once_checkpointed
from samples import RANGED
from winset.cli import app
from winset.draws import BLOCK, DrawSettings, Interrupted, Uncertainty
from winset.models.runner import run
from winset.scenario.arrays import to_arrays
from winset.scenario.load import build_scenario
from winset.store import RunStore
from winset.study import Study, draws


def _ranged(**changes: Any) -> Any:
    return build_scenario({**RANGED, **changes}, "ranged.yaml")


def _dump(result: Any) -> str:
    return json.dumps(result.to_dict(), sort_keys=True)


def monte_carlo(
    scenario: Any,
    model: str = "compromise",
    *,
    store: RunStore | None = None,
    progress: Any = None,
    **settings: Any,
) -> tuple[Any, bool]:
    done = draws(Study(scenario, model), DrawSettings(**settings), store=store, progress=progress)
    return done.result, done.cached


def _inputs(unc: Uncertainty, seed: int, n: int, dist: str) -> Any:
    return unc.unpack(unc.rows(unc.sample(seed, 0, n, dist, BLOCK)))


def test_a_block_is_drawn_whole_whatever_the_range_asked() -> None:
    unc = Uncertainty.from_arrays(to_arrays(_ranged()))
    whole = unc.sample(3, 0, 3 * BLOCK, "normal", BLOCK)
    for start, stop in [(0, 1), (5, 9), (BLOCK - 2, BLOCK + 3), (2 * BLOCK + 7, 3 * BLOCK)]:
        part = unc.sample(3, start, stop, "normal", BLOCK)
        assert part.tobytes() == whole[start:stop].tobytes()
    # block b comes from its own child of the seed
    first = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(1, 0)))
    lo, hi = unc.low[unc.index], unc.high[unc.index]
    expected = lo + first.random((BLOCK, unc.size)) * (hi - lo)
    assert np.array_equal(unc.sample(3, BLOCK, 2 * BLOCK, "uniform", BLOCK), expected)


def test_only_values_with_a_range_are_drawn_and_stay_inside_it() -> None:
    arrays = to_arrays(_ranged())
    unc = Uncertainty.from_arrays(arrays)
    assert unc.size == 5  # A cap/pos/sal, B sal, C pos
    for dist in ("uniform", "triangular", "normal"):
        inputs = _inputs(unc, 7, 500, dist)
        assert np.all(inputs.capability[:, 1:] == arrays.capability[1:])  # B, C fixed
        assert np.all(inputs.position[:, 1, 0] == arrays.position[1, 0])  # B's position fixed
        a_pos = inputs.position[:, 0, 0]
        assert a_pos.min() >= 0.1 and a_pos.max() <= 0.4
        cap = inputs.capability[:, 0]
        assert cap.min() >= 5 and cap.max() <= 15


@pytest.mark.parametrize(
    ("dist", "expected_mean"),
    [
        ("uniform", (5 + 15) / 2),
        ("triangular", (5 + 10 + 15) / 3),
        ("normal", 10.0),  # symmetric range around the value
    ],
)
def test_distribution_means(dist: str, expected_mean: float) -> None:
    unc = Uncertainty.from_arrays(to_arrays(_ranged()))
    cap = _inputs(unc, 11, 20000, dist).capability[:, 0]
    sd = cap.std()
    assert abs(cap.mean() - expected_mean) < 4 * sd / np.sqrt(cap.size)
    if dist == "normal":
        assert sd == pytest.approx(np.sqrt(0.774) * 10 / 4, rel=0.05)  # sd of N truncated at 2 sd


def test_linear_model_distribution_matches_the_uniform_quantiles() -> None:
    # Only A's position is uncertain; the compromise forecast is linear in it.
    actors = [dict(a) for a in RANGED["actors"]]
    actors[0] = {
        "name": "A",
        "capability": 10,
        "position": {"lag": {"value": 2, "range": [0, 4]}},
        "salience": {"lag": 80},
    }
    actors[1] = {**actors[1], "salience": {"lag": 50}}
    actors[2] = {**actors[2], "position": {"lag": 5}}
    scenario = _ranged(actors=actors)
    result, _ = monte_carlo(scenario, "compromise", draws=20000, seed=3)
    assert result.provenance.kind == "draws"
    share = 800 / (800 + 250 + 420)
    rest = (250 * 8 + 420 * 5) / (800 + 250 + 420)
    d = result.distribution["lag"]
    assert d.n == 20000
    assert d.mean == pytest.approx(rest + share * 2.0, abs=0.02)
    assert d.p10 == pytest.approx(rest + share * 0.4, abs=0.03)
    assert d.p50 == pytest.approx(rest + share * 2.0, abs=0.03)
    assert d.p90 == pytest.approx(rest + share * 3.6, abs=0.03)
    assert result.forecast == run(scenario, "compromise").forecast


def test_same_seed_same_bytes_other_seed_differs() -> None:
    a, _ = monte_carlo(_ranged(), "compromise", draws=3000, seed=5)
    b, _ = monte_carlo(_ranged(), "compromise", draws=3000, seed=5)
    c, _ = monte_carlo(_ranged(), "compromise", draws=3000, seed=6)
    assert _dump(a) == _dump(b)
    assert a.distribution != c.distribution


@pytest.mark.parametrize("model", ["median", "eum"])
def test_chunking_does_not_change_the_numbers(model: str) -> None:
    a, _ = monte_carlo(_ranged(), model, draws=2000, seed=5, chunk_size=2000)
    b, _ = monte_carlo(_ranged(), model, draws=2000, seed=5, chunk_size=7)
    assert _dump(a) == _dump(b)


@pytest.mark.parametrize("workers", [2, 8])
def test_process_workers_give_byte_identical_results(workers: int) -> None:
    serial, _ = monte_carlo(_ranged(), "nash", draws=4000, seed=9, chunk_size=250)
    spread, _ = monte_carlo(
        _ranged(), "nash", draws=4000, seed=9, chunk_size=250, workers=workers,
        scheduler="processes",
    )  # fmt: skip
    assert _dump(spread) == _dump(serial)


def test_dask_local_cluster_gives_byte_identical_results() -> None:
    pytest.importorskip("distributed")
    serial, _ = monte_carlo(_ranged(), "compromise", draws=3000, seed=9, chunk_size=500)
    cluster, _ = monte_carlo(_ranged(), "compromise", draws=3000, seed=9, chunk_size=500, workers=2)
    assert _dump(cluster) == _dump(serial)


def test_store_reuses_a_finished_run(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    first, cached1 = monte_carlo(_ranged(), draws=1000, seed=1, store=store)
    second, cached2 = monte_carlo(_ranged(), draws=1000, seed=1, store=store)
    assert (cached1, cached2) == (False, True)
    assert _dump(first) == _dump(second)
    assert store.get(first.run_id) is not None


def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    whole, _ = monte_carlo(_ranged(), draws=2000, seed=4, chunk_size=100)
    store = RunStore(tmp_path / "runs.sqlite")
    calls = []

    def stop_after_five_chunks(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 6:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as info:
        monte_carlo(
            _ranged(), draws=2000, seed=4, chunk_size=100, store=store,
            progress=stop_after_five_chunks,
        )  # fmt: skip
    assert info.value.done == 5 and info.value.total == 20 and info.value.saved
    assert store.list() == []  # nothing reported as complete
    seen = []
    resumed, cached = monte_carlo(
        _ranged(), draws=2000, seed=4, chunk_size=100, store=store,
        progress=lambda done, total: seen.append(done),
    )  # fmt: skip
    assert not cached and seen[0] == 500  # the first five chunks were not computed again
    assert _dump(resumed) == _dump(whole)


def test_killed_process_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    scenario_file = tmp_path / "ranged.yaml"
    import yaml

    scenario_file.write_text(yaml.safe_dump(RANGED))
    store = tmp_path / "runs.sqlite"
    args = [
        "run", str(scenario_file), "--model", "median", "--draws", "600000", "--seed", "8",
        "--chunk-size", "500", "--json",
    ]  # fmt: skip
    cmd = [sys.executable, "-m", "winset", *args, "--store", str(store)]
    env = {**os.environ, "WINSET_STORE": str(store)}
    # 1,200 chunks: long enough (seconds) that the kill lands mid-run on a busy machine too
    assert 5 <= kill_once_checkpointed(cmd, store, 5, timeout=60, env=env) < 1200
    assert RunStore(store).list() == []

    resumed = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    whole = subprocess.run(
        [sys.executable, "-m", "winset", *args, "--no-store"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(resumed.stdout) == json.loads(whole.stdout)
    assert chunks_in(store) == 0  # checkpoints are dropped once the run is complete


def test_cli_json_has_the_distribution_contract(tmp_path: Path) -> None:
    scenario_file = tmp_path / "ranged.yaml"
    import yaml

    scenario_file.write_text(yaml.safe_dump(RANGED))
    result = CliRunner().invoke(
        app, ["run", str(scenario_file), "--draws", "500", "--seed", "2", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    dist = data["distribution"]["lag"]
    assert dist["p10"] <= dist["p50"] <= dist["p90"]
    assert set(dist) >= {"mean", "p10", "p50", "p90"}
    assert data["provenance"]["seed"] == 2
    assert sum(data["extras"]["montecarlo"]["histogram"]["lag"]["counts"]) == 500


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--draws", "0"], "--draws: must be between 1 and 100,000,000, not 0"),
        (["--draws", "5", "--distribution", "beta"], "--distribution: 'beta' is not one of"),
        (["--draws", "5", "--workers", "0"], "--workers: must be between 1 and 512, not 0"),
        (["--workers", "2"], "--workers: only applies with --draws N"),
        (["--draws", "5", "--seed", "-1"], "--seed: -1 is not between 0 and 2**63 - 1"),
        (["--draws", "5", "--scheduler", "nowhere"], "--scheduler: 'nowhere' is neither"),
        (["--draws", "5", "--chunk-size", "0"], "--chunk-size: must be at least 1, not 0"),
    ],
)
def test_cli_bad_draw_options_exit_2(extra: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["run", "eu-emissions-1994", *extra])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_scheduler_is_one_clear_line() -> None:
    pytest.importorskip("distributed")
    result = CliRunner().invoke(
        app, ["run", "eu-emissions-1994", "--draws", "5", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'" in result.stderr
