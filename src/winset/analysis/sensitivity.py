"""Which inputs move the forecast most: one-at-a-time swings and elasticities, Sobol indices.

One at a time. Every actor's position and salience on every issue, and every actor's
capability, is moved down and up by a step while everything else stays put; the model runs on
all these copies in one batch. The step is the value's own uncertainty range where the analyst
gave one, else 10% of its scale (positions: the issue's scale; saliences: 10 points of 0-100;
capabilities: 10% of the value), clipped to the scale. For each (input, issue) we report the
forecast at the low and the high value, the **swing** (their difference, in the issue's units)
and the **elasticity** ``(dF / scale of F) / (dx / reference of x)``: the percent of the issue's
scale the forecast moves per 1% change of the input, where the reference of a position is the
issue's scale, of a salience the 0-100 scale, and of a capability the value itself.

Sobol. When the scenario gives uncertainty ranges, first-order and total Sobol indices of every
uncertain value (uniform on its range) are estimated with SALib's Saltelli scheme
(Saltelli et al. 2010, *Computer Physics Communications* 181: 259-270): ``samples * (2D + 2)``
model runs for ``D`` uncertain values, batched through the model's draw axis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from winset.analysis.montecarlo import Uncertainty
from winset.api import prepare
from winset.errors import InputError, Problem
from winset.models.base import Model
from winset.numbers import clean_units
from winset.scenario.arrays import ScenarioArrays, to_arrays
from winset.scenario.schema import SALIENCE_MAX, Scenario

__all__ = ["Driver", "SensitivityResult", "SobolIndex", "sensitivity"]

DEFAULT_STEP = 0.1
BATCH = 4096

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Driver:
    """The one-at-a-time effect of one input on one issue's forecast (issue units)."""

    issue: str
    actor: str
    input: str  # position, salience or capability
    value: float
    low: float
    high: float
    forecast_low: float
    forecast_high: float
    swing: float
    elasticity: float


@dataclass(frozen=True)
class SobolIndex:
    """Sobol indices of one uncertain value for one issue's forecast."""

    issue: str
    name: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float


@dataclass(frozen=True)
class SensitivityResult:
    """One-at-a-time drivers (largest swing first, per issue) and Sobol indices, if any."""

    scenario: str
    model: str
    variant: str
    parameters: dict[str, Any]
    seed: int | None
    forecast: dict[str, float]
    drivers: tuple[Driver, ...]
    sobol: tuple[SobolIndex, ...] = ()
    sobol_samples: int = 0
    notes: tuple[str, ...] = ()

    def top(self, issue: str, k: int = 10) -> list[Driver]:
        """The ``k`` inputs with the largest swing on ``issue``."""
        return [d for d in self.drivers if d.issue == issue][:k]

    def to_frame(self) -> pd.DataFrame:
        """One row per (issue, actor, input)."""
        return pd.DataFrame([asdict(d) for d in self.drivers])

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "model": self.model,
            "variant": self.variant,
            "parameters": self.parameters,
            "seed": self.seed,
            "forecast": self.forecast,
            "drivers": [asdict(d) for d in self.drivers],
            "sobol": [asdict(s) for s in self.sobol],
            "sobol_samples": self.sobol_samples,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Perturbation:
    issue: int  # the issue whose forecast this input is read against
    actor: int
    input: str
    flat: int  # index in the packed input vector (see Uncertainty)
    value: float
    low: float
    high: float
    reference: float  # what 100% of the input is, in its normalised units


def _perturbations(arrays: ScenarioArrays, unc: Uncertainty) -> list[_Perturbation]:
    n, m = arrays.n_actors, arrays.n_issues
    out: list[_Perturbation] = []

    def step(flat: int, lo_bound: float, hi_bound: float, default: float) -> tuple[float, float]:
        value, low, high = unc.value[flat], unc.low[flat], unc.high[flat]
        if high > low:
            return low, high
        return max(lo_bound, value - default), min(hi_bound, value + default)

    for i in range(n):
        for k in range(m):
            if not arrays.present[i, k]:
                continue
            flat = n + i * m + k
            lo, hi = step(flat, 0.0, 1.0, DEFAULT_STEP)
            out.append(_Perturbation(k, i, "position", flat, unc.value[flat], lo, hi, 1.0))
            flat = n + n * m + i * m + k
            lo, hi = step(flat, 0.0, 1.0, DEFAULT_STEP)
            out.append(_Perturbation(k, i, "salience", flat, unc.value[flat], lo, hi, 1.0))
        cap = unc.value[i]
        lo, hi = step(i, 0.0, np.inf, DEFAULT_STEP * cap)
        for k in range(m):
            if arrays.present[i, k]:
                out.append(_Perturbation(k, i, "capability", i, cap, lo, hi, cap))
    return out


def _solve_batches(
    model: Model,
    unc: Uncertainty,
    flat: FloatArray,
    params: dict[str, Any],
    variant: str,
    seed: int,
) -> FloatArray:
    """Normalised forecasts for each row of packed input vectors, in batches."""
    out = []
    for start in range(0, flat.shape[0], BATCH):
        block = flat[start : start + BATCH]
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(start,)))
        out.append(model.solve(unc.unpack(block), params, variant, rng).forecast)
    return np.concatenate(out, axis=0)


