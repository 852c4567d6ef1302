"""A scenario's uncertain inputs: packing, sampling by blocks, and solving packed rows.

Every value an analyst gave an uncertainty range ``[low, high]`` (capabilities, positions,
saliences, status quo points) is drawn anew in each draw; values without a range stay fixed.
Three distributions are offered:

* ``uniform`` (the default): uniform on ``[low, high]``;
* ``triangular``: triangular on ``[low, high]`` with its mode at the stated value;
* ``normal``: a normal centred on the stated value with standard deviation ``(high - low) / 4``,
  truncated to ``[low, high]`` (drawn by rejection).

Random stream 2 (see :data:`winset.draws.engine.RANDOM_STREAM`): the draws are grouped in blocks
of ``block`` consecutive draws; block ``b`` of a run with seed ``s`` draws all its values, in
order, from one generator seeded with ``SeedSequence(s, spawn_key=(b,))``. A block is always
drawn whole, so draw ``i`` has the same values whatever chunk or worker computes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.models.base import Inputs, Model
from winset.scenario.arrays import ScenarioArrays

__all__ = ["DISTRIBUTIONS", "Uncertainty", "check_distribution", "solve_rows"]

DISTRIBUTIONS = ("uniform", "triangular", "normal")

FloatArray = NDArray[np.float64]


def check_distribution(distribution: str) -> str:
    """``distribution`` in lower case if it is one of :data:`DISTRIBUTIONS`, else InputError."""
    name = str(distribution).strip().lower()
    if name not in DISTRIBUTIONS:
        raise InputError(
            Problem(
                "",
                "distribution",
                f"{distribution!r} is not one of {', '.join(DISTRIBUTIONS)}",
            )
        )
    return name


def _block_rng(seed: int, block: int, stream: int = 0) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, stream)))


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
        """Pack a scenario's arrays (point values and range bounds)."""

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

    def _block(self, seed: int, block: int, rows: int, distribution: str) -> FloatArray:
        """All uncertain values of one whole block: (rows, size)."""
        lo, hi, mode = self.low[self.index], self.high[self.index], self.value[self.index]
        rng = _block_rng(seed, block)
        if distribution == "normal":
            sd = (hi - lo) / 4.0
            x = mode + sd * rng.standard_normal((rows, self.size))
            bad = (x < lo) | (x > hi)
            while bad.any():
                cols = np.nonzero(bad)[1]
                x[bad] = mode[cols] + sd[cols] * rng.standard_normal(cols.size)
                bad = (x < lo) | (x > hi)
            return x
        u = rng.random((rows, self.size))
        if distribution == "triangular":
            return _triangular(u, lo, mode, hi)
        return lo + u * (hi - lo)

    def sample(self, seed: int, start: int, stop: int, distribution: str, block: int) -> FloatArray:
        """The uncertain values of draws ``start..stop-1``: shape (stop - start, size).

        Each block of ``block`` draws that the range touches is drawn whole (see the module
        docstring), so the values do not depend on how the draws are split.
        """
        out = np.empty((stop - start, self.size))
        for b in range(start // block, (stop - 1) // block + 1):
            b0 = b * block
            lo, hi = max(start, b0), min(stop, b0 + block)
            values = self._block(seed, b, block, distribution)
            out[lo - start : hi - start] = values[lo - b0 : hi - b0]
        return out

    def rows(self, samples: FloatArray) -> FloatArray:
        """Whole packed input vectors for a batch of drawn values (one row per draw)."""
        flat = np.broadcast_to(self.value, (samples.shape[0], self.value.size)).copy()
        flat[:, self.index] = samples
        return flat

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

    def labels(self, actors: tuple[str, ...], issues: tuple[str, ...]) -> list[str]:
        """Names of the packed vector's entries, e.g. ``Iraqiya.salience.immunity``."""
        return (
            [f"{a}.capability" for a in actors]
            + [f"{a}.position.{i}" for a in actors for i in issues]
            + [f"{a}.salience.{i}" for a in actors for i in issues]
            + [f"status_quo.{i}" for i in issues]
        )


def _triangular(u: FloatArray, lo: FloatArray, mode: FloatArray, hi: FloatArray) -> FloatArray:
    """Inverse CDF of the triangular distribution on [lo, hi] with the given mode."""
    width = hi - lo
    cut = (mode - lo) / width
    left = lo + np.sqrt(u * width * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * width * (hi - mode))
    return np.where(u < cut, left, right)


def solve_rows(
    model: Model,
    unc: Uncertainty,
    flat: FloatArray,
    params: Mapping[str, Any],
    variant: str,
    seed: int,
    start: int,
    block: int,
) -> FloatArray:
    """A model's normalised forecasts (rows, m) for packed input rows ``start..``.

    A deterministic model solves the rows in one batch (its results do not depend on the batch).
    A stochastic model solves each block of ``block`` rows with the block's own generator
    (``SeedSequence(seed, spawn_key=(b, 1))``), so its draws too are the same however the rows
    are split, as long as chunks start on a block boundary (the engine sees to that).
    """
    if model.info.deterministic:
        sol = model.solve(unc.unpack(flat), params, variant, np.random.default_rng(seed))
        return np.ascontiguousarray(sol.forecast, dtype=np.float64)
    out = np.empty((flat.shape[0], unc.m))
    stop = start + flat.shape[0]
    for b in range(start // block, (stop - 1) // block + 1):
        lo, hi = max(start, b * block), min(stop, (b + 1) * block)
        part = flat[lo - start : hi - start]
        rng = _block_rng(seed, b, 1)
        out[lo - start : hi - start] = model.solve(unc.unpack(part), params, variant, rng).forecast
    return out
