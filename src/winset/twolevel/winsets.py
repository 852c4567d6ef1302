"""Win-sets: the agreements that a ratifying body, a path, or both sides prefer to the reversion.

A bloc with ideal point x and salience weights w prefers an agreement a to the reversion point q
when its salience-weighted distance to a is smaller: d(x, a) < d(x, q), with
d(x, y)^2 = sum_k w_k (x_k - y_k)^2 on the issues' normalised scales. A body ratifies when the
seats of the blocs that prefer a reach its quota. A path's win-set is the intersection of its
bodies' win-sets with its legal domain and its side's red lines; the agreement set of a pair of
paths (one per side) is the intersection of the sides' path win-sets.

One issue: exact. Each bloc's preferred set is the open interval between q and its reflection
2x - q; a body's win-set is (L, q) U (q, R), where R is the reflection of the pivotal bloc on the
right (the quota-th largest reflection, counting seats) and L likewise on the left.
Two or more issues: a dense grid over the box of the domains and red lines, with refinement of
the boundary around any optimum (:func:`refine`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from winset.twolevel.problem import BodyArrays, PathArrays, TwoLevel

__all__ = [
    "AgreementSet",
    "agreement_set",
    "body_interval",
    "body_member",
    "grid",
    "member_fn",
    "pass_probability",
    "prefers",
    "refine",
    "yes_probability",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# a bloc must prefer an agreement by more than this (squared distance) to vote for it
_STRICT = 1e-12
GRID_POINTS = 200_000  # grid size budget for two or more issues


def _sq_distance(ideal: FloatArray, weight: FloatArray, points: FloatArray) -> FloatArray:
    """Salience-weighted squared distances, (b, P), from ideal points (b, m) to points (P, m)."""
    diff = points[None, :, :] - ideal[:, None, :]
    return np.einsum("bpm,bm->bp", diff * diff, weight)


def prefers(body: BodyArrays, points: FloatArray, q: FloatArray) -> BoolArray:
    """(b, P): which blocs strictly prefer each point to q. A bloc with no salience never does."""
    da = _sq_distance(body.ideal, body.weight, points)
    dq = _sq_distance(body.ideal, body.weight, q[None, :])
    return da < dq - _STRICT


def body_member(body: BodyArrays, points: FloatArray, q: FloatArray) -> BoolArray:
    """(P,): the points the body ratifies (the seats preferring them reach the quota)."""
    seats = body.seats.astype(float) @ prefers(body, points, q)
    return seats >= body.quota


def body_interval(body: BodyArrays, q: float) -> tuple[float, float] | None:
    """One issue, exactly: the body's win-set is (lo, q) U (q, hi); None if it is empty.

    Blocs to the right of q prefer exactly the points below their reflection 2x - q, so the win
    set's right end is the reflection of the bloc at which the seats counted from the right
    reach the quota; likewise on the left.
    """
    x = body.ideal[:, 0]
    active = body.weight[:, 0] > 0
    refl = 2.0 * x - q
    hi = q
    right = active & (x > q)
    if right.any():
        order = np.argsort(-refl[right], kind="stable")
        cum = np.cumsum(body.seats[right][order])
        pivot = np.searchsorted(cum, body.quota)
        if pivot < cum.size:
            hi = float(refl[right][order][pivot])
    lo = q
    left = active & (x < q)
    if left.any():
        order = np.argsort(refl[left], kind="stable")
        cum = np.cumsum(body.seats[left][order])
        pivot = np.searchsorted(cum, body.quota)
        if pivot < cum.size:
            lo = float(refl[left][order][pivot])
    if lo >= q and hi <= q:
        return None
    return lo, hi


@dataclass(frozen=True, eq=False)
class AgreementSet:
    """The agreements a pair of paths can ratify: grid points (P, m) that belong, and a test.

    ``exact`` holds the interval of the one-issue case (q itself excluded).
    """

    points: FloatArray
    member: Callable[[FloatArray], BoolArray]
    box: tuple[FloatArray, FloatArray]
    exact: tuple[float, float] | None = None

    @property
    def empty(self) -> bool:
        """Whether no agreement can be ratified."""
        return self.points.shape[0] == 0

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        """The set's extent per issue (one issue: the exact interval's ends)."""
        if self.exact is not None:
            return np.array([self.exact[0]]), np.array([self.exact[1]])
        return self.points.min(axis=0), self.points.max(axis=0)


def grid(lo: FloatArray, hi: FloatArray, budget: int = GRID_POINTS) -> FloatArray:
    """A regular grid over the box; a dimension of zero width is one value."""
    m = lo.size
    free = int(np.sum(hi > lo))
    per = max(2, int(budget ** (1.0 / max(free, 1)))) if free else 1
    axes = [np.linspace(lo[k], hi[k], per) if hi[k] > lo[k] else lo[k : k + 1] for k in range(m)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([g.ravel() for g in mesh], axis=1)


def member_fn(
    bodies: list[BodyArrays], lo: FloatArray, hi: FloatArray, q: FloatArray
) -> Callable[[FloatArray], BoolArray]:
    """The membership test of an agreement set.

    Inside the box [lo, hi] and ratified by every body (against the reversion point q).
    """

    def member(points: FloatArray) -> BoolArray:
        ok = np.all((points >= lo - 1e-12) & (points <= hi + 1e-12), axis=1)
        for body in bodies:
            if not ok.any():
                break
            ok &= body_member(body, points, q)
        return ok

    return member


def agreement_set(
    problem: TwoLevel, pair: tuple[PathArrays, ...], budget: int = GRID_POINTS
) -> AgreementSet:
    """The agreement set of one path per side.

    Exact on one issue, sampled on more (a grid of about ``budget`` points).
    """
    lo, hi = problem.box(pair)
    q = problem.reversion
    bodies = [body for path in pair for body in path.bodies]
    member = member_fn(bodies, lo, hi, q)
    if np.any(lo > hi + 1e-12):
        return AgreementSet(np.empty((0, problem.dims)), member, (lo, hi))
    if problem.dims == 1:
        a, b = float(lo[0]), float(hi[0])
        for body in bodies:
            interval = body_interval(body, float(q[0]))
            if interval is None:
                a, b = 1.0, 0.0
                break
            a, b = max(a, interval[0]), min(b, interval[1])
        pts = np.linspace(a, b, 201)[:, None] if a <= b else np.empty((0, 1))
        pts = pts[member(pts)] if pts.size else pts
        exact = (a, b) if pts.shape[0] else None
        return AgreementSet(pts, member, (lo, hi), exact)
    pts = grid(lo, hi, budget)
    return AgreementSet(pts[member(pts)], member, (lo, hi))


def refine(
    objective: Callable[[FloatArray], FloatArray],
    aset: AgreementSet,
    levels: int = 4,
    per_dim: int = 11,
) -> FloatArray | None:
    """The member point that minimises ``objective``: best grid point, then finer local grids.

    Each level samples ``per_dim`` points per free dimension across two cells around the best
    point so far and keeps the best member; the step shrinks by (per_dim - 1) / 2 each level.
    """
    if aset.empty:
        return None
    best = aset.points[np.argmin(objective(aset.points))]
    lo, hi = aset.box
    pts = aset.points
    step = np.where(hi > lo, (pts.max(axis=0) - pts.min(axis=0)) / max(1, len(pts) ** 0.5), 0.0)
    step = np.where(hi > lo, np.maximum(step, 1e-3), 0.0)
    for _ in range(levels):
        local = grid(np.maximum(lo, best - step), np.minimum(hi, best + step), per_dim**lo.size)
        local = local[aset.member(local)]
        if local.size:
            cand = np.vstack([best[None, :], local])
            best = cand[np.argmin(objective(cand))]
        step = step * 2.0 / (per_dim - 1)
    return best


def yes_probability(body: BodyArrays, a: FloatArray, q: FloatArray, noise: float) -> FloatArray:
    """Each bloc's probability of voting for a over q: logistic in its utility gain / noise.

    The gain is d(x, q) - d(x, a) (salience-weighted distances); an indifferent bloc votes yes
    with probability 1/2.
    """
    da = np.sqrt(_sq_distance(body.ideal, body.weight, a[None, :])[:, 0])
    dq = np.sqrt(_sq_distance(body.ideal, body.weight, q[None, :])[:, 0])
    z = np.clip((dq - da) / noise, -700.0, 700.0)
    return 1.0 / (1.0 + np.exp(-z))


def pass_probability(seats: NDArray[np.int64], p: FloatArray, quota: int) -> float:
    """P(yes seats >= quota) for independent blocs, exactly, by dynamic programming over seats."""
    dist = np.zeros(int(seats.sum()) + 1)
    dist[0] = 1.0
    for s, pb in zip(seats, p, strict=True):
        s = int(s)
        moved = np.zeros_like(dist)
        moved[s:] = dist[: dist.size - s] if s else dist
        dist = dist * (1.0 - pb) + moved * pb
    return float(dist[quota:].sum())