def _value_units(arrays: ScenarioArrays, p: _Perturbation, x: float) -> float:
    if p.input == "position":
        lo, hi = arrays.scale_low[p.issue], arrays.scale_high[p.issue]
        return clean_units(lo + x * (hi - lo), hi - lo)
    if p.input == "salience":
        return clean_units(x * SALIENCE_MAX, SALIENCE_MAX)
    return float(x)


def sensitivity(
    scenario: Scenario | str,
    model: str = "compromise",
    *,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    seed: int | None = None,
    samples: int = 512,
    sobol: bool = True,
) -> SensitivityResult:
    """One-at-a-time drivers of every issue's forecast, and Sobol indices when there are ranges.

    ``samples`` is the Saltelli base sample size (a power of two); ``sobol=False`` skips the
    Sobol analysis. ``seed`` fixes the Sobol sequence scrambling and the bootstrap intervals.
    """
    if samples < 2 or samples & (samples - 1):
        raise InputError(Problem("", "--samples", f"must be a power of two, not {samples}"))
    scenario, model_obj, resolved, variant_name = prepare(scenario, model, params, variant, rounds)
    arrays = to_arrays(scenario)
    unc = Uncertainty.from_arrays(arrays)
    seed_value = 0 if seed is None else seed
    notes: list[str] = []

    perts = _perturbations(arrays, unc)
    rows = np.repeat(unc.value[None, :], 2 * len(perts) + 1, axis=0)
    for j, p in enumerate(perts):
        rows[1 + 2 * j, p.flat] = p.low
        rows[2 + 2 * j, p.flat] = p.high
    forecasts = arrays.to_units(
        _solve_batches(model_obj, unc, rows, resolved, variant_name, seed_value)
    )
    span = arrays.scale_high - arrays.scale_low
    drivers = []
    for j, p in enumerate(perts):
        k = p.issue
        f_lo, f_hi = forecasts[1 + 2 * j, k], forecasts[2 + 2 * j, k]
        dx = (p.high - p.low) / p.reference if p.reference > 0 else 0.0
        elasticity = ((f_hi - f_lo) / span[k]) / dx if dx > 0 else 0.0
        drivers.append(
            Driver(
                issue=arrays.issues[k],
                actor=arrays.actors[p.actor],
                input=p.input,
                value=_value_units(arrays, p, p.value),
                low=_value_units(arrays, p, p.low),
                high=_value_units(arrays, p, p.high),
                forecast_low=clean_units(float(f_lo), float(span[k])),
                forecast_high=clean_units(float(f_hi), float(span[k])),
                swing=clean_units(float(f_hi - f_lo), float(span[k])),
                elasticity=float(np.round(elasticity, 9)),
            )
        )
    order = {name: k for k, name in enumerate(arrays.issues)}
    drivers.sort(key=lambda d: (order[d.issue], -abs(d.swing), d.actor, d.input))

    indices: tuple[SobolIndex, ...] = ()
    if sobol and unc.size:
        indices = _sobol(arrays, unc, model_obj, resolved, variant_name, seed_value, samples)
    elif sobol:
        notes.append("no Sobol indices: the scenario gives no uncertainty ranges")
    return SensitivityResult(
        scenario=scenario.name,
        model=model_obj.info.name,
        variant=variant_name,
        parameters=dict(resolved),
        seed=seed,
        forecast={
            name: clean_units(float(forecasts[0, k]), float(span[k]))
            for k, name in enumerate(arrays.issues)
        },
        drivers=tuple(drivers),
        sobol=indices,
        sobol_samples=samples if indices else 0,
        notes=tuple(notes),
    )


def _labels(arrays: ScenarioArrays) -> list[str]:
    """Names of the packed input vector's entries (see Uncertainty)."""
    actors, issues = arrays.actors, arrays.issues
    return (
        [f"{a}.capability" for a in actors]
        + [f"{a}.position.{i}" for a in actors for i in issues]
        + [f"{a}.salience.{i}" for a in actors for i in issues]
        + [f"status_quo.{i}" for i in issues]
    )


def _sobol(
    arrays: ScenarioArrays,
    unc: Uncertainty,
    model: Model,
    params: dict[str, Any],
    variant: str,
    seed: int,
    samples: int,
) -> tuple[SobolIndex, ...]:
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    names = [_labels(arrays)[j] for j in unc.index]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(unc.low[j]), float(unc.high[j])] for j in unc.index],
    }
    # SALib treats a seed of 0 as "no seed" (global random state): derive a non-zero one.
    salib_seed = int(np.random.SeedSequence(seed).generate_state(1)[0]) | 1
    x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=salib_seed)
    rows = np.repeat(unc.value[None, :], x.shape[0], axis=0)
    rows[:, unc.index] = x
    y = _solve_batches(model, unc, rows, params, variant, seed)
    out = []
    for k, issue in enumerate(arrays.issues):
        col = y[:, k]
        if float(np.var(col)) <= 1e-24:
            out += [SobolIndex(issue, name, 0.0, 0.0, 0.0, 0.0) for name in names]
            continue
        res = sobol_analyze.analyze(
            problem, col, calc_second_order=False, print_to_console=False, seed=salib_seed
        )
        for j, name in enumerate(names):
            out.append(
                SobolIndex(
                    issue,
                    name,
                    float(np.round(res["S1"][j], 9)),
                    float(np.round(res["S1_conf"][j], 9)),
                    float(np.round(res["ST"][j], 9)),
                    float(np.round(res["ST_conf"][j], 9)),
                )
            )
    out.sort(key=lambda s: (arrays.issues.index(s.issue), -s.st, s.name))
    return tuple(out)
