"""Monte Carlo forecasts: draw every uncertain input, run the model, summarise the outcomes.

The draws, their distributions and their reproducibility are the draw engine's
(:mod:`winset.draws`); this module runs a model on them and summarises the forecasts per issue:
the mean, p10, p50 and p90, and a histogram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.draws.engine import (
    BLOCK,
    Checkpoints,
    DrawSettings,
    chunk_size_for,
    run_draws,
    workers_model,
)
from winset.draws.uncertainty import Uncertainty, solve_draws
from winset.limits import limit
from winset.models.base import Model
from winset.models.runner import Prepared, check_memory, run_prepared
from winset.numbers import clean_units, quantile_summary
from winset.results import Distribution, Provenance, RunResult
from winset.scenario.arrays import ScenarioArrays, to_arrays

__all__ = [
    "DrawSettings",
    "ForecastJob",
    "draws_provenance",
    "forecast_draws",
]

HISTOGRAM_BINS = 30
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ForecastJob:
    """One model's forecasts for draws of a scenario's uncertain inputs (rows: draws x issues)."""

    uncertainty: Uncertainty
    model: Model
    params: Mapping[str, Any]
    variant: str
    seed: int
    distribution: str
    block: int

    @property
    def width(self) -> int:
        """One column per issue."""
        return self.uncertainty.m

    def compute(self, start: int, stop: int) -> FloatArray:
        """Normalised forecasts of draws ``start..stop-1``."""
        return solve_draws(
            self.model,
            self.uncertainty,
            self.params,
            self.variant,
            self.seed,
            start,
            stop,
            self.distribution,
            self.block,
        )


def chunk_size(draws: int, chosen: int | None, model: Model, n_actors: int, random: bool) -> int:
    """Draws per chunk: the user's choice, else a size that suits the model.

    Large enough to use the model's batch axis, small enough to checkpoint often; it depends
    only on the run's settings, never on the workers.
    """
    per_chunk = 32 * BLOCK
    if model.info.iterative:
        per_chunk = max(BLOCK // 4, 8 * BLOCK * 10 // max(10, n_actors))
    return chunk_size_for(draws, chosen, per_chunk, random)


def draws_provenance(prepared: Prepared, settings: DrawSettings) -> Provenance:
    """The provenance of a Monte Carlo run (``settings`` checked, seed resolved)."""
    return prepared.provenance(
        settings.seed, kind="draws", keep_seed=True, **settings.determining()
    )


def summarise(
    arrays: ScenarioArrays, outcomes: FloatArray
) -> tuple[dict[str, Distribution], dict[str, Any]]:
    """Distribution and histogram per issue, in the issues' units."""
    units = arrays.to_units(outcomes)
    dist: dict[str, Distribution] = {}
    hist: dict[str, Any] = {}
    for k, name in enumerate(arrays.issues):
        span = arrays.span(k)
        col = units[:, k]
        s = quantile_summary(col, span)
        dist[name] = Distribution(s["mean"], s["p10"], s["p50"], s["p90"], int(col.size))
        lo, hi = float(col.min()), float(col.max())
        if hi - lo < 1e-12 * span:
            lo, hi = lo - 1e-6 * span, hi + 1e-6 * span
        counts, edges = np.histogram(col, bins=HISTOGRAM_BINS, range=(lo, hi))
        hist[name] = {
            "edges": [clean_units(float(e), span) for e in edges],
            "counts": [int(c) for c in counts],
        }
    return dist, hist


def forecast_draws(
    prepared: Prepared,
    settings: DrawSettings,
    *,
    checkpoints: Checkpoints | None = None,
    progress: Callable[[int, int], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> RunResult:
    """Run the prepared model on ``settings.draws`` perturbed copies of its scenario.

    ``settings`` must be checked (:meth:`DrawSettings.checked`). Returns the point forecast
    with ``distribution`` per issue and a ``montecarlo`` entry (settings, histogram per issue)
    in ``extras``. With ``checkpoints``, finished chunks are kept under the run's key and a
    repeated call resumes from them. Raises :class:`winset.draws.Interrupted` if the run stops.
    """
    seed = settings.seed
    if seed is None:
        raise ValueError("settings must be checked (the seed resolved) first")
    arrays = to_arrays(prepared.scenario)
    model = prepared.model
    provenance = draws_provenance(prepared, settings)
    uncertainty = Uncertainty.from_arrays(arrays)
    size = chunk_size(settings.draws, settings.chunk_size, model, arrays.n_actors, prepared.random)
    check_memory(model, 1, arrays.n_actors, arrays.n_issues)
    if not prepared.random:  # a chunk is solved at once: keep it within a quarter of the limit
        budget = limit("WINSET_MAX_MEMORY_MB") * 250_000
        size = max(1, min(size, budget // model.memory(1, arrays.n_actors, arrays.n_issues)))
    job = ForecastJob(
        uncertainty=uncertainty,
        model=workers_model(model, settings.workers, settings.scheduler),
        params=prepared.params,
        variant=prepared.variant,
        seed=seed,
        distribution=settings.distribution,
        block=settings.block,
    )
    outcomes = run_draws(
        job,
        settings.draws,
        chunk_size=size,
        workers=settings.workers,
        scheduler=settings.scheduler,
        checkpoints=checkpoints,
        key=provenance.key(),
        progress=progress,
        notice=notice,
    )
    result = run_prepared(prepared, seed, arrays)
    dist, hist = summarise(arrays, outcomes)
    extras = dict(result.extras)
    extras["montecarlo"] = {
        **settings.determining(),
        "uncertain_values": uncertainty.size,
        "histogram": hist,
    }
    return replace(result, provenance=provenance, distribution=dist, extras=extras)
