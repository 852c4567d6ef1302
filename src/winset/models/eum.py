"""Bueno de Mesquita's expected utility model (EUM), in two documented variants.

Every actor i has a position x_i, a capability c_i and a salience s_i on an issue. In each round
every actor weighs, against every other actor j, what it expects from challenging j and from
being challenged by j, and moves if it expects to lose: all the way to x_j (a lost confrontation,
or a capitulation) or part of the way (a compromise). All actors move at once; the forecast is
the median voter position (the capability x salience weighted median) after the last round.

Variants (the theory page, docs/models/eum.md, gives every formula and choice):

``scholz-code``
    The public reconstruction by Scholz, Calbert & Smith (2011) as their program computes it,
    quirks included: distances scaled by the initial spread of positions; the probability that
    x_i beats x_j is the support for x_i divided by the support summed over every voter and every
    ordered pair of positions (so the two sides' probabilities do not sum to one); the perceiver's
    own risk exponent evaluates both directions of a dyad; the (1 - Q) term is dropped; a lost
    confrontation beats a compromise; ties go to the actor listed first.
``paper``
    The paper's equations: probabilities of success that sum to one within each dyad; the Q and T
    terms of the expected utility of a challenge; the capitulation region; i's own expected
    utility of challenging j evaluated with i's risk exponent, j's of challenging i with j's;
    distances on the issue's scale; an actor takes the offer that moves it least (ties: the lower
    position), so the variant does not depend on the order of the actors.

Everything is vectorised over a leading batch axis of input draws and over actors; the only
Python loops are over rounds and issues. The support for x_i against x_j sums over voters on
x_i's side of the midpoint, which prefix sums over voters sorted by position give for all pairs
in O(n^2 log n); the scholz-code denominator (n^3 terms) is a sum of sorted-order weights,
also O(n^2 log n).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.models.base import Inputs, Model, ModelInfo, Move, Parameter, RoundArrays, Solution
from winset.models.common import (
    effective_weights,
    solve_blocks,
    weighted_mean,
    weighted_median,
)

__all__ = ["KINDS", "EUMModel", "risk_exponents", "support"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# Expected utilities lie in [-4, 4]; differences below this count as ties, so that rounding
# noise (from summing in another order, or scaling every capability) never decides a move.
_TIE = 1e-12
KINDS = ("confrontation", "compromise", "capitulation")

# Draws are solved in blocks of about this many actor pairs (draws x n x n), a size whose
# arrays stay in the processor's cache, on up to ``threads`` threads (NumPy releases the GIL).
_BLOCK_CELLS = 100_000


def _pairwise_distance(x: FloatArray, scale: FloatArray) -> FloatArray:
    """|x_a - x_b| / R for every ordered pair, clipped to [0, 1]: (B, n, n)."""
    d = x[:, :, None] - x[:, None, :]
    np.abs(d, out=d)
    np.divide(d, scale[:, None, None], out=d)
    return np.minimum(d, 1.0, out=d)


def _powered(d: FloatArray, r: FloatArray | None) -> FloatArray:
    """D ** r with r broadcast from (B, n) over the last axis's rows; r None means 1."""
    return d if r is None else d ** r[:, :, None]


def _voters_below(xs: FloatArray, mid: FloatArray) -> NDArray[np.intp]:
    """For each midpoint, how many voters (sorted positions ``xs``) lie strictly below it.

    Exact for any number of voters: a voter exactly at a midpoint never counts as below it.
    """
    batch, n = xs.shape
    if n <= 32:
        # few voters: n comparisons of (B, n, n) arrays beat a search
        count = np.zeros(mid.shape, dtype=np.intp)
        less = np.empty(mid.shape, dtype=bool)
        for k in range(n):
            np.less(xs[:, k, None, None], mid, out=less)
            count += less
        return count
    # many voters: sort each draw's midpoints together with its voters; a stable sort keeps a
    # midpoint before a voter of the same value, so the voters before a midpoint are exactly
    # those strictly below it
    cells = n * n
    values = np.concatenate([mid.reshape(batch, cells), xs], axis=1)
    order = np.argsort(values, axis=1, kind="stable")
    voters_so_far = np.cumsum(order >= cells, axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(cells + n)[None, :], axis=1)
    return np.take_along_axis(voters_so_far, rank[:, :cells], axis=1).reshape(batch, n, n)


