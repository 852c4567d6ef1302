"""Monte Carlo for two-level scenarios: the probability of agreement per path.

Every value with an uncertainty range is drawn as ``winset run --draws`` draws it (one
SeedSequence child per draw, so the same seed gives the same draws). The Level-I model runs on
the whole batch at once; then, draw by draw, the blocs and veto players that take their values
from an actor follow that actor's draw (a bloc's own values stay at their point values), and
every path combination is evaluated as :func:`winset.twolevel.analyse.analyse` does, on a
coarser grid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.analysis.montecarlo import DISTRIBUTIONS, Uncertainty
from winset.api import prepare
from winset.errors import InputError, Problem
from winset.numbers import clean_units
from winset.scenario.arrays import to_arrays
from winset.scenario.schema import Scenario
from winset.twolevel.analyse import DEFAULT_NOISE, evaluate
from winset.twolevel.problem import BodyArrays, TwoLevel, build

__all__ = ["MC_GRID", "TwoLevelDraws", "twolevel_draws"]

FloatArray = NDArray[np.float64]
MC_GRID = 4_000  # grid points per agreement set and draw (the point analysis uses 200,000)


@dataclass(frozen=True)
class TwoLevelDraws:
    """Shares of draws: per path combination ratifiable and chosen; the outcome's spread."""

    draws: int
    seed: int
    distribution: str
    p_ratifiable: dict[str, float]
    p_chosen: dict[str, float]
    p_agreement: float
    outcome: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "draws": self.draws,
            "seed": self.seed,
            "distribution": self.distribution,
            "p_agreement": self.p_agreement,
            "paths": {
                name: {"p_ratifiable": self.p_ratifiable[name], "p_chosen": self.p_chosen[name]}
                for name in self.p_ratifiable
            },
            "outcome": self.outcome,
        }


def _body_for_draw(
    body: BodyArrays, index: dict[str, int], pos: FloatArray, sal: FloatArray
) -> BodyArrays:
    ideal, weight = body.ideal.copy(), body.weight.copy()
    assert body.own_position is not None and body.own_salience is not None
    for b, actor in enumerate(body.actors):
        if actor is None:
            continue
        i = index[actor]
        ideal[b] = np.where(body.own_position[b], ideal[b], pos[i])
        weight[b] = np.where(body.own_salience[b], weight[b], sal[i])
    return replace(body, ideal=ideal, weight=weight)


def _problem_for_draw(
    problem: TwoLevel, index: dict[str, int], pos: FloatArray, sal: FloatArray
) -> TwoLevel:
    sides = []
    for side in problem.sides:
        paths = tuple(
            replace(path, bodies=tuple(_body_for_draw(b, index, pos, sal) for b in path.bodies))
            for path in side.paths
        )
        sides.append(replace(side, paths=paths))
    return replace(problem, sides=tuple(sides))


def twolevel_draws(
    scenario: Scenario,
    model: str = "compromise",
    *,
    draws: int,
    seed: int,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    solution: str = "nearest",
    noise: float = DEFAULT_NOISE,
    distribution: str = "uniform",
    progress: Callable[[int, int], None] | None = None,
) -> TwoLevelDraws:
    """``draws`` draws of the scenario's uncertain values through the whole two-level analysis."""
    if draws < 1:
        raise InputError(Problem("", "--draws", f"{draws} must be at least 1"))
    if distribution not in DISTRIBUTIONS:
        raise InputError(
            Problem(
                "", "--distribution", f"{distribution!r} is not one of {', '.join(DISTRIBUTIONS)}"
            )
        )
    scenario, model_obj, resolved, variant_name = prepare(scenario, model, params, variant)
    problem = build(scenario)
    arrays = to_arrays(scenario)
    unc = Uncertainty.from_arrays(arrays)
    inputs = unc.inputs(unc.sample(seed, 0, draws, distribution))
    forecast = model_obj.solve(inputs, resolved, variant_name, np.random.default_rng(seed)).forecast
    index = {name: i for i, name in enumerate(arrays.actors)}
    neg_index = [index[side.negotiator] for side in problem.sides]
    names = [" + ".join(p.name for p in pair) for pair in problem.pairs()]
    ratifiable = dict.fromkeys(names, 0)
    chosen = dict.fromkeys(names, 0)
    outcomes = np.empty((draws, problem.dims))
    for b in range(draws):
        pos, sal = inputs.position[b], inputs.salience[b]
        drawn = _problem_for_draw(problem, index, pos, sal)
        present = arrays.present[neg_index]
        neg_x = np.where(present, pos[neg_index], problem.reversion)
        neg_w = np.where(present, sal[neg_index], 0.0)
        results, best = evaluate(
            drawn, forecast[b], (neg_x, neg_w), solution, noise, top_pivotal=0, budget=MC_GRID
        )
        for r in results:
            ratifiable[r.name] += r.ratifiable
        if best is None:
            outcomes[b] = problem.to_units(problem.reversion)
        else:
            chosen[best.name] += 1
            assert best.agreement is not None
            outcomes[b] = [best.agreement[k] for k in problem.issues]
        if progress is not None:
            progress(b + 1, draws)
    summary = {}
    for k, issue in enumerate(problem.issues):
        span = float(problem.high[k] - problem.low[k])
        col = outcomes[:, k]
        summary[issue] = {
            "mean": clean_units(float(col.mean()), span),
            "p10": clean_units(float(np.quantile(col, 0.1)), span),
            "p50": clean_units(float(np.quantile(col, 0.5)), span),
            "p90": clean_units(float(np.quantile(col, 0.9)), span),
        }
    return TwoLevelDraws(
        draws=draws,
        seed=seed,
        distribution=distribution,
        p_ratifiable={n: ratifiable[n] / draws for n in names},
        p_chosen={n: chosen[n] / draws for n in names},
        p_agreement=sum(chosen.values()) / draws,
        outcome=summary,
    )
