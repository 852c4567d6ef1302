"""Sensitivity: one-at-a-time effects against closed forms, Sobol indices of a linear model."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from winset.analysis.sensitivity import SensitivitySettings
from winset.cli import app
from winset.errors import InputError
from winset.models.runner import run
from winset.scenario.load import build_scenario, load_scenario
from winset.study import Study
from winset.study import sensitivity as sensitivity_service


def sensitivity(scenario: Any, model: str = "compromise", **settings: Any) -> Any:
    return sensitivity_service(Study(scenario, model), SensitivitySettings(**settings)).result


def _scenario(actors: list[dict[str, Any]]) -> Any:
    return build_scenario(
        {
            "format": "winset/1",
            "name": "linear",
            "issues": [{"name": "x", "scale": [0, 100]}],
            "actors": actors,
        },
        "linear.yaml",
    )


def test_position_elasticity_of_the_compromise_is_the_weight_share() -> None:
    scenario = load_scenario("eu-emissions-1994")
    result = sensitivity(scenario, "compromise", sobol=False)
    weights = {a.name: a.capability.value * a.salience["lag"].value for a in scenario.actors}
    total = sum(weights.values())
    positions = [d for d in result.drivers if d.input == "position"]
    assert len(positions) == len(scenario.actors)
    for d in positions:
        if 1 <= d.value <= 9:  # the step of 10% of the scale is not clipped
            assert d.elasticity == pytest.approx(weights[d.actor] / total, abs=1e-9)
            assert d.swing == pytest.approx(2.0 * weights[d.actor] / total, abs=1e-9)
    assert result.forecast["lag"] == pytest.approx(run(scenario).forecast["lag"], abs=1e-9)


def test_capability_swing_equals_rerunning_with_the_changed_capability() -> None:
    scenario = load_scenario("eu-emissions-1994")
    result = sensitivity(scenario, "median", sobol=False)
    germany = next(d for d in result.drivers if d.actor == "Germany" and d.input == "capability")
    data = scenario.model_dump(mode="json", exclude_none=True)
    for value, expected in (
        (germany.low, germany.forecast_low),
        (germany.high, germany.forecast_high),
    ):
        actor = next(a for a in data["actors"] if a["name"] == "Germany")
        actor["capability"]["value"] = value
        rerun = run(build_scenario(data, "copy"), "median").forecast["lag"]
        assert rerun == pytest.approx(expected, abs=1e-9)


def test_drivers_are_sorted_by_swing() -> None:
    result = sensitivity("eu-emissions-1994", sobol=False)
    swings = [abs(d.swing) for d in result.drivers]
    assert swings == sorted(swings, reverse=True)
    assert result.notes == ()


def test_sobol_indices_of_a_linear_model_match_the_closed_form() -> None:
    # Compromise with only positions uncertain is linear: F = sum_i s_i x_i with s_i the weight
    # share, so S1_i = ST_i = s_i^2 var_i / sum_j s_j^2 var_j (var of a uniform ~ width^2).
    widths = {"A": 40.0, "B": 20.0, "C": 10.0}
    weights = {"A": 1.0, "B": 2.0, "C": 1.5}
    actors = [
        {
            "name": name,
            "capability": weights[name],
            "position": {"x": {"value": 50, "range": [50 - w / 2, 50 + w / 2]}},
            "salience": {"x": 50},
        }
        for name, w in widths.items()
    ]
    result = sensitivity(_scenario(actors), "compromise", seed=3, samples=1024)
    contrib = {n: (weights[n] * widths[n]) ** 2 for n in widths}
    total = sum(contrib.values())
    indices = {s.name: s for s in result.sobol}
    assert set(indices) == {f"{n}.position.x" for n in widths}
    for name, c in contrib.items():
        s = indices[f"{name}.position.x"]
        assert s.s1 == pytest.approx(c / total, abs=max(0.05, 2 * s.s1_conf))
        assert s.st == pytest.approx(c / total, abs=max(0.05, 2 * s.st_conf))
    assert result.sobol_samples == 1024


def test_sensitivity_is_reproducible() -> None:
    scenario = load_scenario("eu-emissions-1994")
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["actors"][0]["salience"]["lag"] = {"value": 50, "range": [30, 70]}
    data["actors"][1]["position"]["lag"] = {
        "value": data["actors"][1]["position"]["lag"]["value"],
        "range": [0, 10],
    }
    ranged = build_scenario(data, "copy")
    a = sensitivity(ranged, "nash", seed=11, samples=64).to_dict()
    b = sensitivity(ranged, "nash", seed=11, samples=64).to_dict()
    assert json.dumps(a) == json.dumps(b)
    assert a["seed"] == 11 and a["provenance"]["kind"] == "sensitivity"
    spread = sensitivity(ranged, "nash", seed=11, samples=64, workers=2).to_dict()
    assert json.dumps(spread) == json.dumps(a)
    assert len(a["sobol"]) == 2
    assert np.isfinite([s["st"] for s in a["sobol"]]).all()


def test_cli_sensitivity_json_and_errors() -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["sensitivity", "eu-emissions-1994", "--json", "--no-sobol"])
    assert ok.exit_code == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["drivers"][0]["actor"] == "Germany"
    assert data["drivers"][0]["input"] == "position"
    bad = runner.invoke(app, ["sensitivity", "eu-emissions-1994", "--samples", "100"])
    assert bad.exit_code == 2
    assert "--samples: must be a power of two, not 100" in bad.stderr
    unknown = runner.invoke(app, ["sensitivity", "eu-emissions-1994", "--model", "oracle"])
    assert unknown.exit_code == 2 and "Traceback" not in unknown.stderr


def test_setting_max_samples_lowers_the_cap(monkeypatch) -> None:
    assert SensitivitySettings(samples=128).checked(uncertain=False).samples == 128
    monkeypatch.setenv("WINSET_MAX_SAMPLES", "64")
    assert SensitivitySettings(samples=64).checked(uncertain=False).samples == 64
    with pytest.raises(InputError, match=r"128 samples; the limit is 64 \(set WINSET_MAX_SAMPLES"):
        SensitivitySettings(samples=128).checked(uncertain=False)


def test_sobol_over_the_memory_limit_says_how_to_change_it(monkeypatch) -> None:
    monkeypatch.setenv("WINSET_MAX_MEMORY_MB", "1")
    with pytest.raises(InputError, match=r"set WINSET_MAX_MEMORY_MB to change it, or use fewer"):
        sensitivity(load_scenario("iraq-2011"), samples=4096, seed=1)


def test_direct_call_and_service_give_the_same_result() -> None:
    from winset.analysis.sensitivity import sensitivity as run_sensitivity

    scenario = load_scenario("iraq-2011")  # with ranges: the seed is used
    settings = SensitivitySettings(samples=8, seed=4)
    direct = run_sensitivity(Study(scenario).prepared(), settings)
    assert direct.provenance.seed == 4
    assert direct.to_dict() == sensitivity(scenario, samples=8, seed=4).to_dict()
