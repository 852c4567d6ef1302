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
order, from one generator seeded with ``SeedSequence(s, spawn_key=(b, 0))`` (:func:`block_rng`).
A block is always drawn whole, so draw ``i`` has the same values whatever chunk or worker
computes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.models.base import Inputs, Model
from winset.scenario.arrays import ScenarioArrays

__all__ = [
    "DISTRIBUTIONS",
    "SOLVE_ROWS",
    "Uncertainty",
    "block_rng",
    "check_distribution",
    "solve_draws",
    "solve_rows",
]

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


def block_rng(seed: int, block: int, stream: int = 0) -> np.random.Generator:
    """The generator of one block of draws (``stream`` separates uses within a block).

    Stream 0 draws the block's uncertain values, stream 1 a stochastic model's random numbers.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, stream)))


def _block_spans(start: int, stop: int, block: int) -> Iterator[tuple[int, int, int]]:
    """``(b, lo, hi)`` for each block ``b`` of ``block`` draws that draws ``start..stop-1`` touch.

    ``lo..hi-1`` are the draws of the range in block ``b`` (the block is ``b * block`` onwards).
    """
    for b in range(start // block, (stop - 1) // block + 1):
        yield b, max(start, b * block), min(stop, (b + 1) * block)


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

    @cached_property
    def _bounds(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """low, high, high - low and the stated value of the uncertain entries."""
        lo, hi = self.low[self.index], self.high[self.index]
        return lo, hi, hi - lo, self.value[self.index]

    @cached_property
    def _runs(self) -> tuple[tuple[slice, slice], ...]:
        """(packed columns, sample columns) of each run of consecutive uncertain entries."""
        runs: list[tuple[slice, slice]] = []
        first = 0
        for k in range(1, self.size + 1):
            if k == self.size or self.index[k] != self.index[k - 1] + 1:
                col = int(self.index[first])
                runs.append((slice(col, col + k - first), slice(first, k)))
                first = k
        return tuple(runs)

    def _fill(self, out: FloatArray, rng: np.random.Generator, distribution: str) -> None:
        """Draw a whole block of uncertain values into ``out`` (rows, size), C-contiguous.

        The values are those of ``lo + u * (hi - lo)`` (uniform), the triangular inverse CDF,
        or the truncated normal of the module docstring, computed in place where possible.
        """
        lo, hi, width, mode = self._bounds
        if distribution == "normal":
            out[...] = self._normal(rng, out.shape[0])
            return
        rng.random(out=out)
        if distribution == "triangular":
            out[...] = _triangular(out, lo, mode, hi)
            return
        np.multiply(out, width, out=out)
        np.add(out, lo, out=out)  # lo + u * (hi - lo): addition is commutative, so identical

    def _normal(self, rng: np.random.Generator, rows: int) -> FloatArray:
        lo, hi, _, mode = self._bounds
        sd = (hi - lo) / 4.0
        x = mode + sd * rng.standard_normal((rows, self.size))
        bad = (x < lo) | (x > hi)
        while bad.any():
            cols = np.nonzero(bad)[1]
            x[bad] = mode[cols] + sd[cols] * rng.standard_normal(cols.size)
            bad = (x < lo) | (x > hi)
        return x

    def _block(self, seed: int, block: int, rows: int, distribution: str) -> FloatArray:
        """All uncertain values of one whole block: (rows, size)."""
        out = np.empty((rows, self.size))
        self._fill(out, block_rng(seed, block), distribution)
        return out

    def _blocks(
        self, seed: int, start: int, stop: int, distribution: str, block: int
    ) -> Iterator[tuple[int, int, FloatArray]]:
        """``(lo, hi, values)`` for each block that draws ``start..stop-1`` touch.

        ``values`` are the uncertain values of draws ``lo..hi-1``; each block is drawn whole
        (one buffer reused from block to block, so the values are valid until the next step).
        """
        buffer = np.empty((block, self.size))
        for b, lo, hi in _block_spans(start, stop, block):
            b0 = b * block
            self._fill(buffer, block_rng(seed, b), distribution)
            yield lo, hi, buffer[lo - b0 : hi - b0]

    def sample(self, seed: int, start: int, stop: int, distribution: str, block: int) -> FloatArray:
        """The uncertain values of draws ``start..stop-1``: shape (stop - start, size).

        Each block of ``block`` draws that the range touches is drawn whole (see the module
        docstring), so the values do not depend on how the draws are split.
        """
        out = np.empty((stop - start, self.size))
        for b, lo, hi in _block_spans(start, stop, block):
            b0 = b * block
            if lo == b0 and hi == b0 + block:  # a whole block: drawn straight into place
                self._fill(out[lo - start : hi - start], block_rng(seed, b), distribution)
            else:
                values = self._block(seed, b, block, distribution)
                out[lo - start : hi - start] = values[lo - b0 : hi - b0]
        return out

    def rows(self, samples: FloatArray) -> FloatArray:
        """Whole packed input vectors for a batch of drawn values (one row per draw)."""
        flat = np.empty((samples.shape[0], self.value.size))
        flat[...] = self.value
        self._place(flat, samples)
        return flat

    def _place(self, flat: FloatArray, samples: FloatArray) -> None:
        """Write drawn values into their columns of packed rows (by runs of columns)."""
        for dst, src in self._runs:
            flat[:, dst] = samples[:, src]

    def draw_rows(
        self, seed: int, start: int, stop: int, distribution: str, block: int
    ) -> FloatArray:
        """Packed input rows of draws ``start..stop-1``: ``rows(sample(...))``, in one pass."""
        flat = np.empty((stop - start, self.value.size))
        flat[...] = self.value
        for lo, hi, values in self._blocks(seed, start, stop, distribution, block):
            self._place(flat[lo - start : hi - start], values)
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


SOLVE_ROWS = 4096
"""Rows a deterministic model solves at once: large enough for its batch axis, small enough
for its temporaries to stay in the processor's cache (its results do not depend on it)."""


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

    A deterministic model solves the rows in batches of :data:`SOLVE_ROWS` (its results do not
    depend on the batch). A stochastic model solves each block of ``block`` rows with the
    block's own generator (``SeedSequence(seed, spawn_key=(b, 1))``), so its draws too are the
    same however the rows are split, as long as chunks start on a block boundary (the engine
    sees to that).
    """
    rows = flat.shape[0]
    out = np.empty((rows, unc.m))
    if not model.uses_random(params, variant):
        rng = np.random.default_rng(seed)
        for lo in range(0, rows, SOLVE_ROWS):
            part = flat[lo : lo + SOLVE_ROWS]
            out[lo : lo + part.shape[0]] = model.solve(
                unc.unpack(part), params, variant, rng
            ).forecast
        return out
    for b, lo, hi in _block_spans(start, start + rows, block):
        part = flat[lo - start : hi - start]
        rng = block_rng(seed, b, 1)
        out[lo - start : hi - start] = model.solve(unc.unpack(part), params, variant, rng).forecast
    return out


def solve_draws(
    model: Model,
    unc: Uncertainty,
    params: Mapping[str, Any],
    variant: str,
    seed: int,
    start: int,
    stop: int,
    distribution: str,
    block: int,
) -> FloatArray:
    """A model's normalised forecasts (stop - start, m) of draws ``start..stop-1``.

    ``solve_rows(draw_rows(...))``, a few blocks at a time so that the packed rows and the
    model's temporaries stay small (the pieces end on block boundaries, so no block is drawn
    twice and a stochastic model's blocks are never split).
    """
    out = np.empty((stop - start, unc.m))
    step = max(block, SOLVE_ROWS // block * block)
    lo = start
    while lo < stop:
        hi = min(stop, (lo // step + 1) * step)
        rows = unc.draw_rows(seed, lo, hi, distribution, block)
        out[lo - start : hi - start] = solve_rows(
            model, unc, rows, params, variant, seed, lo, block
        )
        lo = hi
    return out
