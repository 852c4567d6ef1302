"""Nothing half-added can land: every registered model has a contract test, a theory page and a
README row; outside models join through ``register_model`` and work everywhere."""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from samples import RANGED
from winset.draws import DrawSettings
from winset.errors import InputError
from winset.models import registry
from winset.models.base import Inputs, Model, ModelInfo, Solution
from winset.models.common import effective_weights, weighted_mean
from winset.models.registry import get_model, model_names, register_model
from winset.scenario.load import build_scenario, load_scenario
from winset.study import Study, draws, forecast
from winset.testing import check_model

ROOT = Path(__file__).resolve().parent.parent


def _contract_tests() -> set[str]:
    """Model names of the test classes that inherit the contract."""
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(getattr(b, "id", None) == "ModelContract" for b in node.bases):
                continue
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and getattr(stmt.targets[0], "id", None) == "model_name"
                    and isinstance(stmt.value, ast.Constant)
                ):
                    names.add(stmt.value.value)
    return names


@pytest.mark.parametrize("name", model_names())
def test_every_model_has_a_contract_test_a_theory_page_and_a_readme_row(name: str) -> None:
    assert name in _contract_tests(), f"no test class inherits ModelContract for {name!r}"
    page = ROOT / "docs" / "models" / f"{name}.md"
    assert page.is_file(), f"no theory page {page.relative_to(ROOT)}"
    assert (
        get_model(name).info.citation.split(".")[0] in page.read_text() or name in page.read_text()
    )
    readme = (ROOT / "README.md").read_text()
    assert f"| `{name}` |" in readme, f"no row for {name!r} in the README's model table"


class MidrangeModel(Model):
    """An outside model for the tests: the midpoint of the extreme positions (not registered)."""

    info = ModelInfo(
        name="midrange",
        title="Midrange of positions",
        citation="A test model of winset's own test suite.",
        summary="The midpoint between the lowest and the highest position of present actors.",
    )

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        present = np.broadcast_to(inputs.present, inputs.position.shape)
        lo = np.where(present, inputs.position, np.inf).min(axis=1)
        hi = np.where(present, inputs.position, -np.inf).max(axis=1)
        w = effective_weights(inputs.capability, inputs.salience, inputs.present)
        fallback = weighted_mean(inputs.position, w)
        return Solution(forecast=np.where(np.isfinite(lo), (lo + hi) / 2.0, fallback))


def test_an_outside_model_passes_the_public_checks() -> None:
    check_model(MidrangeModel())


def test_an_unregistered_model_works_in_monte_carlo_workers() -> None:
    scenario = build_scenario(RANGED, "ranged.yaml")
    model = MidrangeModel()
    serial = draws(Study(scenario, model), DrawSettings(3000, seed=2, chunk_size=500)).result
    spread = draws(
        Study(scenario, model),
        DrawSettings(3000, seed=2, chunk_size=500, workers=2, scheduler="processes"),
    ).result
    assert json.dumps(serial.to_dict()) == json.dumps(spread.to_dict())
    assert serial.provenance.model == "midrange"


def test_register_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_MODELS", dict(registry._MODELS))
    assert register_model(MidrangeModel) == "midrange"
    assert register_model(MidrangeModel()) == "midrange"  # the same again: nothing changes
    assert "midrange" in model_names()
    eu = load_scenario("eu-emissions-1994")
    xs = [a.position["lag"].value for a in eu.actors]
    midrange = (min(xs) + max(xs)) / 2
    assert forecast(Study(eu, "MIDRANGE")).result.forecast == {"lag": midrange}
    with pytest.raises(InputError, match="a different model is registered as 'median'"):
        register_model(MidrangeModel, name="median")
    with pytest.raises(InputError, match="cannot be loaded"):
        register_model("no.such.module:Model")


class Broken(MidrangeModel):
    """A model with a bug: its traceback must reach the user, not 'a worker failed'."""

    def solve(self, *args: Any) -> Solution:
        raise ZeroDivisionError("a bug in the model")


def test_a_model_bug_shows_its_own_error_not_a_worker_failure() -> None:
    scenario = build_scenario(RANGED, "ranged.yaml")
    with pytest.raises(ZeroDivisionError, match="a bug in the model"):
        draws(Study(scenario, Broken()), DrawSettings(100, seed=1))
    with pytest.raises(ZeroDivisionError, match="a bug in the model"):
        draws(Study(scenario, Broken()), DrawSettings(100, seed=1, workers=2, chunk_size=50))
