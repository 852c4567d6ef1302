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

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from winset.draws.engine import BLOCK, RANDOM_STREAM, Checkpoints, chunk_size_for, run_draws
from winset.draws.engine import workers_model as _workers_model
from winset.draws.uncertainty import Uncertainty, solve_rows
from winset.errors import InputError, Problem
from winset.limits import check_memory_need, limit, over_limit
from winset.models.base import Model
from winset.models.runner import Prepared, check_memory
from winset.numbers import clean_units
from winset.results import Provenance, Result, frame
from winset.scenario.arrays import ScenarioArrays, to_arrays
from winset.scenario.schema import SALIENCE_MAX
from winset.seeds import check_seed, resolve_seed

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Driver",
    "SensitivityResult",
    "SensitivitySettings",
    "SobolIndex",
    "sensitivity",
    "sensitivity_provenance",
]

DEFAULT_STEP = 0.1

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SensitivitySettings:
    """What to compute: Sobol indices (and with how many base samples) and the seed.

    ``workers``, ``scheduler`` and ``chunk_size`` only decide where the model runs.
    """

    samples: int = 512
    sobol: bool = True
    seed: int | None = None
    workers: int = 1
    scheduler: str | None = None
    chunk_size: int | None = None

    def checked(self, uncertain: bool) -> SensitivitySettings:
        """A validated copy; the seed is resolved when Sobol indices will be computed."""
        s = self.samples
        if isinstance(s, bool) or not isinstance(s, int) or s < 2 or s & (s - 1):
            raise InputError(Problem("", "samples", f"must be a power of two, not {s!r}"))
        if s > limit("WINSET_MAX_SAMPLES"):
            raise over_limit("", "samples", f"{s:,} samples", "WINSET_MAX_SAMPLES")
        check_seed(self.seed)
        uses_seed = self.sobol and uncertain
        return replace(self, seed=resolve_seed(self.seed) if uses_seed else None)


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
class SensitivityResult(Result):
    """One-at-a-time drivers (largest swing first, per issue) and Sobol indices, if any."""

    kind: ClassVar[str] = "sensitivity"

    provenance: Provenance
    forecast: dict[str, float]
    drivers: tuple[Driver, ...]
    sobol: tuple[SobolIndex, ...] = ()
    sobol_samples: int = 0
    notes: tuple[str, ...] = ()

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return self.provenance.scenario

    @property
    def model(self) -> str:
        """The model's name."""
        return self.provenance.model

    def top(self, issue: str, k: int = 10) -> list[Driver]:
        """The ``k`` inputs with the largest swing on ``issue``."""
        return [d for d in self.drivers if d.issue == issue][:k]

    def to_frame(self) -> pd.DataFrame:
        """One row per (issue, actor, input)."""
        rows = [asdict(d) for d in self.drivers]
        columns = list(Driver.__dataclass_fields__)
        return frame(rows, columns, self.provenance)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``winset sensitivity --json``."""
        prov = self.provenance
        return {
            "scenario": prov.scenario,
            "model": prov.model,
            "variant": prov.variant,
            "parameters": dict(prov.parameters),
            "seed": prov.seed,
            "forecast": dict(self.forecast),
            "drivers": [asdict(d) for d in self.drivers],
            "sobol": [asdict(s) for s in self.sobol],
            "sobol_samples": self.sobol_samples,
            "notes": list(self.notes),
            "provenance": prov.to_dict(),
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SensitivityResult:
        """Rebuild a result from :meth:`to_dict` output."""
        return cls(
            provenance=Provenance.from_dict(data["provenance"], cls.kind),
            forecast=dict(data["forecast"]),
            drivers=tuple(Driver(**d) for d in data["drivers"]),
            sobol=tuple(SobolIndex(**x) for x in data.get("sobol", [])),
            sobol_samples=int(data.get("sobol_samples", 0)),
            notes=tuple(data.get("notes", ())),
        )


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


@dataclass(frozen=True, eq=False)
class RowsJob:
    """The engine's job for sensitivity: a model's forecasts for rows of inputs made on demand.

    Row 0 is the scenario as given; row ``1 + r`` changes one value, the packed entry
    ``changes[r]``, to ``values[r]`` (the one-at-a-time copies); the rows after those take the
    uncertain values from ``design`` (the Saltelli design). Rows are built chunk by chunk, so a
    large scenario never holds them all in memory.
    """

    uncertainty: Uncertainty
    changes: NDArray[np.intp]
    values: FloatArray
    design: FloatArray | None
    model: Model
    params: Mapping[str, Any]
    variant: str
    seed: int

    @property
    def width(self) -> int:
        """One column per issue."""
        return self.uncertainty.m

    @property
    def size(self) -> int:
        """How many rows."""
        return 1 + self.changes.size + (0 if self.design is None else self.design.shape[0])

    def rows(self, start: int, stop: int) -> FloatArray:
        """The packed inputs of rows ``start..stop-1``."""
        unc = self.uncertainty
        out = np.repeat(unc.value[None, :], stop - start, axis=0)
        oat = np.arange(max(start, 1), min(stop, 1 + self.changes.size))
        out[oat - start, self.changes[oat - 1]] = self.values[oat - 1]
        first = 1 + self.changes.size
        if self.design is not None and stop > first:
            sob = np.arange(max(start, first), stop)
            out[np.ix_(sob - start, unc.index)] = self.design[sob - first]
        return out

    def compute(self, start: int, stop: int) -> FloatArray:
        """Normalised forecasts of rows ``start..stop-1``."""
        rows = self.rows(start, stop)
        return solve_rows(
            self.model, self.uncertainty, rows, self.params, self.variant, self.seed, start, BLOCK
        )


def _value_units(arrays: ScenarioArrays, p: _Perturbation, x: float) -> float:
    if p.input == "position":
        lo, hi = arrays.scale_low[p.issue], arrays.scale_high[p.issue]
        return clean_units(lo + x * (hi - lo), hi - lo)
    if p.input == "salience":
        return clean_units(x * SALIENCE_MAX, SALIENCE_MAX)
    return float(x)


def sensitivity_provenance(
    prepared: Prepared, settings: SensitivitySettings, arrays: ScenarioArrays | None = None
) -> tuple[SensitivitySettings, Provenance]:
    """The checked settings (seed resolved if one is used) and the result's provenance.

    ``arrays`` are the scenario's, when the caller has them.
    """
    arrays = to_arrays(prepared.scenario) if arrays is None else arrays
    uncertain = bool(arrays.has_ranges) or prepared.random
    checked = settings.checked(uncertain)
    prov = prepared.provenance(
        checked.seed,
        kind="sensitivity",
        keep_seed=True,
        samples=checked.samples,
        sobol=checked.sobol,
        step=DEFAULT_STEP,
        random_stream=RANDOM_STREAM,
    )
    return checked, prov


def sensitivity(
    prepared: Prepared,
    settings: SensitivitySettings,
    *,
    checkpoints: Checkpoints | None = None,
    progress: Callable[[int, int], None] | None = None,
    notice: Callable[[str], None] | None = None,
    provenance: Provenance | None = None,
) -> SensitivityResult:
    """One-at-a-time drivers of every issue's forecast, and Sobol indices when there are ranges.

    Every model run (the one-at-a-time copies and the Saltelli design) goes through the draw
    engine in one job, so workers, checkpoints and progress work as for Monte Carlo draws.
    A caller that has called :func:`sensitivity_provenance` passes the settings and the
    ``provenance`` it returned, so they are not made again.
    """
    arrays = to_arrays(prepared.scenario)
    if provenance is None:
        settings, provenance = sensitivity_provenance(prepared, settings, arrays)
    unc = Uncertainty.from_arrays(arrays)
    seed = settings.seed if settings.seed is not None else 0
    notes: list[str] = []

    perts = _perturbations(arrays, unc)
    changes = np.array([p.flat for p in perts for _ in (0, 1)], dtype=np.intp)
    values = np.array([v for p in perts for v in (p.low, p.high)], dtype=float)
    design: tuple[dict[str, Any], FloatArray] | None = None
    if settings.sobol and unc.size:
        need = settings.samples * (unc.size + 2) * unc.size * 8 * 2
        check_memory_need(
            need,
            "samples",
            f"{settings.samples:,} samples of {unc.size:,} uncertain values need",
            "use fewer samples, or --no-sobol",
        )
        design = _saltelli(arrays, unc, seed, settings.samples)
    elif settings.sobol:
        notes.append("no Sobol indices: the scenario gives no uncertainty ranges")
    model = prepared.model
    job = RowsJob(
        uncertainty=unc,
        changes=changes,
        values=values,
        design=None if design is None else design[1],
        model=_workers_model(model, settings.workers, settings.scheduler),
        params=prepared.params,
        variant=prepared.variant,
        seed=seed,
    )
    check_memory(model, 1, arrays.n_actors, arrays.n_issues)
    per_row = 6 * 8 * unc.value.size + model.memory(1, arrays.n_actors, arrays.n_issues)
    fit = max(1, limit("WINSET_MAX_MEMORY_MB") * 250_000 // per_row)
    size = chunk_size_for(job.size, settings.chunk_size, min(4 * BLOCK, fit), prepared.random)
    n_oat = 1 + changes.size
    out = run_draws(
        job,
        job.size,
        chunk_size=size,
        workers=settings.workers,
        scheduler=settings.scheduler,
        checkpoints=checkpoints,
        key=provenance.key(),
        progress=progress,
        notice=notice,
    )
    forecasts = arrays.to_units(out[:n_oat])
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
    if design is not None:
        indices = _sobol(arrays, design[0], out[n_oat:], seed)
    return SensitivityResult(
        provenance=provenance,
        forecast={
            name: clean_units(float(forecasts[0, k]), float(span[k]))
            for k, name in enumerate(arrays.issues)
        },
        drivers=tuple(drivers),
        sobol=indices,
        sobol_samples=settings.samples if indices else 0,
        notes=tuple(notes),
    )


def _salib_seed(seed: int) -> int:
    # SALib treats a seed of 0 as "no seed" (global random state): derive a non-zero one.
    return int(np.random.SeedSequence(seed).generate_state(1)[0]) | 1


def _saltelli(
    arrays: ScenarioArrays, unc: Uncertainty, seed: int, samples: int
) -> tuple[dict[str, Any], FloatArray]:
    """SALib's problem and the packed input rows of its Saltelli design."""
    from SALib.sample import sobol as sobol_sample

    labels = unc.labels(arrays.actors, arrays.issues)
    names = [labels[j] for j in unc.index]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(unc.low[j]), float(unc.high[j])] for j in unc.index],
    }
    x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=_salib_seed(seed))
    return problem, np.ascontiguousarray(x, dtype=float)


def _sobol(
    arrays: ScenarioArrays, problem: dict[str, Any], y: FloatArray, seed: int
) -> tuple[SobolIndex, ...]:
    from SALib.analyze import sobol as sobol_analyze

    names = problem["names"]
    out = []
    for k, issue in enumerate(arrays.issues):
        col = y[:, k]
        if float(np.var(col)) <= 1e-24:
            out += [SobolIndex(issue, name, 0.0, 0.0, 0.0, 0.0) for name in names]
            continue
        res = sobol_analyze.analyze(
            problem, col, calc_second_order=False, print_to_console=False, seed=_salib_seed(seed)
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
