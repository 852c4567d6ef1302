"""Monte Carlo forecasts: draw every uncertain input, run the model, summarise the outcomes.

Every value an analyst gave an uncertainty range ``[low, high]`` (capabilities, positions,
saliences, status quo points) is drawn anew in each draw; values without a range stay fixed.
Three distributions are offered:

* ``uniform`` (the default): uniform on ``[low, high]``;
* ``triangular``: triangular on ``[low, high]`` with its mode at the stated value;
* ``normal``: a normal centred on the stated value with standard deviation ``(high - low) / 4``,
  truncated to ``[low, high]`` (drawn by rejection).

Reproducibility. Draw ``i`` of a run with seed ``s`` uses its own generator, built from the
``i``-th child of ``SeedSequence(s)`` (``SeedSequence(s).spawn(N)[i]``, constructed directly as
``SeedSequence(s, spawn_key=(i,))`` so that a worker need not spawn the children before it).
Draws are grouped into chunks of a fixed size that depends on nothing but the run's settings,
and every chunk is computed the same way wherever it runs, so one process, eight processes or a
Dask cluster give byte-identical results.

Nothing lost. With a run store, each finished chunk is checkpointed under the run's key; running
the same command again after an interruption computes only the missing chunks. The summary is
written only when every chunk is there, so a partial result is never reported as complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from winset.api import prepare, provenance_for, result_from_solution
from winset.errors import InputError, Problem
from winset.models.base import Inputs, Model
from winset.models.registry import get_model
from winset.numbers import clean_units
from winset.results import MONTECARLO_SETTINGS, Distribution, RunResult
from winset.scenario.arrays import ScenarioArrays, to_arrays
from winset.scenario.schema import Scenario

if TYPE_CHECKING:
    from winset.store import RunStore

__all__ = [
    "DISTRIBUTIONS",
    "ChunkTask",
    "Interrupted",
    "Uncertainty",
    "default_chunk_size",
    "draw_seed",
    "monte_carlo",
    "run_chunk",
]

DISTRIBUTIONS = ("uniform", "triangular", "normal")
HISTOGRAM_BINS = 30

FloatArray = NDArray[np.float64]
Progress = Callable[[int, int], None]


class Interrupted(RuntimeError):
    """A Monte Carlo run stopped before every chunk was done (its chunks are checkpointed)."""

    def __init__(self, done: int, total: int, saved: bool, reason: str) -> None:
        self.done, self.total, self.saved, self.reason = done, total, saved, reason
        resume = (
            "run the same command again to resume" if saved else "nothing was saved (no run store)"
        )
        super().__init__(f"{reason}: {done} of {total} chunks finished; {resume}")


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """A scenario's inputs as one flat vector, with the bounds of those that are uncertain.

    The vector packs capability (n), position (n x m), salience (n x m) and status quo (m), all
    on the models' [0, 1] scales; ``index`` lists the entries with ``low < high``.
    """

    n: int
    m: int
    value: FloatArray
    low: FloatArray
    high: FloatArray
    index: NDArray[np.intp]
    present: NDArray[np.bool_]
    has_status_quo: NDArray[np.bool_]

    @classmethod
    def from_arrays(cls, arrays: ScenarioArrays) -> Uncertainty:
        def pack(cap: FloatArray, pos: FloatArray, sal: FloatArray, sq: FloatArray) -> FloatArray:
            return np.concatenate([cap.ravel(), pos.ravel(), sal.ravel(), sq.ravel()])

        a = arrays
        value = pack(a.capability, a.position, a.salience, a.status_quo)
        low = pack(a.capability_low, a.position_low, a.salience_low, a.status_quo_low)
        high = pack(a.capability_high, a.position_high, a.salience_high, a.status_quo_high)
        return cls(
            n=a.n_actors,
            m=a.n_issues,
            value=value,
            low=low,
            high=high,
            index=np.flatnonzero(low < high),
            present=np.asarray(a.present),
            has_status_quo=np.asarray(a.has_status_quo),
        )

    @property
    def size(self) -> int:
        """How many values are uncertain."""
        return int(self.index.size)

    def sample(self, seed: int, start: int, stop: int, distribution: str) -> FloatArray:
        """The uncertain values of draws ``start..stop-1``: shape (stop - start, size)."""
        lo, hi, mode = self.low[self.index], self.high[self.index], self.value[self.index]
        out = np.empty((stop - start, self.size))
        for row, i in enumerate(range(start, stop)):
            rng = np.random.default_rng(draw_seed(seed, i))
            if distribution == "normal":
                out[row] = _truncated_normal(rng, mode, (hi - lo) / 4.0, lo, hi)
            else:
                out[row] = rng.random(self.size)
        if distribution == "uniform":
            out = lo + out * (hi - lo)
        elif distribution == "triangular":
            out = _triangular(out, lo, mode, hi)
        return out

    def inputs(self, samples: FloatArray) -> Inputs:
        """Model inputs for a batch of drawn values (one row per draw)."""
        flat = np.broadcast_to(self.value, (samples.shape[0], self.value.size)).copy()
        flat[:, self.index] = samples
        return self.unpack(flat)

    def unpack(self, flat: FloatArray) -> Inputs:
        """Model inputs from whole packed input vectors (one row per copy of the scenario)."""
        batch = flat.shape[0]
        n, m = self.n, self.m
        cuts = np.cumsum([n, n * m, n * m])
        cap, pos, sal, sq = np.split(flat, cuts, axis=1)
        return Inputs(
            capability=cap,
            position=pos.reshape(batch, n, m),
            salience=sal.reshape(batch, n, m),
            present=self.present,
            status_quo=sq,
            has_status_quo=self.has_status_quo,
        )


def draw_seed(seed: int, draw: int) -> np.random.SeedSequence:
    """The seed of one draw: the ``draw``-th child of ``SeedSequence(seed)``."""
    return np.random.SeedSequence(seed, spawn_key=(draw,))


def _truncated_normal(
    rng: np.random.Generator, mean: FloatArray, sd: FloatArray, lo: FloatArray, hi: FloatArray
) -> FloatArray:
    x = mean + sd * rng.standard_normal(mean.size)
    bad = (x < lo) | (x > hi)
    while bad.any():
        x[bad] = mean[bad] + sd[bad] * rng.standard_normal(int(bad.sum()))
        bad = (x < lo) | (x > hi)
    return x


def _triangular(u: FloatArray, lo: FloatArray, mode: FloatArray, hi: FloatArray) -> FloatArray:
    """Inverse CDF of the triangular distribution on [lo, hi] with the given mode."""
    width = hi - lo
    cut = (mode - lo) / width
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * width * (hi - mode))
    return np.where(u < cut, left, right)


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """Everything a worker needs to compute one chunk of draws (small and picklable)."""

    uncertainty: Uncertainty
    model: str
    params: Mapping[str, Any]
    variant: str
    seed: int
    distribution: str
    chunk: int
    start: int
    stop: int


def run_chunk(task: ChunkTask) -> FloatArray:
    """The normalised forecasts of one chunk of draws: shape (draws, issues)."""
    samples = task.uncertainty.sample(task.seed, task.start, task.stop, task.distribution)
    inputs = task.uncertainty.inputs(samples)
    # A stochastic model gets a stream of its own, derived from the chunk's first draw.
    rng = np.random.default_rng(np.random.SeedSequence(task.seed, spawn_key=(task.start, 1)))
    solution = get_model(task.model).solve(inputs, dict(task.params), task.variant, rng)
    return np.ascontiguousarray(solution.forecast, dtype=np.float64)


def default_chunk_size(draws: int, model: Model, n_actors: int) -> int:
    """Draws per chunk: large enough to use the model's batch axis, small enough to checkpoint.

    Depends only on the run's settings, never on the number of workers.
    """
    per_chunk = 2000
    if model.info.iterative:
        per_chunk = max(50, per_chunk * 10 // max(10, n_actors))
    return max(1, min(draws, per_chunk))


def _summary(arrays: ScenarioArrays, outcomes: FloatArray) -> tuple[dict[str, Distribution], dict]:
    """Distribution and histogram per issue, in the issues' units."""
    units = arrays.to_units(outcomes)
    dist: dict[str, Distribution] = {}
    hist: dict[str, Any] = {}
    for k, name in enumerate(arrays.issues):
        span = float(arrays.scale_high[k] - arrays.scale_low[k])
        col = units[:, k]
        p10, p50, p90 = np.percentile(col, [10, 50, 90])
        dist[name] = Distribution(
            mean=clean_units(float(col.mean()), span),
            p10=clean_units(float(p10), span),
            p50=clean_units(float(p50), span),
            p90=clean_units(float(p90), span),
            n=int(col.size),
        )
        lo, hi = float(col.min()), float(col.max())
        if hi - lo < 1e-12 * span:
            lo, hi = lo - 1e-6 * span, hi + 1e-6 * span
        counts, edges = np.histogram(col, bins=HISTOGRAM_BINS, range=(lo, hi))
        hist[name] = {
            "edges": [clean_units(float(e), span) for e in edges],
            "counts": [int(c) for c in counts],
        }
    return dist, hist


