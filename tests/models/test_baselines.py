"""Baseline models: contract plus published values."""

from __future__ import annotations

import numpy as np
import pytest
from contract import ModelContract

from winset.models.base import Inputs
from winset.models.common import weighted_median
from winset.models.registry import get_model
from winset.models.runner import run


class TestCompromise(ModelContract):
    model_name = "compromise"


class TestMedian(ModelContract):
    model_name = "median"


class TestNash(ModelContract):
    model_name = "nash"
    atol = 1e-7


def test_eu_emissions_compromise_matches_published_mean() -> None:
    # Scholz, Calbert & Smith (2011) Table 1 data: weighted mean 7.38996
    assert run("eu-emissions-1994", "compromise").forecast["lag"] == pytest.approx(
        7.38996, abs=1e-3
    )


def test_eu_emissions_median_is_seven() -> None:
    # Bueno de Mesquita (1994): starting median voter position 7.0
    assert run("eu-emissions-1994", "median").forecast["lag"] == 7.0


def test_reference_file_agrees_with_bundled_scenario(data) -> None:
    import csv

    with open(data / "eum/eu_emissions.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    w = [float(r["Capability"]) * float(r["Salience"]) for r in rows]
    x = [float(r["Position"]) for r in rows]
    expected = sum(a * b for a, b in zip(w, x, strict=True)) / sum(w)
    assert run("eu-emissions-1994", "compromise").forecast["lag"] == pytest.approx(expected)
    table = run(str(data / "eum/eu_emissions.csv"), "compromise").forecast["issue"]
    assert table == pytest.approx(expected)


def test_weighted_median_brute_force_condorcet() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = rng.integers(1, 9)
        x = rng.integers(0, 6, n) / 5.0
        w = rng.random(n) * (rng.random(n) > 0.2)
        if w.sum() == 0:
            continue
        med = weighted_median(x[None, :, None], w[None, :, None])[0, 0]
        # no other position gets a strict majority against it
        for y in np.unique(x):
            closer_y = w[np.abs(x - y) < np.abs(x - med)].sum()
            closer_m = w[np.abs(x - med) < np.abs(x - y)].sum()
            assert closer_y <= closer_m + 1e-12


def test_weighted_median_exact_tie_takes_midpoint() -> None:
    x = np.array([0.2, 0.6])[None, :, None]
    w = np.array([1.0, 1.0])[None, :, None]
    assert weighted_median(x, w)[0, 0] == pytest.approx(0.4)


def _one_issue(x, c, s, sq=None) -> Inputs:
    n = len(x)
    return Inputs(
        capability=np.asarray(c, float)[None, :],
        position=np.asarray(x, float)[None, :, None],
        salience=np.asarray(s, float)[None, :, None],
        present=np.ones((n, 1), bool),
        status_quo=np.array([[sq if sq is not None else 0.0]]),
        has_status_quo=np.array([sq is not None]),
    )


def _nash(inp: Inputs) -> float:
    model = get_model("nash")
    params, variant = model.info.resolve({}, None)
    return float(model.solve(inp, params, variant, np.random.default_rng(0)).forecast[0, 0])


def test_nash_two_actors_status_quo_closed_form() -> None:
    # d = 0; actors at 0.4 and 1.0 with weights a, b. Feasible F = [0, 0.8]. On [0.4, 0.8]
    # gains are (0.8 - x) and x; maximising a log(0.8-x) + b log x gives x = 0.8 b / (a + b).
    for a, b in [(1.0, 1.0), (1.0, 3.0), (2.0, 1.0)]:
        expected = max(0.4, 0.8 * b / (a + b))
        assert _nash(_one_issue([0.4, 1.0], [a, b], [1, 1], sq=0.0)) == pytest.approx(expected)


def test_nash_veto_at_status_quo() -> None:
    # an actor whose ideal point is the status quo gains from no move: the outcome is d
    assert _nash(_one_issue([0.3, 0.9], [1, 5], [1, 1], sq=0.3)) == pytest.approx(0.3)


def test_nash_salience_cancels_in_one_dimension() -> None:
    a = _nash(_one_issue([0.1, 0.5, 0.9], [1, 2, 3], [0.2, 0.9, 0.5]))
    b = _nash(_one_issue([0.1, 0.5, 0.9], [1, 2, 3], [1.0, 1.0, 1.0]))
    assert a == pytest.approx(b)


def test_all_zero_weights_fall_back_to_equal_weights() -> None:
    inp = _one_issue([0.2, 0.8], [0, 0], [0, 0])
    for name in ("compromise", "median", "nash"):
        model = get_model(name)
        params, variant = model.info.resolve({}, None)
        value = model.solve(inp, params, variant, np.random.default_rng(0)).forecast[0, 0]
        assert value == pytest.approx(0.5), name


@pytest.mark.parametrize("threads", [None, 1, 3])
def test_solve_blocks_keeps_the_blocks_in_order(threads) -> None:
    from winset.models.common import solve_blocks

    assert solve_blocks(lambda start: start, 10, 3, threads) == [0, 3, 6, 9]
    assert solve_blocks(lambda start: start, 0, 3, threads) == []


@pytest.mark.parametrize(("model", "variant"), [("compromise", None), ("smp", "stochastic")])
def test_run_prepared_is_run_without_preparing_again(model, variant) -> None:
    from winset.models.runner import prepare, run_prepared
    from winset.scenario.arrays import to_arrays

    prepared = prepare("eu-emissions-1994", model, variant=variant)
    expected = run("eu-emissions-1994", model, variant=variant, seed=7).to_dict()
    assert run_prepared(prepared, 7).to_dict() == expected
    arrays = to_arrays(prepared.scenario)
    assert run_prepared(prepared, 7, arrays).to_dict() == expected
