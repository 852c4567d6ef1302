"""Monte Carlo over a two-level scenario: probability of agreement per path."""

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
from winset.cli import app
from winset.draws import DrawSettings
from winset.scenario.arrays import to_arrays
from winset.scenario.levers import Levers
from winset.scenario.load import load_scenario
from winset.store import RunStore
from winset.study import Study
from winset.study import twolevel_draws as draws_service
from winset.twolevel.analyse import TwoLevelSettings
from winset.twolevel.draws import _problem_for_draw
from winset.twolevel.problem import build


def twolevel_draws(scenario: Any, levers: Levers | None = None, **settings: Any) -> Any:
    study = Study(scenario, levers=levers or Levers())
    return draws_service(study, TwoLevelSettings(), DrawSettings(**settings)).result


def test_historical_setup_fails_in_every_draw_and_notification_succeeds() -> None:
    iraq = load_scenario("iraq-2011")
    hist = twolevel_draws(iraq, draws=60, seed=3)
    assert hist.p_agreement == 0.0
    assert hist.p_ratifiable["executive + parliament"] == 0.0
    assert hist.outcome["troops"] == {"mean": 0.0, "p10": 0.0, "p50": 0.0, "p90": 0.0}
    forced = twolevel_draws(iraq, Levers(force_paths=("notification",)), draws=60, seed=3)
    assert forced.p_chosen["executive + notification"] == forced.p_agreement
    assert forced.p_agreement > 0.9
    assert forced.outcome["troops"]["p10"] <= forced.outcome["troops"]["p90"] <= 5000


def test_same_seed_same_answer_and_seeds_differ() -> None:
    iraq, forced = load_scenario("iraq-2011"), Levers(force_paths=("notification",))
    a = twolevel_draws(iraq, forced, draws=40, seed=11).to_dict()
    b = twolevel_draws(iraq, forced, draws=40, seed=11).to_dict()
    c = twolevel_draws(iraq, forced, draws=40, seed=12).to_dict()
    assert json.dumps(a) == json.dumps(b)
    assert a["outcome"] != c["outcome"]


def test_blocs_follow_their_actors_draws() -> None:
    iraq = load_scenario("iraq-2011")
    problem = build(iraq)
    arrays = to_arrays(iraq)
    index = {name: i for i, name in enumerate(arrays.actors)}
    pos = arrays.position.copy()
    sal = arrays.salience.copy()
    pos[index["Sadrist Trend"]] = [0.9, 0.8]
    drawn = _problem_for_draw(problem, index, pos, sal)
    cor = drawn.sides[1].paths[0].bodies[0]
    sadrists = cor.bloc_names.index("Sadrists")
    np.testing.assert_allclose(cor.ideal[sadrists], [0.9, 0.8])
    gorran = cor.bloc_names.index("Gorran")  # its own values: unchanged
    np.testing.assert_array_equal(
        cor.ideal[gorran], problem.sides[1].paths[0].bodies[0].ideal[gorran]
    )


def test_cli_draws_json() -> None:
    out = CliRunner().invoke(
        app, ["twolevel", "iraq-2011", "--draws", "20", "--seed", "1", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)["draws"]
    assert data["draws"] == 20 and data["p_agreement"] == 0.0
    assert set(data["paths"]) == {"executive + parliament", "executive + notification"}


@pytest.mark.parametrize("args", [["--draws", "0"], ["--draws", "5", "--distribution", "beta"]])
def test_cli_bad_draws_exit_2(args) -> None:
    out = CliRunner().invoke(app, ["twolevel", "iraq-2011", *args])
    assert out.exit_code == 2 and "Traceback" not in out.output


def _cli_draws(*extra: str) -> str:
    out = CliRunner().invoke(
        app,
        ["twolevel", "iraq-2011", "--path", "notification", "--draws", "600", "--seed", "5",
         "--json", "--no-store", *extra],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    return json.dumps(json.loads(out.stdout)["draws"], sort_keys=True)


@pytest.mark.slow
def test_two_workers_give_byte_identical_json() -> None:
    assert _cli_draws("--workers", "2") == _cli_draws("--workers", "1", "--chunk-size", "100")


@pytest.mark.slow
def test_killed_twolevel_draws_resume_to_the_uninterrupted_result(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite"
    args = ["twolevel", "iraq-2011", "--draws", "2000", "--seed", "8", "--chunk-size", "50",
            "--json"]  # fmt: skip
    cmd = [sys.executable, "-m", "winset", *args, "--store", str(store)]
    assert 3 <= kill_once_checkpointed(cmd, store, 3, timeout=120) < 40
    assert RunStore(store).list(kind="twolevel-draws") == []
    resumed = subprocess.run(cmd, capture_output=True, text=True, check=True)
    whole = subprocess.run(
        [sys.executable, "-m", "winset", *args, "--no-store"],
        capture_output=True, text=True, check=True, env={**os.environ},
    )  # fmt: skip
    assert json.loads(resumed.stdout)["draws"] == json.loads(whole.stdout)["draws"]
    assert chunks_in(store) == 0


def test_twolevel_draws_have_their_own_cap_and_the_limit_lowers_it(monkeypatch) -> None:
    from winset.errors import InputError
    from winset.twolevel.draws import MAX_TWOLEVEL_DRAWS

    def run(n: int) -> Any:
        settings = DrawSettings(n, seed=1)
        return draws_service(Study("iraq-2011"), TwoLevelSettings(), settings)

    with pytest.raises(InputError, match=r"must be between 1 and 1,000,000, not 1,000,001"):
        run(MAX_TWOLEVEL_DRAWS + 1)
    monkeypatch.setenv("WINSET_MAX_DRAWS", "100")
    with pytest.raises(InputError, match=r"200 draws; the limit is 100 \(set WINSET_MAX_DRAWS"):
        run(200)
