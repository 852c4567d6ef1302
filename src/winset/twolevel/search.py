"""Strategy search: what would it have taken for a path to ratify an agreement?

Levers searched:

* **which path**: opening each closed path alone (no one has to move);
* **bloc positions**: the smallest total move of blocs' ideal points (Euclidean distance on the
  issues' normalised scales, summed over the blocs that move) after which some agreement
  through the path can be ratified, with the red lines and the other bodies as they are.

For a candidate agreement a, a bloc with ideal x and weights w votes for it exactly when x lies in
the half-space sum_k w_k (q_k - a_k)(2 x_k - a_k - q_k) < 0, so its cheapest move is its distance
to that half-space. Which blocs to move is a minimum-cost cover of the quota (a knapsack solved
exactly by dynamic programming over seats, for every candidate at once); candidates are a grid
over the box of the path's domain and red lines, refined around the best.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.scenario.schema import Scenario
from winset.twolevel.analyse import units as _to_units
from winset.twolevel.problem import BodyArrays, PathArrays, TwoLevel, build
from winset.twolevel.winsets import _grid, prefers

__all__ = ["Move", "Strategy", "search"]

FloatArray = NDArray[np.float64]
_MARGIN = 1e-6  # how far inside the half-space a moved bloc lands


@dataclass(frozen=True)
class Move:
    body: str
    bloc: str
    seats: int
    start: dict[str, float]
    end: dict[str, float]
    distance: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "bloc": self.bloc,
            "seats": self.seats,
            "from": self.start,
            "to": self.end,
            "distance": round(self.distance, 6),
        }


@dataclass(frozen=True)
class Strategy:
    """The cheapest way found to make ``path`` ratify an agreement."""

    path: str
    feasible: bool
    agreement: dict[str, float] | None
    cost: float
    moves: tuple[Move, ...]
    supporters: tuple[str, ...]
    open_paths: tuple[str, ...]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "feasible": self.feasible,
            "agreement": self.agreement,
            "cost": round(self.cost, 6),
            "metric": "sum over moved blocs of the Euclidean distance on the normalised scales",
            "moves": [m.to_dict() for m in self.moves],
            "supporters": list(self.supporters),
            "paths_that_work_alone": list(self.open_paths),
            "note": self.note,
        }


def _halfspace_costs(body: BodyArrays, points: FloatArray, q: FloatArray) -> FloatArray:
    """(b, P): each bloc's distance to the half-space of ideal points that prefer each point."""
    normal = 2.0 * body.weight[:, None, :] * (q[None, None, :] - points[None, :, :])  # (b, P, m)
    offset = np.einsum("bm,pm->bp", body.weight, q[None, :] ** 2 - points**2)
    excess = np.einsum("bpm,bm->bp", normal, body.ideal) - offset
    norm = np.sqrt(np.sum(normal**2, axis=2))
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = np.where(norm > 0, np.maximum(excess, 0.0) / norm, np.inf)
    already = prefers(body, points, q)
    return np.where(already, 0.0, cost + np.where(already, 0.0, _MARGIN))


