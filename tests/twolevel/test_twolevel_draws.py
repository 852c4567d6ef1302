"""Monte Carlo over a two-level scenario: probability of agreement per path."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from winset.cli import app
from winset.scenario.arrays import to_arrays
from winset.scenario.load import load_scenario
from winset.twolevel.levers import Levers, apply_levers
from winset.twolevel.montecarlo import _problem_for_draw, twolevel_draws
from winset.twolevel.problem import build


def test_historical_setup_fails_in_every_draw_and_notification_succeeds() -> None:
    iraq = load_scenario("iraq-2011")
    hist = twolevel_draws(iraq, draws=60, seed=3)
    assert hist.p_agreement == 0.0
    assert hist.p_ratifiable["executive + parliament"] == 0.0
    assert hist.outcome["troops"] == {"mean": 0.0, "p10": 0.0, "p50": 0.0, "p90": 0.0}
    forced = twolevel_draws(apply_levers(iraq, Levers(force_paths=("notification",))),
                            draws=60, seed=3)  # fmt: skip
    assert forced.p_chosen["executive + notification"] == forced.p_agreement
    assert forced.p_agreement > 0.9
    assert forced.outcome["troops"]["p10"] <= forced.outcome["troops"]["p90"] <= 5000


def test_same_seed_same_answer_and_seeds_differ() -> None:
    iraq = apply_levers(load_scenario("iraq-2011"), Levers(force_paths=("notification",)))
    a = twolevel_draws(iraq, draws=40, seed=11).to_dict()
    b = twolevel_draws(iraq, draws=40, seed=11).to_dict()
    c = twolevel_draws(iraq, draws=40, seed=12).to_dict()
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
