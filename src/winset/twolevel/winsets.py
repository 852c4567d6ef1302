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
Two or more issues: a dense grid over the part of the box of domains and red lines where every
body's win-set can lie (:func:`feasible_box`), exact on the line when all issues but one are
pinned, with refinement of the optimum from several of the best grid points (:func:`refine`).
Membership is tested in chunks of points, the bodies in the order that rejects points soonest,
so memory stays bounded whatever the blocs and issues.
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
    "body_box",
    "body_interval",
    "body_member",
    "feasible_box",
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
_CHUNK_CELLS = 1 << 19  # points x blocs per chunk of a membership test (4 MiB of float64)
_LINE_POINTS = 4_001  # the most grid points on one free issue (refinement does the rest)
_PROBE = 512  # points on which each body's cut is measured, to order the tests


def _gain(body: BodyArrays, points: FloatArray, q: FloatArray) -> FloatArray:
    """(P, b): d(x, a)^2 - d(x, q)^2 of every bloc for points a (P, m); < 0: a is nearer.

    Computed as sum_k w_k (a_k - q_k)(a_k + q_k - 2 x_k), two matrix products, so no
    (blocs x points x issues) array is ever made.
    """
    diff = points - q
    return (diff * (points + q)) @ body.weight.T - 2.0 * (diff @ (body.weight * body.ideal).T)


def _sq_distance(ideal: FloatArray, weight: FloatArray, points: FloatArray) -> FloatArray:
    """Salience-weighted squared distances, (b, P), from ideal points (b, m) to a few points."""
    diff = points[None, :, :] - ideal[:, None, :]
    return np.einsum("bpm,bm->bp", diff * diff, weight)