class _Geometry:
    """What every sum over voters of one round shares: the order of the positions.

    ``rows`` gathers the voters of a (B, n, n) array [k, a] in position order; ``at_j`` and
    ``at_i`` index the flattened prefix sums (B, n + 1, n) at the voters below each pair's
    midpoint; ``less`` is x_i < x_j. Everything here is an exact index or comparison.
    """

    def __init__(self, x: FloatArray) -> None:
        batch, n = x.shape
        self.shape = (batch, n)
        order = np.argsort(x, axis=1, kind="stable")
        xs = np.take_along_axis(x, order, axis=1)
        mid = x[:, :, None] + x[:, None, :]
        mid /= 2.0
        below = _voters_below(xs, mid)
        base = (np.arange(batch) * ((n + 1) * n))[:, None, None] + below * n
        cols = np.arange(n)
        self.at_j = (base + cols[None, None, :]).ravel()
        self.at_i = (base + cols[None, :, None]).ravel()
        self.rows = (order + (np.arange(batch) * n)[:, None]).ravel()
        self.less = x[:, :, None] < x[:, None, :]


def support(
    x: FloatArray,
    d: FloatArray,
    w: FloatArray,
    r: FloatArray | None,
    *,
    geometry: _Geometry | None = None,
    powered: FloatArray | None = None,
) -> FloatArray:
    """Support for x_i against x_j: sum over voters k of max(0, w_k (d_kj^r_k - d_ki^r_k)).

    Shapes: x, w, r (B, n) (r None: every exponent 1); d (B, n, n) the scaled distances
    |x_a - x_b| / R. Returns (B, n, n), entry
    [i, j]. A voter supports x_i exactly when it is nearer to x_i than to x_j, that is, on x_i's
    side of their midpoint, so the sum is a difference of prefix sums over the voters sorted by
    position: O(n^2 log n). A voter exactly at the midpoint is indifferent and adds nothing.
    ``geometry`` and ``powered`` (``d ** r``) may be given when already computed.
    """
    batch, n = x.shape
    geo = _Geometry(x) if geometry is None else geometry
    vote = _powered(d, r) if powered is None else powered
    vote = w[:, :, None] * vote  # [k, a]
    prefix = np.empty((batch, n + 1, n))
    prefix[:, 0] = 0.0
    sorted_votes = np.take(vote.reshape(batch * n, n), geo.rows, axis=0).reshape(batch, n, n)
    np.cumsum(sorted_votes, axis=1, out=prefix[:, 1:])
    flat = prefix.reshape(-1)
    left = np.take(flat, geo.at_j)
    left -= np.take(flat, geo.at_i)  # voters below the midpoint
    left = left.reshape(batch, n, n)
    total = prefix[:, n, :]
    out = total[:, None, :] - total[:, :, None]
    out -= left  # voters above it
    # equal positions have equal columns, so both sums are zero there; np.where (not an
    # in-place copy) gives the result the memory layout later sums have always seen
    out = np.where(geo.less, left, out)
    return np.maximum(out, 0.0, out=out)


def _all_pairs_total(
    d: FloatArray, w: FloatArray, r: FloatArray | None, *, powered: FloatArray | None = None
) -> FloatArray:
    """Sum over voters k and ordered pairs (a, b) of |w_k (d_ka^r_k - d_kb^r_k)|: (B,).

    For one voter, the sum over ordered pairs of |v_a - v_b| over values sorted ascending is
    2 sum_t (2t - n + 1) v_(t): one sort per voter instead of n^2 terms.
    """
    n = d.shape[1]
    v = np.sort(_powered(d, r) if powered is None else powered, axis=2)
    coef = 2.0 * (2.0 * np.arange(n) - n + 1.0)
    # row-wise sums, not a matrix product: BLAS would sum in an order that depends on the
    # batch size, and results must not depend on how draws are split into chunks
    v *= coef
    per_voter = v.sum(axis=2)
    return (w * per_voter).sum(axis=1)