def _cover(
    seats: NDArray[np.int64], costs: FloatArray, quota: int
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Minimum total cost of blocs reaching ``quota`` seats, per candidate; and the blocs chosen.

    ``costs`` is (b, P). Knapsack over seats, vectorised over candidates; the choice is recovered
    by walking the table back.
    """
    b, p = costs.shape
    total = int(seats.sum())
    table = np.full((b + 1, p, total + 1), np.inf)
    table[0, :, 0] = 0.0
    for i in range(b):
        s = int(seats[i])
        prev = table[i]
        take = np.full_like(prev, np.inf)
        take[:, s:] = prev[:, : total + 1 - s] + costs[i][:, None]
        table[i + 1] = np.minimum(prev, take)
    reach = table[b][:, quota:]
    best = reach.min(axis=1)
    chosen = np.zeros((b, p), dtype=bool)
    level = quota + np.argmin(reach, axis=1)
    for i in range(b - 1, -1, -1):
        s = int(seats[i])
        took = np.isfinite(best) & (
            table[i + 1, np.arange(p), level] < table[i, np.arange(p), level]
        )
        chosen[i] = took
        level = np.where(took, level - s, level)
    return best, chosen


def search(scenario: Scenario, path: str, *, grid_points: int = 20_000) -> Strategy:
    """The cheapest bloc moves that let ``path`` ratify an agreement (other sides as they are).

    The path is combined with the other sides' open paths (their first path if none is open).
    """
    problem: TwoLevel = build(scenario)
    pair = _pair_for(problem, path)
    q = problem.reversion
    lo, hi = problem.box(pair)
    open_alone = tuple(
        p.name for side in problem.sides for p in side.paths if not p.open and _works(problem, p)
    )
    if np.any(lo > hi + 1e-12):
        why = "the path's domain and the red lines leave no agreement at all"
        return Strategy(path, False, None, np.inf, (), (), open_alone, why)
    points = _grid(lo, hi, grid_points)
    bodies = [b for p in pair for b in p.bodies]
    total = np.zeros(points.shape[0])
    picks = []
    for body in bodies:
        costs = _halfspace_costs(body, points, q)
        cost, chosen = _cover(body.seats, costs, body.quota)
        total += cost
        picks.append((body, costs, chosen))
    if not np.isfinite(total).any():
        why = "no movement of the blocs can make the path ratify an agreement"
        return Strategy(path, False, None, np.inf, (), (), open_alone, why)
    best = int(np.argmin(total))
    a = points[best]
    moves, supporters = [], []
    for body, costs, chosen in picks:
        yes = prefers(body, a[None, :], q)[:, 0]
        for i, bloc in enumerate(body.bloc_names):
            if yes[i]:
                supporters.append(bloc)
            if not chosen[i, best] or costs[i, best] == 0.0:
                continue
            moved = np.clip(_project(body, i, a, q), 0.0, 1.0)
            moves.append(
                Move(
                    body=body.name,
                    bloc=bloc,
                    seats=int(body.seats[i]),
                    start=_to_units(problem, body.ideal[i]),
                    end=_to_units(problem, moved),
                    distance=float(costs[i, best]),
                )
            )
            supporters.append(bloc)
    moves.sort(key=lambda m: -m.distance)
    note = (
        f"{len(moves)} bloc(s) would have had to move, {float(total[best]):.3f} in all "
        "(normalised scale units)"
        if moves
        else "an agreement can be ratified as things are"
    )
    return Strategy(
        path=path,
        feasible=True,
        agreement=_to_units(problem, a),
        cost=float(total[best]),
        moves=tuple(moves),
        supporters=tuple(dict.fromkeys(supporters)),
        open_paths=open_alone,
        note=note,
    )


def _project(body: BodyArrays, i: int, a: FloatArray, q: FloatArray) -> FloatArray:
    """Bloc i's ideal point moved the shortest way into the half-space preferring a to q."""
    w, x = body.weight[i], body.ideal[i]
    normal = 2.0 * w * (q - a)
    offset = float(np.sum(w * (q**2 - a**2)))
    norm2 = float(np.sum(normal**2))
    excess = float(normal @ x) - offset
    if excess <= -_MARGIN or norm2 == 0:
        return x
    return x - (excess + _MARGIN * np.sqrt(norm2)) / norm2 * normal


def _pair_for(problem: TwoLevel, path: str) -> tuple[PathArrays, ...]:
    pair = []
    found = False
    for side in problem.sides:
        match = [p for p in side.paths if p.name == path]
        if match:
            pair.append(match[0])
            found = True
        else:
            opened = [p for p in side.paths if p.open]
            pair.append(opened[0] if opened else side.paths[0])
    if not found:
        known = ", ".join(p.name for s in problem.sides for p in s.paths)
        raise InputError(Problem("", "--search", f"unknown path {path!r} (paths: {known})"))
    return tuple(pair)


def _works(problem: TwoLevel, path: PathArrays) -> bool:
    from winset.twolevel.winsets import agreement_set

    return not agreement_set(problem, _pair_for(problem, path.name)).empty
