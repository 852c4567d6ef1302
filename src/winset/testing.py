"""Checks any bargaining model must pass, and Hypothesis strategies for scenarios and inputs.

A researcher's own model is checked in one line, under pytest::

    from winset.testing import ModelContract

    class TestMyModel(ModelContract):
        model = MyModel()          # a winset.models.base.Model, registered or not

or outside pytest with :func:`check_model`. The checks are the invariants every model of the
registry passes: determinism under a fixed seed, forecasts of the right shape and finite,
within the range of the positions (and the status quo), invariance to scaling every capability
and (unless the model says otherwise) to the order of the actors, forecasts in units on
generated scenarios, and pickling of the model and its result.

Needs Hypothesis (``pip install 'winset[dev]'``).
"""

from __future__ import annotations

import pickle
from typing import Any, ClassVar

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winset.models.base import Inputs, Model
from winset.models.registry import get_model
from winset.models.runner import run
from winset.scenario.load import build_scenario
from winset.scenario.schema import Scenario

__all__ = ["ModelContract", "check_model", "inputs", "scenarios"]

_unit = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw: st.DrawFn, max_actors: int = 8, max_issues: int = 3) -> Scenario:
    """Valid scenarios: every actor present on every issue, positive total weight."""
    n = draw(st.integers(1, max_actors))
    m = draw(st.integers(1, max_issues))
    issues: list[dict[str, Any]] = []
    scales: list[tuple[float, float]] = []
    for k in range(m):
        low = draw(st.sampled_from([0.0, -50.0, 10.0]))
        width = draw(st.sampled_from([1.0, 10.0, 100.0, 20000.0]))
        issue: dict[str, Any] = {"name": f"i{k}", "scale": [low, low + width]}
        if draw(st.booleans()):
            issue["status_quo"] = low + width * draw(_unit)
        issues.append(issue)
        scales.append((low, width))
    actors = []
    for i in range(n):
        actors.append(
            {
                "name": f"a{i}",
                "capability": draw(st.floats(0.01, 100.0)),
                "position": {f"i{k}": scales[k][0] + draw(_unit) * scales[k][1] for k in range(m)},
                "salience": {f"i{k}": draw(st.floats(1.0, 100.0)) for k in range(m)},
            }
        )
    return build_scenario({"name": "generated", "issues": issues, "actors": actors}, "generated")


@st.composite
def inputs(draw: st.DrawFn, max_actors: int = 8, max_issues: int = 2, max_batch: int = 3) -> Inputs:
    """Batched model inputs on [0, 1] with some absent actors and zero saliences."""
    b = draw(st.integers(1, max_batch))
    n = draw(st.integers(1, max_actors))
    m = draw(st.integers(1, max_issues))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    grid = draw(st.booleans())  # positions on a coarse grid make ties likely
    pos = rng.integers(0, 5, (b, n, m)) / 4.0 if grid else rng.random((b, n, m))
    sal = rng.random((b, n, m)) * (rng.random((b, n, m)) > 0.1)
    cap = rng.random((b, n)) + 0.01
    present = rng.random((n, m)) > 0.15
    present[0, :] = True
    sq = rng.random((b, m))
    has_sq = rng.random(m) > 0.5
    return Inputs(
        capability=cap,
        position=pos,
        salience=sal,
        present=present,
        status_quo=sq,
        has_status_quo=has_sq,
    )


# Test methods are inherited by one class per model, so Hypothesis sees several executors;
# the tests keep no instance state, which makes that safe.
_HEALTH = [HealthCheck.too_slow, HealthCheck.differing_executors]
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)


def _permuted(inp: Inputs, order: np.ndarray) -> Inputs:
    return Inputs(
        capability=inp.capability[:, order],
        position=inp.position[:, order],
        salience=inp.salience[:, order],
        present=inp.present[order],
        status_quo=inp.status_quo,
        has_status_quo=inp.has_status_quo,
    )


def _scaled(inp: Inputs, factor: float) -> Inputs:
    return Inputs(
        capability=inp.capability * factor,
        position=inp.position,
        salience=inp.salience,
        present=inp.present,
        status_quo=inp.status_quo,
        has_status_quo=inp.has_status_quo,
    )


