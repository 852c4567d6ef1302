"""Strategy search: what it would have taken for a path to ratify an agreement.

Levers searched:

* **which path**: opening each closed path alone (no one has to move);
* **bloc positions** (``lever="position"``): the smallest total move of blocs' ideal points
  (Euclidean distance on the issues' normalised scales, summed over the blocs that move) after
  which some agreement through the path can be ratified, with the red lines and the other bodies
  as they are;
* **bloc saliences** (``lever="salience"``): the same with the blocs' salience weights (on 0-1)
  instead of their positions.

For a candidate agreement a, a bloc with ideal x and weights w votes for it exactly when x lies in
the half-space sum_k w_k (q_k - a_k)(2 x_k - a_k - q_k) < 0, so its cheapest move is its distance
to that half-space. In the weights the condition sum_k w_k c_k < 0, c_k = (a_k - x_k)^2 -
(q_k - x_k)^2, is linear too: the cheapest new weights are clip(w - lambda c, 0, 1) for the
smallest lambda that satisfies it (found by bisection). Which blocs to move is a minimum-cost
cover of the quota (a knapsack solved exactly by dynamic programming over seats, for every
candidate at once); candidates are a grid over the box of the path's domain and red lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.results import Provenance, Result, frame
from winset.scenario.arrays import input_hash
from winset.scenario.schema import Scenario
from winset.twolevel.problem import BodyArrays, PathArrays, TwoLevel, build
from winset.twolevel.winsets import agreement_set, grid, prefers

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GRID_POINTS",
    "LEVERS",
    "BlocMove",
    "Strategy",
    "pair_for",
    "search",
    "search_provenance",
]

FloatArray = NDArray[np.float64]
_MARGIN = 1e-6  # how far inside the half-space a moved bloc lands
_CHUNK_CELLS = 1 << 19  # candidates x blocs per chunk of the cost and bound computations


@dataclass(frozen=True)
class BlocMove:
    """One bloc's change in the cheapest strategy: from where to where, and how far."""

    body: str
    bloc: str
    seats: int
    start: dict[str, float]
    end: dict[str, float]
    distance: float

    def to_dict(self) -> dict[str, Any]:
        """The move as in ``winset twolevel --search --json``."""
        return {
            "body": self.body,
            "bloc": self.bloc,
            "seats": self.seats,
            "from": self.start,
            "to": self.end,
            "distance": round(self.distance, 6),
        }


@dataclass(frozen=True)
class Strategy(Result):
    """The cheapest way found to make ``path`` ratify an agreement."""

    kind: ClassVar[str] = "search"

    provenance: Provenance
    feasible: bool
    agreement: dict[str, float] | None
    cost: float
    moves: tuple[BlocMove, ...]
    supporters: tuple[str, ...]
    open_paths: tuple[str, ...]
    note: str

    @property
    def path(self) -> str:
        """The path searched."""
        return str(self.provenance.settings["path"])

    @property
    def lever(self) -> str:
        """What the search could change: position or salience."""
        return str(self.provenance.settings["lever"])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of the search (``search`` in ``winset twolevel --json``)."""
        return {
            "path": self.path,
            "lever": self.lever,
            "feasible": self.feasible,
            "agreement": self.agreement,
            "cost": round(self.cost, 6) if np.isfinite(self.cost) else None,
            "metric": (
                "sum over moved blocs of the Euclidean distance on the normalised scales"
                if self.lever == "position"
                else "sum over changed blocs of the Euclidean distance of saliences / 100"
            ),
            "moves": [m.to_dict() for m in self.moves],
            "supporters": list(self.supporters),
            "paths_that_work_alone": list(self.open_paths),
            "note": self.note,
            "provenance": self.provenance.to_dict(),
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Strategy:
        """Rebuild from :meth:`to_dict` output."""
        moves = tuple(
            BlocMove(m["body"], m["bloc"], m["seats"], m["from"], m["to"], m["distance"])
            for m in data["moves"]
        )
        cost = data["cost"]
        return cls(
            provenance=Provenance.from_dict(data["provenance"], cls.kind),
            feasible=bool(data["feasible"]),
            agreement=data.get("agreement"),
            cost=float("inf") if cost is None else float(cost),
            moves=moves,
            supporters=tuple(data.get("supporters", ())),
            open_paths=tuple(data.get("paths_that_work_alone", ())),
            note=str(data.get("note", "")),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per bloc that would have to move (issue by issue)."""
        rows = [
            {
                "body": m.body,
                "bloc": m.bloc,
                "seats": m.seats,
                "issue": issue,
                "from": m.start[issue],
                "to": m.end[issue],
                "distance": m.distance,
            }
            for m in self.moves
            for issue in m.start
        ]
        columns = ["body", "bloc", "seats", "issue", "from", "to", "distance"]
        return frame(rows, columns, self.provenance)