def _fresh_seed() -> int:
    """A seed from the operating system's entropy (recorded, so the run can be repeated)."""
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def monte_carlo(
    scenario: Scenario | str,
    model: str = "compromise",
    *,
    draws: int,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    seed: int | None = None,
    distribution: str = "uniform",
    workers: int = 1,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    store: RunStore | None = None,
    progress: Progress | None = None,
) -> tuple[RunResult, bool]:
    """Run ``model`` on ``draws`` perturbed copies of ``scenario``.

    Returns the result (the point forecast, plus ``distribution`` per issue and a
    ``montecarlo`` entry with the settings and a histogram per issue) and whether it came from
    the store. ``workers`` > 1 or a ``scheduler`` spread the chunks (see
    :func:`winset.analysis.backends.open_backend`); the result does not depend on either.
    ``progress(done_draws, total_draws)`` is called as chunks finish. Raises
    :class:`Interrupted` if the run stops early; its finished chunks stay in the store.
    """
    if draws < 1:
        raise InputError(Problem("", "--draws", f"must be at least 1, not {draws}"))
    if distribution not in DISTRIBUTIONS:
        raise InputError(
            Problem(
                "",
                "--distribution",
                f"{distribution!r} is not one of {', '.join(DISTRIBUTIONS)}",
            )
        )
    if workers < 1:
        raise InputError(Problem("", "--workers", f"must be at least 1, not {workers}"))
    if chunk_size is not None and chunk_size < 1:
        raise InputError(Problem("", "--chunk-size", f"must be at least 1, not {chunk_size}"))
    scenario, model_obj, resolved, variant_name = prepare(scenario, model, params, variant, rounds)
    arrays = to_arrays(scenario)
    if seed is None:
        seed = _fresh_seed()
    size = chunk_size or default_chunk_size(draws, model_obj, arrays.n_actors)
    settings = {"draws": draws, "distribution": distribution, "chunk_size": size}
    provenance = replace(
        provenance_for(scenario, model_obj, resolved, variant_name, seed), seed=seed
    )

    key = None
    if store is not None:
        from winset.store import run_key

        key = run_key(provenance, kind="montecarlo", extra=settings)
        assert tuple(settings) == MONTECARLO_SETTINGS
        stored = store.get(key)
        if stored is not None:
            return RunResult.from_dict(stored.result), True

    uncertainty = Uncertainty.from_arrays(arrays)
    tasks = [
        ChunkTask(
            uncertainty=uncertainty,
            model=model_obj.info.name,
            params=resolved,
            variant=variant_name,
            seed=seed,
            distribution=distribution,
            chunk=c,
            start=start,
            stop=min(start + size, draws),
        )
        for c, start in enumerate(range(0, draws, size))
    ]
    outcomes = _run_tasks(tasks, draws, workers, scheduler, store, key, progress)

    point = model_obj.solve(
        Inputs.from_arrays(arrays), resolved, variant_name, np.random.default_rng(seed)
    )
    result = result_from_solution(scenario, arrays, model_obj, resolved, variant_name, seed, point)
    dist, hist = _summary(arrays, outcomes)
    extras = dict(result.extras)
    extras["montecarlo"] = {
        **settings,
        "uncertain_values": uncertainty.size,
        "histogram": hist,
    }
    result = replace(result, provenance=provenance, distribution=dist, extras=extras)
    if store is not None and key is not None:
        store.put(key, "montecarlo", provenance, result.to_dict())
    return result, False