class ModelContract:
    """Invariants every model must satisfy. Subclasses set ``model_name``."""

    model_name: ClassVar[str]
    # a model object to check instead of the registry's (an outside or not yet registered model)
    model: ClassVar[Model | None] = None
    variant: ClassVar[str | None] = None
    params: ClassVar[dict[str, Any]] = {}
    permutation_invariant: ClassVar[bool] = True
    atol: ClassVar[float] = 1e-9

    def _model(self) -> Model:
        return self.model if self.model is not None else get_model(self.model_name)

    def _solve(self, inp: Inputs, seed: int = 0) -> np.ndarray:
        model = self._model()
        params, variant = model.info.resolve(self.params, self.variant)
        rng = np.random.default_rng(seed)
        return model.solve(inp, params, variant, rng).forecast

    def test_info_is_complete(self) -> None:
        """The metadata names the model, cites it and sums it up; defaults are valid."""
        info = self._model().info
        assert info.name == self.model_name
        assert info.citation and info.summary and info.title
        for p in info.parameters:
            assert p.coerce(p.default) == p.default

    @_SETTINGS
    @given(inp=inputs())
    def test_deterministic_under_seed(self, inp: Inputs) -> None:
        """The same inputs and seed give the same bytes."""
        a = self._solve(inp, seed=7)
        b = self._solve(inp, seed=7)
        assert a.tobytes() == b.tobytes()

    @_SETTINGS
    @given(inp=inputs())
    def test_forecast_shape_and_finite(self, inp: Inputs) -> None:
        """One finite forecast per draw and issue."""
        f = self._solve(inp)
        assert f.shape == (inp.batch, inp.position.shape[2])
        assert np.all(np.isfinite(f))

    @_SETTINGS
    @given(inp=inputs())
    def test_forecast_within_range_of_positions(self, inp: Inputs) -> None:
        """Forecasts lie within the positions (and the status quo)."""
        f = self._solve(inp)
        present = np.broadcast_to(inp.present, inp.position.shape)
        lo = np.where(present, inp.position, np.inf).min(axis=1)
        hi = np.where(present, inp.position, -np.inf).max(axis=1)
        # a status quo that is part of the model's logic may also be the answer
        lo = np.where(inp.has_status_quo, np.minimum(lo, inp.status_quo), lo)
        hi = np.where(inp.has_status_quo, np.maximum(hi, inp.status_quo), hi)
        assert np.all(f >= lo - 1e-9) and np.all(f <= hi + 1e-9)

    @_SETTINGS
    @given(inp=inputs(), data=st.data())
    def test_capability_scale_invariance(self, inp: Inputs, data: Any) -> None:
        """Scaling every capability changes nothing."""
        factor = data.draw(st.sampled_from([0.001, 3.0, 1000.0]))
        a = self._solve(inp)
        b = self._solve(_scaled(inp, factor))
        np.testing.assert_allclose(a, b, atol=self.atol)

    @_SETTINGS
    @given(inp=inputs(), seed=st.integers(0, 1000))
    def test_actor_permutation_invariance(self, inp: Inputs, seed: int) -> None:
        """The order of the actors changes nothing (unless the model says)."""
        if not self.permutation_invariant:
            return
        order = np.random.default_rng(seed).permutation(inp.capability.shape[1])
        a = self._solve(inp)
        b = self._solve(_permuted(inp, order))
        np.testing.assert_allclose(a, b, atol=self.atol)

    @settings(max_examples=15, deadline=None, suppress_health_check=_HEALTH)
    @given(scenario=scenarios())
    def test_scenario_forecast_in_units_within_positions(self, scenario: Any) -> None:
        """On scenarios, forecasts in units lie within the positions."""
        result = run(scenario, self._model(), params=self.params, variant=self.variant, seed=1)
        for k, issue in enumerate(scenario.issues):
            xs = [a.position[issue.name].value for a in scenario.actors]
            if issue.status_quo is not None:
                xs.append(issue.status_quo.value)
            span = issue.high - issue.low
            value = result.forecast[issue.name]
            assert min(xs) - 1e-9 * span <= value <= max(xs) + 1e-9 * span, (k, value, xs)

    def test_model_and_result_pickle(self) -> None:
        """The model and its result survive pickling (workers need it)."""
        model = self._model()
        assert pickle.loads(pickle.dumps(model)).info == model.info
        result = run("eu-emissions-1994", model, params=self.params, variant=self.variant)
        again = pickle.loads(pickle.dumps(result))
        assert again == result


def check_model(model: Model, **flags: Any) -> None:
    """Run every check of :class:`ModelContract` on ``model``; AssertionError on a failure.

    ``flags`` set the contract's class attributes (``variant``, ``params``,
    ``permutation_invariant``, ``atol``).
    """
    contract = type("Check", (ModelContract,), {"model": model, "model_name": model.info.name})
    for name, value in flags.items():
        setattr(contract, name, value)
    case = contract()
    for name in dir(case):
        if name.startswith("test_"):
            getattr(case, name)()