def _halfspace_costs(body: BodyArrays, points: FloatArray, q: FloatArray) -> FloatArray:
    """(b, P): each bloc's distance to the half-space of ideal points that prefer each point.

    The half-space of a point a is n . x < o with n = 2 w (q - a), o = sum_k w_k (q_k^2 - a_k^2);
    excess and norm come from matrix products over the issues, in chunks of points, so no
    (blocs x points x issues) array is made.
    """
    out = np.empty((body.seats.size, points.shape[0]))
    w, wx, w2 = body.weight, body.weight * body.ideal, body.weight**2
    step = max(1, _CHUNK_CELLS // max(1, body.seats.size))
    for start in range(0, points.shape[0], step):
        a = points[start : start + step]
        d = q[None, :] - a
        excess = 2.0 * (d @ wx.T) - (q[None, :] ** 2 - a**2) @ w.T
        norm = 2.0 * np.sqrt(np.maximum((d * d) @ w2.T, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            cost = np.where(norm > 0, np.maximum(excess, 0.0) / norm, np.inf)
        out[:, start : start + step] = cost.T + _MARGIN
    already = prefers(body, points, q)
    out[already] = 0.0
    return out


def _cover_bounds(
    seats: NDArray[np.int64], costs: FloatArray, quota: int
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper bounds (P,) on the cheapest cover of ``quota`` seats, per candidate.

    Blocs taken by cost per seat: the fractional cover (the linear relaxation) bounds the
    cheapest cover from below; the blocs up to the one that reaches the quota are a cover, so
    their cost bounds it from above. Both are infinite when even every bloc falls short.
    """
    if quota <= 0:
        zero = np.zeros(costs.shape[1])
        return zero, zero
    lower = np.empty(costs.shape[1])
    upper = np.empty(costs.shape[1])
    s = np.maximum(seats, 0).astype(float)
    step = max(1, _CHUNK_CELLS // max(1, seats.size))
    for start in range(0, costs.shape[1], step):
        c = costs[:, start : start + step].T  # (P, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(s > 0, c / np.where(s > 0, s, 1.0), np.inf)
        order = np.argsort(ratio, axis=1, kind="stable")
        cs = np.take_along_axis(c, order, axis=1)
        ss = s[order]
        ss = np.where(np.isfinite(cs), ss, 0.0)  # a bloc that cannot move adds no seats
        cum = np.cumsum(ss, axis=1)
        last = np.argmax(cum >= quota, axis=1)  # the bloc that reaches the quota
        reach = cum[:, -1] >= quota
        paid = np.cumsum(np.where(np.isfinite(cs), cs, 0.0), axis=1)
        rows = np.arange(c.shape[0])
        before = np.where(last > 0, paid[rows, np.maximum(last - 1, 0)], 0.0)
        seats_before = np.where(last > 0, cum[rows, np.maximum(last - 1, 0)], 0.0)
        c_last, s_last = cs[rows, last], ss[rows, last]
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(s_last > 0, (quota - seats_before) / s_last, 0.0) * c_last
        lower[start : start + step] = np.where(reach, before + part, np.inf)
        upper[start : start + step] = np.where(reach, before + c_last, np.inf)
    return lower, upper


def _cover_cost(seats: NDArray[np.int64], costs: FloatArray, quota: int) -> FloatArray:
    """Minimum total cost of blocs whose seats reach ``quota``, for every candidate.

    ``costs`` is (b, P), a column per candidate: a knapsack over seats, exact, with one table
    row per candidate counting seats up to the quota (the last level holds "the quota or
    more"), updated in place bloc by bloc.
    """
    n = costs.shape[1]
    if quota <= 0:
        return np.zeros(n)
    row = np.full((n, quota + 1), np.inf)
    row[:, 0] = 0.0
    for i, s in enumerate(int(v) for v in seats):
        if s <= 0:
            continue
        s = min(s, quota)
        cost = costs[i]
        top = np.minimum(row[:, quota], row[:, quota - s :].min(axis=1) + cost)
        if s < quota:
            np.minimum(row[:, s:quota], row[:, : quota - s] + cost[:, None], out=row[:, s:quota])
        row[:, quota] = top
    best: FloatArray = row[:, quota].copy()
    return best


def _cover_choice(seats: NDArray[np.int64], costs: FloatArray, quota: int) -> NDArray[np.bool_]:
    """Which blocs the cheapest cover of one candidate (``costs`` (b,)) takes."""
    total = int(seats.sum())
    b = len(seats)
    table = np.full((b + 1, total + 1), np.inf)
    table[0, 0] = 0.0
    for i, s in enumerate(int(v) for v in seats):
        table[i + 1] = table[i]
        table[i + 1, s:] = np.minimum(table[i, s:], table[i, : total + 1 - s] + costs[i])
    level = quota + int(np.argmin(table[b, quota:]))
    chosen = np.zeros(b, dtype=bool)
    for i in range(b - 1, -1, -1):
        if table[i + 1, level] < table[i, level]:
            chosen[i] = True
            level -= int(seats[i])
    return chosen


LEVERS = ("position", "salience")


def _salience_costs(
    body: BodyArrays, points: FloatArray, q: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Costs (b, P) of the cheapest salience change making each bloc prefer each point.

    Also the new weights (b, P, m).
    """
    ideal = body.ideal[:, None, :]
    c = (points[None, :, :] - ideal) ** 2 - (q[None, None, :] - ideal) ** 2
    w = np.broadcast_to(body.weight[:, None, :], c.shape)
    target = -_MARGIN

    def g(lam: FloatArray) -> FloatArray:
        return np.sum(np.clip(w - lam[..., None] * c, 0.0, 1.0) * c, axis=2)

    reachable = np.sum(np.where(c < 0, c, 0.0), axis=2) < target
    lo = np.zeros(c.shape[:2])
    hi = np.full(c.shape[:2], 1e9)
    for _ in range(64):  # 1e9 / 2^64: far below any salience that matters
        mid = (lo + hi) / 2.0
        ok = g(mid) <= target
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    new = np.clip(w - hi[..., None] * c, 0.0, 1.0)
    cost = np.sqrt(np.sum((new - w) ** 2, axis=2))
    already = prefers(body, points, q)
    cost = np.where(already, 0.0, np.where(reachable, cost, np.inf))
    return cost, np.where(already[..., None], w, new)


GRID_POINTS = {"position": 20_000, "salience": 4_000}
"""The default number of candidate agreements per lever."""


@dataclass(frozen=True)
class _Request:
    """A search's settings as given, resolved once: every caller sees the same ones."""

    pair: tuple[PathArrays, ...]  # the path with the other sides' open (or first) paths
    path: str  # the path's own name, whatever the case and spaces it was asked by
    lever: str
    budget: int  # candidate agreements

    @classmethod
    def of(cls, problem: TwoLevel, path: str, lever: str, grid_points: int | None) -> _Request:
        """The request; an unknown lever or path is an :class:`InputError`."""
        lever = str(lever).strip().lower()
        if lever not in LEVERS:
            raise InputError(
                Problem("", "search_by", f"{lever!r} is not one of position, salience")
            )
        pair = pair_for(problem, path)
        name = next(p.name for p in pair if _same_path(p.name, path))
        return cls(pair, name, lever, grid_points or GRID_POINTS[lever])

    def provenance(self, scenario: Scenario) -> Provenance:
        """The provenance of this search of ``scenario``."""
        return Provenance(
            kind="search",
            scenario=scenario.name,
            input_hash=input_hash(scenario),
            settings={"path": self.path, "lever": self.lever, "grid": self.budget},
        )


def search_provenance(
    scenario: Scenario, path: str, lever: str = "position", grid_points: int | None = None
) -> Provenance:
    """The provenance of :func:`search` with these arguments (the run store's key).

    The path and the lever are resolved as the search resolves them, so any case of a name
    gives the same provenance.
    """
    return _Request.of(build(scenario), path, lever, grid_points).provenance(scenario)


def search(
    scenario: Scenario, path: str, *, lever: str = "position", grid_points: int | None = None
) -> Strategy:
    """The cheapest bloc moves that let ``path`` ratify an agreement (other sides as they are).

    The path is combined with the other sides' open paths (their first path if none is open).
    ``lever`` is ``position`` (move ideal points) or ``salience`` (change salience weights).
    Path names and levers are matched without regard to case or surrounding spaces;
    ``grid_points`` candidate agreements are tried (default :data:`GRID_POINTS` of the lever).
    """
    problem: TwoLevel = build(scenario)
    request = _Request.of(problem, path, lever, grid_points)
    pair, lever, budget = request.pair, request.lever, request.budget
    prov = request.provenance(scenario)
    q = problem.reversion
    lo, hi = problem.box(pair)
    open_alone = tuple(
        p.name for side in problem.sides for p in side.paths if not p.open and _works(problem, p)
    )
    if np.any(lo > hi + 1e-12):
        why = "the path's domain and the red lines leave no agreement at all"
        return Strategy(prov, False, None, np.inf, (), (), open_alone, why)
    points = grid(lo, hi, budget)
    bodies = [b for p in pair for b in p.bodies]
    lower = np.zeros(points.shape[0])
    upper = np.zeros(points.shape[0])
    picks = []
    for body in bodies:
        if lever == "position":
            costs, new_weights = _halfspace_costs(body, points, q), None
        else:
            costs, new_weights = _salience_costs(body, points, q)
        low, high = _cover_bounds(body.seats, costs, body.quota)
        lower += low
        upper += high
        picks.append((body, costs, new_weights))
    # the exact cover only for the candidates whose lower bound can beat the best upper bound
    bound = float(np.min(upper))
    keep = np.flatnonzero(lower <= bound + 1e-9 * (1.0 + abs(bound)))
    total = np.full(points.shape[0], np.inf)
    if np.isfinite(bound):
        total[keep] = 0.0
        for body, costs, _ in picks:
            total[keep] += _cover_cost(body.seats, costs[:, keep], body.quota)
    if not np.isfinite(total).any():
        why = "no movement of the blocs can make the path ratify an agreement"
        return Strategy(prov, False, None, np.inf, (), (), open_alone, why)
    best = int(np.argmin(total))
    a = points[best]
    moves, supporters = [], []
    for body, costs, new_weights in picks:
        yes = prefers(body, a[None, :], q)[:, 0]
        chosen = _cover_choice(body.seats, costs[:, best], body.quota)
        for i, bloc in enumerate(body.bloc_names):
            if yes[i]:
                supporters.append(bloc)
            if not chosen[i] or costs[i, best] == 0.0:
                continue
            if new_weights is None:
                moved = np.clip(_project(body, i, a, q), 0.0, 1.0)
                start, end = problem.named(body.ideal[i]), problem.named(moved)
            else:
                start = _saliences(problem, body.weight[i])
                end = _saliences(problem, new_weights[i, best])
            moves.append(
                BlocMove(
                    body=body.name,
                    bloc=bloc,
                    seats=int(body.seats[i]),
                    start=start,
                    end=end,
                    distance=float(costs[i, best]),
                )
            )
            supporters.append(bloc)
    moves.sort(key=lambda m: -m.distance)
    what = "move" if lever == "position" else "change their saliences"
    note = (
        f"{len(moves)} bloc(s) would have had to {what}, {float(total[best]):.3f} in all "
        f"({'normalised scale units' if lever == 'position' else 'salience / 100'})"
        if moves
        else "an agreement can be ratified as things are"
    )
    return Strategy(
        provenance=prov,
        feasible=True,
        agreement=problem.named(a),
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


def _saliences(problem: TwoLevel, weight: FloatArray) -> dict[str, float]:
    return {name: round(100.0 * float(weight[k]), 6) for k, name in enumerate(problem.issues)}


def pair_for(problem: TwoLevel, path: str) -> tuple[PathArrays, ...]:
    """The path named (any case) with the other sides' open paths (their first if none is)."""
    pair = []
    found = False
    for side in problem.sides:
        match = [p for p in side.paths if _same_path(p.name, path)]
        if match:
            pair.append(match[0])
            found = True
        else:
            opened = [p for p in side.paths if p.open]
            pair.append(opened[0] if opened else side.paths[0])
    if not found:
        known = ", ".join(p.name for s in problem.sides for p in s.paths)
        raise InputError(Problem("", "search", f"unknown path {path!r} (paths: {known})"))
    return tuple(pair)


def _same_path(name: str, asked: str) -> bool:
    """Whether the path ``name`` is the one ``asked`` for (any case, spaces around ignored)."""
    return name.lower() == asked.strip().lower()


def _works(problem: TwoLevel, path: PathArrays) -> bool:
    return not agreement_set(problem, pair_for(problem, path.name)).empty