def prefers(body: BodyArrays, points: FloatArray, q: FloatArray) -> BoolArray:
    """(b, P): which blocs strictly prefer each point to q. A bloc with no salience never does."""
    out = np.empty((body.seats.size, points.shape[0]), dtype=bool)
    step = max(1, _CHUNK_CELLS // max(1, body.seats.size))
    for start in range(0, points.shape[0], step):
        out[:, start : start + step] = (_gain(body, points[start : start + step], q) < -_STRICT).T
    return out


def body_member(body: BodyArrays, points: FloatArray, q: FloatArray) -> BoolArray:
    """(P,): the points the body ratifies (the seats preferring them reach the quota).

    Evaluated in chunks of points, so memory stays bounded whatever the blocs and issues.
    """
    out = np.empty(points.shape[0], dtype=bool)
    if body.seats.size == 1:
        enough = int(body.seats[0]) >= body.quota
        for start in range(0, points.shape[0], _CHUNK_CELLS):
            gain = _gain(body, points[start : start + _CHUNK_CELLS], q)[:, 0]
            out[start : start + _CHUNK_CELLS] = (gain < -_STRICT) & enough
        return out
    seats = body.seats.astype(float)
    step = max(1, _CHUNK_CELLS // body.seats.size)
    for start in range(0, points.shape[0], step):
        yes = _gain(body, points[start : start + step], q) < -_STRICT
        out[start : start + step] = yes @ seats >= body.quota
    return out


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


def body_box(body: BodyArrays, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    """A box that holds the body's whole win-set (lo > hi somewhere: the win-set is empty).

    Bloc b prefers exactly the points of the ellipsoid sum_k w_k (a_k - x_k)^2 < R_b^2, R_b^2 =
    sum_k w_k (q_k - x_k)^2, whose extent on issue k is x_k +- R_b / sqrt(w_k) (unbounded where
    w_k = 0). A ratified point lies in the ellipsoids of blocs holding the quota, so on each
    issue it lies below the upper ends of such blocs: below the end at which the seats counted
    from the highest end reach the quota; likewise above a lower end.
    """
    m = q.size
    lo, hi = np.full(m, -np.inf), np.full(m, np.inf)
    if body.quota <= 0:
        return lo, hi  # a body that needs no seats ratifies everything
    r2 = np.einsum("bm,bm->b", body.weight, (q[None, :] - body.ideal) ** 2)
    live = r2 > _STRICT  # a bloc as near q as that prefers nothing
    with np.errstate(divide="ignore", invalid="ignore"):
        reach = np.sqrt(r2)[:, None] / np.sqrt(body.weight)  # w = 0: unbounded
    seats = body.seats[live]
    if seats.sum() < body.quota:
        return np.full(m, np.inf), np.full(m, -np.inf)
    for k in range(m):
        top = body.ideal[live, k] + reach[live, k]
        order = np.argsort(-top, kind="stable")
        pivot = int(np.searchsorted(np.cumsum(seats[order]), body.quota))
        hi[k] = top[order][pivot]
        bottom = body.ideal[live, k] - reach[live, k]
        order = np.argsort(bottom, kind="stable")
        pivot = int(np.searchsorted(np.cumsum(seats[order]), body.quota))
        lo[k] = bottom[order][pivot]
    return lo, hi


@dataclass(frozen=True, eq=False)
class AgreementSet:
    """The agreements a pair of paths can ratify: grid points (P, m) that belong, and a test.

    ``exact`` holds the interval of the one-issue case (q itself excluded). ``box`` is the box
    of the domains and red lines; ``step`` the grid's spacing per issue (0 where the issue is
    fixed), from which :func:`refine` starts. When all issues but one are pinned, ``line`` holds
    the point the set lies on, the free issue and the exact open intervals of the set on it.
    """

    points: FloatArray
    member: Callable[[FloatArray], BoolArray]
    box: tuple[FloatArray, FloatArray]
    exact: tuple[float, float] | None = None
    step: FloatArray | None = None
    line: tuple[FloatArray, int, tuple[tuple[float, float], ...]] | None = None

    @property
    def empty(self) -> bool:
        """Whether no agreement can be ratified."""
        return self.points.shape[0] == 0

    def bounds(self) -> tuple[FloatArray, FloatArray]:
        """The set's extent per issue (one issue: the exact interval's ends)."""
        if self.exact is not None:
            return np.array([self.exact[0]]), np.array([self.exact[1]])
        if self.line is not None:
            base, k, intervals = self.line
            lo, hi = base.copy(), base.copy()
            lo[k], hi[k] = intervals[0][0], intervals[-1][1]
            return lo, hi
        return self.points.min(axis=0), self.points.max(axis=0)


def grid(lo: FloatArray, hi: FloatArray, budget: int = GRID_POINTS) -> FloatArray:
    """A regular grid over the box; a dimension of zero width is one value."""
    return _grid(lo, hi, budget)[0]


def _grid(lo: FloatArray, hi: FloatArray, budget: int) -> tuple[FloatArray, FloatArray]:
    """The grid of :func:`grid` and its spacing per dimension (0 where the width is 0)."""
    m = lo.size
    free = int(np.sum(hi > lo))
    per = max(2, int(round(budget ** (1.0 / max(free, 1)), 9))) if free else 1
    if free == 1:
        per = min(per, _LINE_POINTS)
    axes = [np.linspace(lo[k], hi[k], per) if hi[k] > lo[k] else lo[k : k + 1] for k in range(m)]
    mesh = np.meshgrid(*axes, indexing="ij")
    step = np.where(hi > lo, (hi - lo) / max(1, per - 1), 0.0)
    return np.stack([g.ravel() for g in mesh], axis=1), step


def _cost_of_tests(bodies: list[BodyArrays], probe: FloatArray, q: FloatArray) -> list[int]:
    """The order in which to test the bodies: cheapest per point rejected first.

    Each body's share of rejected points is measured on a small probe; a test that costs c
    (its blocs) and passes a share p of points comes before one that costs c' and passes p'
    when c / (1 - p) < c' / (1 - p') (the classic order of independent filters).
    """
    if len(bodies) <= 1 or probe.shape[0] == 0:
        return list(range(len(bodies)))
    keys = []
    for i, body in enumerate(bodies):
        passed = float(np.mean(body_member(body, probe, q)))
        keys.append((body.seats.size / max(1e-9, 1.0 - passed), i))
    return [i for _, i in sorted(keys)]


def member_fn(
    bodies: list[BodyArrays], lo: FloatArray, hi: FloatArray, q: FloatArray
) -> Callable[[FloatArray], BoolArray]:
    """The membership test of an agreement set.

    Inside the box [lo, hi] and ratified by every body (against the reversion point q). The
    bodies are tested in the order that rejects points soonest for the least work, each only on
    the points that every earlier body ratified (so a veto player's rejections are never
    counted again by a legislature).
    """
    probe = grid(lo, np.maximum(lo, hi), _PROBE) if np.all(hi >= lo) else np.empty((0, lo.size))
    order = [bodies[i] for i in _cost_of_tests(bodies, probe, q)]

    def member(points: FloatArray) -> BoolArray:
        ok = np.all((points >= lo - 1e-12) & (points <= hi + 1e-12), axis=1)
        for body in order:
            idx = np.flatnonzero(ok)
            if idx.size == 0:
                break
            ok[idx] = body_member(body, points[idx], q)
        return ok

    return member


def feasible_box(
    bodies: list[BodyArrays], lo: FloatArray, hi: FloatArray, q: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The box [lo, hi] cut down to the boxes that hold every body's win-set."""
    for body in bodies:
        b_lo, b_hi = body_box(body, q)
        lo, hi = np.maximum(lo, b_lo - 1e-9), np.minimum(hi, b_hi + 1e-9)
    # an issue the box pins (within rounding) is one value: its grid does not spread
    pinned = (hi >= lo) & (hi - lo <= 1e-9)
    mid = (lo + hi) / 2.0
    return np.where(pinned, mid, lo), np.where(pinned, mid, hi)


Intervals = list[tuple[float, float]]


def _bloc_intervals(body: BodyArrays, base: FloatArray, k: int, q: FloatArray) -> Intervals:
    """Each bloc's open interval of preferred points on the line through ``base`` along issue k.

    On the line a_k = t the gain is w_k (t - q_k)(t + q_k - 2 x_k) + C, C the other issues'
    part: a quadratic in t, negative (preferred) between its roots. A bloc with no salience on
    k prefers every point of the line or none.
    """
    rest = np.delete(np.arange(base.size), k)
    d = base[rest] - q[rest]
    c = (
        body.weight[:, rest] * (d * (base[rest] + q[rest])[None, :] - 2.0 * d * body.ideal[:, rest])
    ).sum(axis=1)
    w, x = body.weight[:, k], body.ideal[:, k]
    out: Intervals = []
    for b in range(body.seats.size):
        const = w[b] * q[k] * (2.0 * x[b] - q[k]) + c[b] + _STRICT
        if w[b] > 0:
            disc = x[b] ** 2 - const / w[b]
            out.append((x[b] - np.sqrt(disc), x[b] + np.sqrt(disc)) if disc > 0 else (1.0, -1.0))
        else:
            out.append((-np.inf, np.inf) if const < 0 else (1.0, -1.0))
    return [(float(a), float(b)) for a, b in out]


def _body_line(body: BodyArrays, base: FloatArray, k: int, q: FloatArray) -> Intervals:
    """The open intervals of the line where the seats preferring a point reach the quota."""
    if body.quota <= 0:
        return [(-np.inf, np.inf)]
    events = []
    for (a, b), seats in zip(_bloc_intervals(body, base, k, q), body.seats, strict=True):
        if a < b:
            events += [(a, 1, int(seats)), (b, 0, -int(seats))]  # at a tie, ends come first
    events.sort()
    out: Intervals = []
    count, start = 0, 0.0
    for t, _, change in events:
        before = count
        count += change
        if before < body.quota <= count:
            start = t
        elif count < body.quota <= before and t > start:
            out.append((start, t))
    return out


def _intersect(a: Intervals, b: Intervals) -> Intervals:
    """The intersection of two sorted unions of open intervals."""
    out: Intervals = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _line_set(
    bodies: list[BodyArrays],
    base: FloatArray,
    k: int,
    lo: float,
    hi: float,
    q: FloatArray,
    member: Callable[[FloatArray], BoolArray],
    budget: int,
) -> tuple[FloatArray, FloatArray, Intervals]:
    """Points, spacing and exact intervals of a set on one free issue (the others pinned)."""
    intervals: Intervals = [(lo - 1e-12, hi + 1e-12)]
    for body in bodies:
        intervals = _intersect(intervals, _body_line(body, base, k, q))
        if not intervals:
            break
    intervals = [(max(a, lo), min(b, hi)) for a, b in intervals if min(b, hi) > max(a, lo)]
    if not intervals:
        return np.empty((0, base.size)), np.zeros(base.size), []
    total = sum(b - a for a, b in intervals)
    per = min(budget, _LINE_POINTS)
    parts, gaps = [], []
    for a, b in intervals:
        count = max(3, int(per * (b - a) / total))
        parts.append(a + (b - a) * (np.arange(count) + 0.5) / count)
        gaps.append((b - a) / count)
    t = np.concatenate(parts)
    pts = np.repeat(base[None, :], t.size, axis=0)
    pts[:, k] = t
    step = np.zeros(base.size)
    step[k] = min(gaps)
    return pts[member(pts)], step, intervals


def agreement_set(
    problem: TwoLevel, pair: tuple[PathArrays, ...], budget: int = GRID_POINTS
) -> AgreementSet:
    """The agreement set of one path per side.

    Exact on one issue, sampled on more: a grid of about ``budget`` points over the part of the
    box of domains and red lines where every body's win-set can lie (an issue pinned there is
    one value, so the grid spreads over the other issues only).
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
    f_lo, f_hi = feasible_box(bodies, lo, hi, q)
    if np.any(f_lo > f_hi):
        return AgreementSet(np.empty((0, problem.dims)), member, (lo, hi))
    free = np.flatnonzero(f_hi > f_lo)
    if free.size == 1:
        # every issue but one pinned: the set on that line, exactly
        k = int(free[0])
        base = f_lo.copy()
        pts, step, intervals = _line_set(
            bodies, base, k, float(f_lo[k]), float(f_hi[k]), q, member, budget
        )
        line = (base, k, tuple(intervals)) if pts.shape[0] else None
        return AgreementSet(pts, member, (lo, hi), step=step, line=line)
    pts, step = _grid(f_lo, f_hi, budget)
    return AgreementSet(pts[member(pts)], member, (lo, hi), step=step)


def _per_dim(free: int) -> int:
    """Points per free issue of a local grid in :func:`refine`."""
    return {1: 21, 2: 11, 3: 7}.get(free, 5)


def _starts(values: FloatArray, points: FloatArray, step: FloatArray, count: int) -> list[int]:
    """Up to ``count`` indices of the best points, each at least two grid steps from the others.

    Starting the refinement from several separate good points finds an optimum that the single
    best grid point would miss (another part of the set, or the other side of a corner).
    """
    order = np.argsort(values, kind="stable")
    scale = np.where(step > 0, step, 1.0)
    chosen: list[int] = []
    for i in order[: max(count * 64, count)]:
        if not np.isfinite(values[i]):
            break
        if all(np.max(np.abs(points[i] - points[j]) / scale) >= 2.0 for j in chosen):
            chosen.append(int(i))
            if len(chosen) == count:
                break
    return chosen or [int(order[0])]


def refine(
    objective: Callable[[FloatArray], FloatArray],
    aset: AgreementSet,
    levels: int = 40,
    per_dim: int | None = None,
    starts: int = 6,
    shrink: float = 2.0,
) -> FloatArray | None:
    """The member point that minimises ``objective``: the best grid points, then finer grids.

    From each of ``starts`` good grid points (apart from each other), local grids of
    ``per_dim`` points per free issue (by default 21, 11, 7 and 5 for one to four free issues)
    are laid across two grid steps on each side of the best point so far; the window keeps its
    size while the best point moves, else shrinks by ``shrink``, for at most ``levels`` rounds
    or until it is below 1e-9 of the scale. The best point over all starts wins (ties: the
    first found).
    """
    if aset.empty:
        return None
    lo, hi = aset.box
    pts = aset.points
    values = objective(pts)
    if aset.step is not None:
        step = aset.step
    else:
        spread = pts.max(axis=0) - pts.min(axis=0)
        step = np.where(hi > lo, np.maximum(spread / max(1.0, len(pts) ** 0.5), 1e-3), 0.0)
    free = int(np.sum(step > 0))
    if free == 0:
        return pts[int(np.argmin(values))]
    k = per_dim or _per_dim(free)
    # a local grid of k points per free issue on [-1, 1], scaled by the window each round
    axes = [np.linspace(-1.0, 1.0, k) if step[d] > 0 else np.zeros(1) for d in range(step.size)]
    unit = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    # and as many points again at random in the window (a fixed sequence): they find the way
    # along a ridge where two boundaries meet, which no grid direction follows
    extra = np.random.default_rng(0).uniform(-1.0, 1.0, (unit.shape[0], step.size)) * (step > 0)
    unit = np.vstack([unit, extra])
    best, best_value = pts[int(np.argmin(values))], float(np.min(values))
    for i in _starts(values, pts, step, starts):
        point, value = pts[i], float(values[i])
        window = 2.0 * step
        for _ in range(levels):
            local = np.clip(point + unit * window, lo, hi)  # a bound itself is a candidate
            local = local[aset.member(local)]
            far = False
            if local.size:
                vals = objective(local)
                j = int(np.argmin(vals))
                if vals[j] < value:
                    # a move of a quarter of the window or more keeps the window's size
                    moved = np.abs(local[j] - point)
                    far = bool(np.any((window > 0) & (moved >= window / 4.0 - 1e-15)))
                    point, value = local[j], float(vals[j])
            if not far:
                window = window / shrink
                if np.max(window) < 1e-9:
                    break
        if value < best_value:
            best, best_value = point, value
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