def _probability(
    x: FloatArray,
    d: FloatArray,
    w: FloatArray,
    r: FloatArray | None,
    variant: str,
    geometry: _Geometry | None = None,
) -> FloatArray:
    """P[i, j]: the probability that x_i prevails over x_j, (B, n, n)."""
    powered = _powered(d, r)
    num = support(x, d, w, r, geometry=geometry, powered=powered)
    if variant == "scholz-code":
        total = _all_pairs_total(d, w, r, powered=powered)[:, None, None]
        return np.divide(num, total, out=np.zeros_like(num), where=total > 0)
    contest = num + np.swapaxes(num, 1, 2)
    return np.divide(num, contest, out=np.full_like(num, 0.5), where=contest > 0)


@dataclass(frozen=True)
class _Issue:
    """One issue's fixed inputs for the present actors: (B, n) arrays, scale (B,)."""

    weight: FloatArray  # capability x salience, the votes
    salience: FloatArray
    median_weight: FloatArray  # effective weights for the median and mean
    scale: FloatArray
    variant: str
    q: float


def _outcome_utilities(
    d: FloatArray, r: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """U_s = 2 - 4(1/2 - d/2)^r, U_f = 2 - 4(1/2 + d/2)^r, U_sq = 2 - 4 (1/2)^r; r (B, n, 1).

    With r None (every exponent 1) they are 2d, -2d and 0.
    """
    if r is None:
        return 2.0 * d, -2.0 * d, np.zeros((1, 1, 1))
    half = 0.5 * d
    u_s = np.subtract(0.5, half)
    u_f = np.add(0.5, half, out=half)
    out = []
    for u in (u_s, u_f):
        np.power(u, r, out=u)
        np.multiply(u, 4.0, out=u)
        out.append(np.subtract(2.0, u, out=u))
    return out[0], out[1], 2.0 - 4.0 * 0.5**r


def _challenge_utility(
    p: FloatArray,
    s_target: FloatArray,
    terms: tuple[FloatArray, FloatArray, FloatArray],
    q: float,
) -> FloatArray:
    """S_b [P U_s + (1 - P) U_f] + (1 - S_b) U_s - Q U_sq, broadcast to (B, n, n).

    Written as one expression on purpose: NumPy reuses the temporaries' memory, and the memory
    layout of the result decides the order of later sums; results stay bit for bit the same
    only if this expression does.
    """
    u_s, u_f, u_sq = terms
    return s_target * (p * (u_s - u_f) + u_f) + (1.0 - s_target) * u_s - q * u_sq


def _dyad_utilities(
    x: FloatArray,
    d: FloatArray,
    r: FloatArray | None,
    median: FloatArray,
    issue: _Issue,
    geometry: _Geometry | None = None,
    both: bool = True,
) -> tuple[FloatArray, FloatArray | None]:
    """(e_ij, e_ji), each (B, n, n), from actor i's point of view in row i.

    e_ij is i's expected utility of challenging j, with r_i. e_ji is the utility of j
    challenging i: scholz-code evaluates it as i sees it, with r_i; the paper with j's own r_j.
    ``r`` None means every exponent is 1. With ``both`` False, e_ji is not computed (None).
    """
    p = _probability(x, d, issue.weight, r, issue.variant, geometry)
    r_i = None if r is None else r[:, :, None]
    terms = _outcome_utilities(d, r_i)
    e_ij = _challenge_utility(p, issue.salience[:, None, :], terms, issue.q)
    if issue.variant == "scholz-code":
        if not both:
            return e_ij, None
        p_ji = np.swapaxes(p, 1, 2)
        e_ji = _challenge_utility(p_ji, issue.salience[:, :, None], terms, issue.q)
        return e_ij, e_ji
    if issue.q < 1.0:
        # without a challenge the status quo changes with probability 1 - Q: for the better
        # (T = 1) if the median, where things drift, is at least as near the challenger as
        # the target, else for the worse
        to_mu = np.minimum(np.abs(x - median[:, None]) / issue.scale[:, None], 1.0)
        t = (to_mu[:, :, None] <= to_mu[:, None, :] + _TIE).astype(float)
        spread = 0.25 * (to_mu[:, :, None] + d)
        exp = 1.0 if r_i is None else r_i
        u_b = 2.0 - 4.0 * (0.5 - spread) ** exp
        u_w = 2.0 - 4.0 * (0.5 + spread) ** exp
        e_ij = e_ij - (1.0 - issue.q) * (t * u_b + (1.0 - t) * u_w)
    return e_ij, np.swapaxes(e_ij, 1, 2)


def risk_exponents(
    x: FloatArray,
    d: FloatArray,
    median: FloatArray,
    issue: _Issue,
    geometry: _Geometry | None = None,
) -> FloatArray:
    """Risk exponents r_i in [1/2, 2] from each actor's danger, computed with every r = 1.

    D_i = sum_{j != i} E_j(j challenges i); R_i = (2 D_i - max D - min D) / (max D - min D);
    r_i = (1 - R_i / 3) / (1 + R_i / 3). If every D is equal, every r is 1.
    """
    n = x.shape[1]
    e_ij, _ = _dyad_utilities(x, d, None, median, issue, geometry, both=False)
    # np.where, not an assignment: its result's memory layout decides the order of the sums
    # below, and results must stay bit for bit what they were
    e_ij = np.where(np.eye(n, dtype=bool)[None, :, :], 0.0, e_ij)
    danger = e_ij.sum(axis=1)  # column i: every j's utility of challenging i
    d_max = danger.max(axis=1, keepdims=True)
    d_min = danger.min(axis=1, keepdims=True)
    spread = d_max - d_min
    flat = spread <= _TIE * (1.0 + np.abs(d_max))
    rel = np.divide(2.0 * danger - d_max - d_min, spread, out=np.zeros_like(danger), where=~flat)
    return (1.0 - rel / 3.0) / (1.0 + rel / 3.0)


def _choose_moves(
    x: FloatArray, e_ij: FloatArray, e_ji: FloatArray, variant: str
) -> tuple[FloatArray, NDArray[np.intp], NDArray[np.intp]]:
    """Every actor's new position, the actor it moves toward (-1: none), the kind (-1: none).

    Row i holds i's view of each dyad: a lost confrontation (e_ji > e_ij > 0) takes i to x_j; a
    compromise (e_ji > 0 > e_ij, e_ji > |e_ij|) takes it the share |e_ij / e_ji| of the way; a
    capitulation (e_ji > 0 > e_ij, |e_ij| >= e_ji; paper only) all the way.
    """
    xi, xj = x[:, :, None], x[:, None, :]
    other = xi != xj
    confront = other & (e_ji > e_ij + _TIE) & (e_ij > _TIE)
    weak = other & (e_ji > _TIE) & (e_ij < -_TIE)
    comp = weak & (e_ji > -e_ij + _TIE)
    if variant == "scholz-code":
        j_conf = np.argmin(np.where(confront, np.abs(xj - xi), np.inf), axis=2)
        value = np.divide(-e_ij * xi + e_ji * xj, e_ji - e_ij, out=np.zeros_like(e_ij), where=weak)
        j_comp = np.argmin(np.where(comp, value, np.inf), axis=2)
        has_conf = confront.any(axis=2)
        has_comp = comp.any(axis=2)
        target = np.where(has_conf, j_conf, np.where(has_comp, j_comp, -1))
        kind = np.where(has_conf, 0, np.where(has_comp, 1, -1))
        # the destination only at the chosen actor: x_j, or x_i + (x_j - x_i) |e_ij / e_ji|
        # (the same operations as for every pair, so the same bits), laid out like target
        j = np.maximum(target, 0)[:, :, None]
        x_j = np.take_along_axis(np.broadcast_to(xj, e_ij.shape), j, axis=2)[:, :, 0]
        a = np.take_along_axis(e_ij, j, axis=2)[:, :, 0]
        b = np.take_along_axis(e_ji, j, axis=2)[:, :, 0]
        ratio = np.divide(-a, b, out=np.zeros_like(a), where=kind == 1)
        chosen = np.empty_like(target, dtype=np.float64)
        chosen[...] = np.where(has_conf, x_j, x + (x_j - x) * ratio)
    else:
        ratio = np.divide(-e_ij, e_ji, out=np.zeros_like(e_ij), where=weak)
        comp_to = xi + (xj - xi) * ratio
        full_to = np.broadcast_to(xj, comp_to.shape)
        capit = weak & ~comp
        offer = confront | comp | capit
        dest = np.where(comp, comp_to, full_to)
        dist = np.where(offer, np.abs(dest - xi), np.inf)
        tied = offer & (dist <= dist.min(axis=2, keepdims=True) + _TIE)
        j_best = np.argmin(np.where(tied, dest, np.inf), axis=2)
        has = offer.any(axis=2)
        target = np.where(has, j_best, -1)
        kinds = np.where(confront, 0, np.where(comp, 1, 2))
        kind = np.where(has, np.take_along_axis(kinds, j_best[:, :, None], axis=2)[:, :, 0], -1)
        chosen = np.take_along_axis(dest, np.maximum(target, 0)[:, :, None], axis=2)[:, :, 0]
    new_x = np.where(target >= 0, np.clip(chosen, 0.0, 1.0), x)
    return new_x, target, kind


@dataclass
class _Trajectory:
    """One issue's rounds: positions, medians, means (B, ...), and draw 0's details."""

    position: list[FloatArray]
    median: list[FloatArray]
    mean: list[FloatArray]
    risk: list[FloatArray | None]
    moves: list[list[tuple[int, int, int, float, float]]]


def _median_mean(x: FloatArray, issue: _Issue) -> tuple[FloatArray, FloatArray]:
    w = issue.median_weight[:, :, None]
    return weighted_median(x[:, :, None], w)[:, 0], weighted_mean(x[:, :, None], w)[:, 0]


def _simulate(x0: FloatArray, issue: _Issue, params: Mapping[str, Any]) -> _Trajectory:
    """Run the rounds on one issue for every draw; draws that have converged stay put."""
    x = x0
    med, mean = _median_mean(x, issue)
    traj = _Trajectory([x], [med], [mean], [None], [[]])
    converging = params["stop"] == "converged"
    still = np.zeros(x.shape[0], dtype=np.intp)
    stake = issue.weight.sum(axis=1) > 0
    for _ in range(int(params["rounds"])):
        active = still < int(params["patience"])
        if not active.any():
            break
        d = _pairwise_distance(x, issue.scale)
        geometry = _Geometry(x)
        r = risk_exponents(x, d, med, issue, geometry)
        e_ij, e_ji = _dyad_utilities(x, d, r, med, issue, geometry)
        assert e_ji is not None
        new_x, target, kind = _choose_moves(x, e_ij, e_ji, issue.variant)
        # where nobody has any stake (every capability x salience zero) nobody moves
        target = np.where(stake[:, None], target, -1)
        new_x = np.where(stake[:, None], new_x, x)
        if converging:
            new_x = np.where(active[:, None], new_x, x)
        new_med, new_mean = _median_mean(new_x, issue)
        if converging:
            moved = np.abs(new_med - med) > float(params["tolerance"])
            still = np.where(moved, 0, still + 1)
        moves = []
        if not converging or active[0]:
            for i in np.flatnonzero(target[0] >= 0):
                moves.append((int(i), int(target[0, i]), int(kind[0, i]), x[0, i], new_x[0, i]))
        x, med, mean = new_x, new_med, new_mean
        traj.position.append(x)
        traj.median.append(med)
        traj.mean.append(mean)
        traj.risk.append(r[0] if not converging or active[0] else None)
        traj.moves.append(moves)
    return traj


class EUMModel(Model):
    """Bueno de Mesquita's expected utility model; see the module docstring and docs."""

    info = ModelInfo(
        name="eum",
        title="Expected utility model (Bueno de Mesquita)",
        citation=(
            "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. "
            "In Bueno de Mesquita & Stokman (eds.), European Community Decision Making, 71-104. "
            "Yale University Press. Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). "
            "Unravelling Bueno De Mesquita's group decision model. Journal of Theoretical "
            "Politics 23(4), 510-531."
        ),
        summary=(
            "Actors challenge, compromise with or give in to each other round by round, each "
            "judging its expected utility with a risk exponent from how threatened it is; the "
            "forecast is the weighted median position after the last round."
        ),
        iterative=True,
        pairwise=True,
        variants=("scholz-code", "paper"),
        parameters=(
            Parameter("rounds", 10, "Rounds of offers (the most, if stop is converged).", 1, 1000),
            Parameter(
                "q", 1.0, "Q: probability that the status quo holds if nobody challenges.", 0, 1
            ),
            Parameter(
                "stop",
                "fixed",
                "Stopping rule: a fixed number of rounds, or converged (the median moves less "
                "than the tolerance for `patience` rounds in a row).",
                choices=("fixed", "converged"),
            ),
            Parameter(
                "tolerance",
                1e-4,
                "Converged: the largest median move, as a share of the issue's scale, that "
                "counts as standing still.",
                0,
                1,
            ),
            Parameter("patience", 2, "Converged: rounds in a row the median stands still.", 1, 100),
        ),
    )

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        """Solve blocks of draws, each small enough to stay in cache, on threads.

        Up to ``self.threads`` threads (default: every core). Draws are independent, so the
        blocks' results do not depend on how they are split.
        """
        batch, n, _ = inputs.position.shape
        block = max(1, _BLOCK_CELLS // max(1, n * n))
        if batch <= block:
            return _solve_block(inputs, params, variant)

        def solve(start: int) -> Solution:
            return _solve_block(inputs.take(slice(start, start + block)), params, variant)

        return _concatenate(solve_blocks(solve, batch, block, self.threads))


def _solve_block(inputs: Inputs, params: Mapping[str, Any], variant: str) -> Solution:
    batch, n, m = inputs.position.shape
    eff = effective_weights(inputs.capability, inputs.salience, inputs.present)
    raw = inputs.weights()
    trajectories: list[tuple[NDArray[np.intp], _Trajectory]] = []
    for k in range(m):
        idx = np.flatnonzero(inputs.present[:, k])
        x0 = np.clip(inputs.position[:, idx, k], 0.0, 1.0)
        if variant == "scholz-code":
            scale = x0.max(axis=1) - x0.min(axis=1) if idx.size else np.ones(batch)
            scale = np.where(scale > 0, scale, 1.0)
        else:
            scale = np.ones(batch)
        issue = _Issue(
            weight=raw[:, idx, k],
            salience=inputs.salience[:, idx, k],
            median_weight=eff[:, idx, k],
            scale=scale,
            variant=variant,
            q=float(params["q"]),
        )
        trajectories.append((idx, _simulate(x0, issue, params)))
    return _assemble(inputs, trajectories)


def _assemble(inputs: Inputs, trajectories: list[tuple[NDArray[np.intp], _Trajectory]]) -> Solution:
    """Merge the issues' trajectories into rounds; an issue that stopped early stays put."""
    batch, n, m = inputs.position.shape
    count = max(len(t.position) for _, t in trajectories)
    rounds = []
    for step in range(count):
        pos = inputs.position.copy()
        med = np.empty((batch, m))
        mean = np.empty((batch, m))
        risk = np.full((n, m), np.nan)
        moves: list[Move] = []
        for k, (idx, t) in enumerate(trajectories):
            s = min(step, len(t.position) - 1)
            pos[:, idx, k] = t.position[s]
            med[:, k] = t.median[s]
            mean[:, k] = t.mean[s]
            if s == step and t.risk[s] is not None:
                risk[idx, k] = t.risk[s]
            if s == step:
                moves.extend(
                    Move(k, int(idx[i]), int(idx[j]), KINDS[kind], float(a), float(b))
                    for i, j, kind, a, b in t.moves[s]
                )
        rounds.append(
            RoundArrays(
                position=pos,
                median=med,
                mean=mean,
                risk=risk if step > 0 else None,
                moves=tuple(moves),
            )
        )
    return Solution(forecast=rounds[-1].median, rounds=tuple(rounds))


def _concatenate(parts: list[Solution]) -> Solution:
    """Join the solutions of consecutive blocks of draws; draw 0's details come from the first."""
    count = max(len(p.rounds) for p in parts)

    def at(p: Solution, step: int) -> RoundArrays:
        return p.rounds[min(step, len(p.rounds) - 1)]

    rounds = []
    for step in range(count):
        first = at(parts[0], step)
        rounds.append(
            RoundArrays(
                position=np.concatenate([at(p, step).position for p in parts]),
                median=np.concatenate([at(p, step).median for p in parts]),
                mean=np.concatenate([at(p, step).mean for p in parts]),
                risk=first.risk if step < len(parts[0].rounds) else None,
                moves=first.moves if step < len(parts[0].rounds) else (),
            )
        )
    return Solution(forecast=rounds[-1].median, rounds=tuple(rounds))
