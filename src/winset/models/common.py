"""Helpers shared by the models: effective weights, weighted mean and median, blocks on threads.

The array functions take batched arrays: positions ``x`` of shape (B, n, m) and weights ``w``
of the same shape, and reduce over the actors axis (1), returning (B, m).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["THREADS", "effective_weights", "solve_blocks", "weighted_mean", "weighted_median"]

FloatArray = NDArray[np.float64]
T = TypeVar("T")

THREADS = os.cpu_count() or 1
"""Threads a model uses when its ``threads`` is not set: every core."""


def solve_blocks(
    solve: Callable[[int], T], batch: int, block: int, threads: int | None = None
) -> list[T]:
    """``solve(start)`` for each block of ``block`` draws of ``batch``, in the blocks' order.

    ``start`` runs over 0, block, 2 block, ... below ``batch``. The blocks are solved on up to
    ``threads`` threads (None or 0: :data:`THREADS`; NumPy releases the GIL); they must not
    depend on one another, so the results do not depend on the threads.
    """
    starts = range(0, batch, block)
    workers = min(threads or THREADS, len(starts))
    if workers <= 1:
        return [solve(start) for start in starts]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(solve, starts))


def effective_weights(
    capability: FloatArray, salience: FloatArray, present: NDArray[np.bool_]
) -> FloatArray:
    """Capability x salience per actor and issue, with a defined answer when all are zero.

    Where every present actor has zero capability x salience on an issue (nobody cares, or
    nobody can act), the capabilities alone are used; if those are zero too, every present
    actor counts equally. So no model ever divides by a zero total weight.

    ``capability`` is (B, n), ``salience`` (B, n, m), ``present`` (n, m) or (B, n, m); returns
    (B, n, m). Only the draws that need the fallback pay for it.
    """
    w = capability[:, :, None] * salience
    if present.ndim == 2 and present.shape == salience.shape[1:]:
        absent = ~present
        if absent.any():
            w[:, absent] = 0.0
    else:
        w = np.where(np.broadcast_to(present, salience.shape), w, 0.0)
    # with no negative weight, a total is positive exactly when one weight is, whatever the
    # order of the sum (einsum sums the actors axis faster than .sum(axis=1))
    if w.size == 0 or (w.min() >= 0 and np.all(np.einsum("bnm->bm", w) > 0)):
        return w
    total = w.sum(axis=1)
    bad = np.flatnonzero(~np.all(total > 0, axis=1))
    if bad.size:
        present_b = np.broadcast_to(present, salience.shape)
        w[bad] = _fallback_weights(capability[bad], present_b[bad], w[bad])
    return w


def _fallback_weights(
    capability: FloatArray, present: NDArray[np.bool_], w: FloatArray
) -> FloatArray:
    """Capabilities, then equal weights, on the issues where the weights sum to zero.

    ``present`` and ``w`` are (B, n, m), ``capability`` (B, n).
    """
    cap = np.where(present, np.broadcast_to(capability[:, :, None], w.shape), 0.0)
    equal = present.astype(float)
    w = np.where(w.sum(axis=1, keepdims=True) > 0, w, cap)
    return np.where(w.sum(axis=1, keepdims=True) > 0, w, equal)


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted mean over actors; weights must have a positive total per (draw, issue)."""
    return np.einsum("bnm,bnm->bm", w, x) / w.sum(axis=1)


def weighted_median(x: FloatArray, w: FloatArray) -> FloatArray:
    """The weighted median over actors: the Condorcet winner among the positions.

    With distance-based (single-peaked) preferences, a position beats every other in pairwise
    weighted votes exactly when no more than half of the weight lies strictly on either side
    of it. When the cumulative weight reaches exactly one half at a position, the two
    neighbouring positions tie with every point between them; the midpoint is returned.
    """
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    cum = np.cumsum(ws, axis=1)
    total = cum[:, -1:, :]
    half = total / 2.0
    tol = 1e-9 * total
    lo = np.argmax(cum >= half - tol, axis=1)[:, None, :]
    hi = np.argmax(cum > half + tol, axis=1)[:, None, :]
    x_lo = np.take_along_axis(xs, lo, axis=1)[:, 0, :]
    x_hi = np.take_along_axis(xs, hi, axis=1)[:, 0, :]
    cum_lo = np.take_along_axis(cum, lo, axis=1)[:, 0, :]
    tie = np.abs(cum_lo - half[:, 0, :]) <= tol[:, 0, :]
    return np.where(tie, (x_lo + x_hi) / 2.0, x_lo)