def _run_tasks(
    tasks: list[ChunkTask],
    draws: int,
    workers: int,
    scheduler: str | None,
    store: RunStore | None,
    key: str | None,
    progress: Progress | None,
) -> FloatArray:
    """Compute every chunk not yet checkpointed; return all outcomes in draw order."""
    m = tasks[0].uncertainty.m
    done: dict[int, FloatArray] = {}
    if store is not None and key is not None:
        for c, payload in store.get_chunks(key).items():
            if c < len(tasks):
                done[c] = np.frombuffer(payload, dtype=np.float64).reshape(-1, m)
    todo = [t for t in tasks if t.chunk not in done]

    def finished() -> int:
        return sum(tasks[c].stop - tasks[c].start for c in done)

    if progress is not None:
        progress(finished(), draws)
    if todo:
        from winset.analysis.backends import open_backend

        try:
            with open_backend(workers, scheduler) as backend:
                for task, values in backend.map_unordered(run_chunk, todo):
                    done[task.chunk] = values
                    if store is not None and key is not None:
                        store.put_chunk(key, task.chunk, values.tobytes())
                    if progress is not None:
                        progress(finished(), draws)
        except KeyboardInterrupt:
            raise Interrupted(len(done), len(tasks), store is not None, "interrupted") from None
        except InputError:
            raise
        except Exception as exc:  # a worker died or the cluster went away
            raise Interrupted(
                len(done), len(tasks), store is not None, f"a worker failed ({exc})"
            ) from None
    return np.concatenate([done[c] for c in range(len(tasks))], axis=0)
