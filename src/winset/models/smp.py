"""KTAB's Spatial Model of Politics (SMP), as KAPSARC's program computes it, on any issues.

Actors hold a position in [0, 1]^m, a capability and a salience per issue. Every turn each actor
picks the rival it gains most by challenging (a conditional probabilistic Condorcet contest in
which third parties join the side they prefer and the target resists with probability equal to
its total salience); the two sides of every challenge agree on a bargain interpolated between
their positions; each actor then adopts, among its status quo and the bargains it is part of,
the one a capability-weighted vote over the resulting states favours. All actors move at once.
KTAB's stopping rule ends the run: at least 2 and at most 100 turns, stopping when a turn moves
the actors less than 2% as much as the first turn did. The forecast is the expected position
of the final state under KTAB's own probabilistic Condorcet election over the actors'
positions. The theory page, docs/models/smp.md, gives every equation, option and choice.

The arithmetic follows KAPSARC's C++ (KTAB, MIT licence) operation by operation, sums included,
in KTAB's order, so positions agree with KTAB's reference runs to the last printed digit, and a
draw's result is byte-identical however draws are batched. All of it is vectorised over a
leading batch axis of Monte Carlo draws; the Python loops run over turns, issues, chunks of
actors (as voters or third parties, whose terms are then added one at a time) and queue lengths,
never over draws. A turn costs O(n^3) arithmetic; KTAB's costs O(n^4) because it also evaluates
every challenge from every actor's perspective for its database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from winset.models.base import Inputs, Model, ModelInfo, Move, Parameter, RoundArrays, Solution
from winset.models.common import (
    effective_weights,
    solve_blocks,
    weighted_mean,
    weighted_median,
)
from winset.scenario.arrays import ScenarioArrays

if TYPE_CHECKING:
    import pandas as pd

    from winset.results import RunResult

__all__ = [
    "BARGAIN_INTERPOLATIONS",
    "BARGAIN_MODELS",
    "PCE_MODELS",
    "RISK_ADJUSTMENTS",
    "RISK_RANGES",
    "THIRD_PARTY_COMMITMENTS",
    "VICTORY_MODELS",
    "VOTE_RULES",
    "Challenges",
    "SMPModel",
    "ktab_positions",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# KTAB's option names (kmodel.h, smp.h), its default first.
VOTE_RULES = ("Prop", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp")
VICTORY_MODELS = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS = ("Conditional", "MarkovIncentive", "MarkovUniform")
RISK_RANGES = ("Mid", "Min", "Max")
RISK_ADJUSTMENTS = ("OneThird", "None", "Half", "TwoThirds", "Full")
THIRD_PARTY_COMMITMENTS = ("SemiCommit", "NoCommit", "FullCommit")
BARGAIN_INTERPOLATIONS = ("S2P2", "S1P1", "S2PMax")
BARGAIN_MODELS = ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")

# KTAB's guard constants, each where KTAB uses it.
_MIN_COALITION = 1e-8  # Model::coalitions: every coalition starts at this strength
_MIN_CONTEST = 1e-10  # SMPState::probEduChlg: both sides of a contest start at this strength
_MIN_WEIGHT = 1e-6  # SMPActor::interpBrgnSnPm / interpBrgnS2PMax: added to a bargain weight
_MIN_GAIN = 1e-5  # SMPState::bestChallenge: smallest expected gain worth a challenge
_BINARY_VOTE = 1e-8  # Model::vote: utility difference that casts a full binary vote
_BINARY_VICTORY = 1.10  # Model::vProb: strength ratio that wins for sure (Binary model)
_MIN_BINARY_P = 1e-6  # Model::vProb: the loser's weight under the Binary model
_SAME_POSITION = 1e-3  # SMPModel::posTol: positions nearer than this are one position
_MARKOV_TOL = {"MarkovIncentive": 1e-8, "MarkovUniform": 1e-6}
_MARKOV_MAX_ITER = 1000
_ROUND4 = 10000.0  # bargains are rounded to 4 decimals of [0, 1]
_CAPABILITY_SCALE = 100.0  # KTAB's customary largest capability (see _capability_unit)

# Draws are solved in blocks of about this many actor pairs, on the model's threads.
_BLOCK_CELLS = 65_536
# Sums over actors stack this many numbers at a time (terms of a fixed-order sum).
_CHUNK_CELLS = 1 << 15


@dataclass(frozen=True)
class _Settings:
    """The resolved parameters and variant."""

    vote: str
    victory: str
    pce: str
    risk_range: str
    risk_adjust: str
    third_party: str
    interpolation: str
    bargain_model: str
    min_turns: int
    max_turns: int
    tolerance: float
    min_delta: float
    stochastic: bool

    @classmethod
    def of(cls, params: Mapping[str, Any], variant: str) -> _Settings:
        return cls(
            vote=str(params["vote_rule"]),
            victory=str(params["victory"]),
            pce=str(params["pce"]),
            risk_range=str(params["risk_range"]),
            risk_adjust=str(params["risk_adjust"]),
            third_party=str(params["third_party"]),
            interpolation=str(params["bargain_interp"]),
            bargain_model=str(params["bargain_model"]),
            min_turns=int(params["min_rounds"]),
            max_turns=int(params["rounds"]),
            tolerance=float(params["tolerance"]),
            min_delta=float(params["min_delta"]),
            stochastic=variant == "stochastic",
        )


@dataclass(frozen=True, eq=False)
class Challenges:
    """The bargains proposed in one turn of draw 0, as index-based arrays (k bargains).

    Actor indices are into the scenario's actors; positions are on [0, 1]. ``perspective[a]``
    says whose estimate of the contest bargain a interpolates with: ``initiator`` (KTAB's
    default), ``target`` or ``compromise`` (the two averaged). ``adopted[i]`` is the bargain
    actor i adopted in the turn, -1 if it kept its position.
    """

    initiator: IntArray  # (k,)
    target: IntArray  # (k,)
    perspective: tuple[str, ...]  # (k,)
    probability: FloatArray  # (k,) the initiator's chance of winning used in the bargain
    gain: FloatArray  # (k,) the initiator's expected gain from the challenge
    initiator_position: FloatArray  # (k, m)
    target_position: FloatArray  # (k, m)
    adopted: IntArray  # (n,)

    def adopted_by(self, a: int) -> tuple[int, ...]:
        """The actors who adopted bargain ``a``."""
        return tuple(int(i) for i in np.flatnonzero(self.adopted == a))


# ----------------------------------------------------------------------------- elementary


def _vote(rule: str, w: Any, u1: Any, u2: Any) -> FloatArray:
    """Model::vote: the influence w exerts for option 1 over option 2, given its utilities."""
    du = np.subtract(u1, u2)
    if rule == "Prop":
        return np.multiply(w, du)
    if rule == "Cubic":
        return np.multiply(w, du * du * du)
    if rule == "PropCbc":
        return np.multiply(w, (1.0 - 0.5) * du + 0.5 * (du * du * du))
    if rule == "ASymProsp":
        gain = (2.0 * np.multiply(w, du)) / 3.0
        return np.where(du < 0.0, np.multiply(w, du), np.where(du > 0.0, gain, 0.0))
    binary = np.clip(du / _BINARY_VOTE, -1.0, 1.0)
    if rule == "Binary":
        return np.multiply(w, binary)
    return np.multiply(w, (1.0 - 0.2) * du + 0.2 * binary)  # PropBin


def _utility(d: Any, r: Any) -> FloatArray:
    """SMPModel::bsUtil for d in [0, 1]: (1 - d)(1 + d R)."""
    return np.multiply(1.0 - d, 1.0 + np.multiply(d, r))


def _round4(x: FloatArray) -> FloatArray:
    """KTAB's round4: (int)(0.5 + 10000 x) / 10000 for x >= 0."""
    return np.floor(0.5 + x * _ROUND4) / _ROUND4


def _seq_sum(values: FloatArray, axis: int) -> FloatArray:
    """Sum along ``axis`` one term at a time, as KTAB's loops do (a fixed order, any batch)."""
    if values.shape[axis] == 0:
        return np.zeros(np.delete(values.shape, axis))
    return np.take(np.add.accumulate(values, axis=axis), -1, axis=axis)


def _chunk(count: int, cells: int) -> int:
    """How many of ``count`` terms of ``cells`` numbers each to stack at once."""
    return max(1, min(count, _CHUNK_CELLS // max(1, cells)))


def _add_in_order(total: FloatArray, terms: FloatArray) -> FloatArray:
    """Return total + terms[0] + terms[1] + ..., added one at a time (terms: (T, ...))."""
    total = np.array(total, copy=True)
    for term in terms:
        np.add(total, term, out=total)
    return total


def _distance(ideal: FloatArray, pos: FloatArray, sal: FloatArray, ssq: FloatArray) -> FloatArray:
    """SMPModel::bvDiff for every (ideal a, position t): (B, A, T).

    sqrt(sum_k ((ideal_ak - pos_tk) s_ak)^2 / sum_k s_ak^2), summed in issue order; 0 for an
    actor whose saliences are all zero (it cares about nothing, so every position suits it).
    """
    acc = np.zeros((ideal.shape[0], ideal.shape[1], pos.shape[1]))
    for k in range(ideal.shape[2]):
        ds = (ideal[:, :, None, k] - pos[:, None, :, k]) * sal[:, :, None, k]
        acc = acc + ds * ds
    den = ssq[:, :, None]
    ratio = np.divide(acc, den, out=np.zeros_like(acc), where=den > 0)
    return np.sqrt(ratio)


def _estimate(r_h: Any, r_i: Any, adjust: str) -> FloatArray:
    """Model::estNRA: h's estimate of i's risk attitude."""
    if adjust == "Full":
        return np.asarray(r_i + 0.0 * r_h)
    if adjust == "TwoThirds":
        return np.asarray((r_h + 2.0 * r_i) / 3.0)
    if adjust == "Half":
        return np.asarray((r_h + r_i) / 2.0)
    if adjust == "OneThird":
        return np.asarray((2.0 * r_h + r_i) / 3.0)
    return np.asarray(r_h + 0.0 * r_i)  # None


# ----------------------------------------------------------------------------- elections


def _coalitions(u: FloatArray, w: FloatArray, rule: str) -> tuple[FloatArray, FloatArray]:
    """Model::coalitions over options: (F, G), each (B, O, O).

    F[a, b] = 1e-8 + sum_v max(0, vote_v(a over b)), summed over voters in order; KTAB uses it
    when a comes after b in the option list. G[a, b] = 1e-8 + sum_v max(0, -vote_v(b over a)),
    used when a comes first. They differ only for the asymmetric ASymProsp rule.
    """
    batch, voters, options = u.shape
    f = np.full((batch, options, options), _MIN_COALITION)
    g = f.copy() if rule == "ASymProsp" else f
    step = _chunk(voters, batch * options * options)
    for a in range(0, voters, step):
        uv = np.moveaxis(u[:, a : a + step, :], 1, 0)  # (T, B, O)
        wv = w[:, a : a + step].T[:, :, None, None]
        if rule == "Prop":
            vote = np.subtract(uv[:, :, :, None], uv[:, :, None, :])  # (T, B, O, O)
            vote *= wv
        else:
            vote = _vote(rule, wv, uv[:, :, :, None], uv[:, :, None, :])
        if rule == "ASymProsp":
            g = _add_in_order(g, np.maximum(-np.swapaxes(vote, 2, 3), 0.0))
        f = _add_in_order(f, np.maximum(vote, 0.0, out=vote))
    return f, (g if rule == "ASymProsp" else f)


def _oriented(f: FloatArray, g: FloatArray, later: BoolArray) -> FloatArray:
    """The coalition matrix of a list of options: F where a comes after b, else G."""
    return f if f is g else np.where(later, f, g)


def _victory(c: FloatArray, later: BoolArray, model: str) -> FloatArray:
    """Model::vProb: P[a, b] = probability option a beats b, (..., O, O); 1/2 on the diagonal.

    KTAB computes each pair once, with a the later option; ``later`` marks those entries.
    """
    ct = np.swapaxes(c, -1, -2)
    diagonal = ~(later | np.swapaxes(later, -1, -2))
    if model == "Binary":
        # s1 = c[a, b], s2 = c[b, a] for a later than b; p[b, a] takes the second share
        win = c >= _BINARY_VICTORY * ct
        lose = ~win & (ct >= _BINARY_VICTORY * c)
        denom = np.where(c + ct > 0, c + ct, 1.0)
        p12 = ((c / denom) * (_BINARY_VICTORY + 1.0) - 1.0) / (_BINARY_VICTORY - 1.0)
        x1 = np.where(win, 1.0, np.where(lose, _MIN_BINARY_P, p12))
        x2 = np.where(win, _MIN_BINARY_P, np.where(lose, 1.0, 1.0 - p12))
        first = x1 / (x1 + x2)
        second = np.swapaxes(x2 / (x1 + x2), -1, -2)
        return np.where(later, first, np.where(diagonal, 0.5, second))
    if model == "Linear":
        x, xt = c, ct
    elif model == "Square":
        x, xt = c * c, ct * ct
    elif model == "Quartic":
        x, xt = c * c * c * c, ct * ct * ct * ct
    else:  # Octic
        q, qt = c * c * c * c, ct * ct * ct * ct
        x, xt = q * q, qt * qt
    # KTAB's denominator is x[later] + x[earlier]; addition commutes, so one formula serves both
    p = x / (x + xt)
    p[..., diagonal] = 0.5
    return p


def _prod_in_order(factors: FloatArray) -> FloatArray:
    """The product along the last axis, one factor at a time (Model::condPCE's order)."""
    return np.multiply.accumulate(factors, axis=-1)[..., -1]


def _pce(c: FloatArray, p: FloatArray, valid: BoolArray, model: str) -> FloatArray:
    """Model::probCE2: the probability each valid option wins, (..., O); 0 for invalid ones.

    ``c`` and ``p`` are the coalition and victory matrices (..., O, O) of the option list;
    invalid options take no part (every sum runs over the valid ones, in list order).
    """
    options = valid.shape[-1]
    vf = valid.astype(float)
    if model == "Conditional":
        factors = np.where(valid[..., None, :], p, 1.0)
        prob = np.where(valid, _prod_in_order(factors), 0.0)
        return prob / _seq_sum(prob, -1)[..., None]
    count = _seq_sum(vf, -1)[..., None]
    prob = np.where(valid, 1.0 / np.where(count > 0, count, 1.0), 0.0)
    tol = _MARKOV_TOL[model]
    pair = valid[..., :, None] & valid[..., None, :]
    if model == "MarkovIncentive":
        inctv = np.where(pair, c * p, 0.0)
        eye = np.eye(options, dtype=bool)
        inctv = inctv + np.where(eye & pair, 1e-10, 0.0)
        colsum = _seq_sum(inctv, -2)[..., None, :]
        chlg = np.divide(inctv, colsum, out=np.zeros_like(inctv), where=colsum > 0)
    going = np.ones(valid.shape[:-1], dtype=bool)
    for _ in range(_MARKOV_MAX_ITER):
        if model == "MarkovIncentive":
            # ct[i, j] = p_i chlg[j, i]; q_i = sum_j p[i, j] (ct[i, j] + ct[j, i])
            ct = prob[..., :, None] * np.swapaxes(chlg, -1, -2)
            terms = np.where(pair, p * (ct + np.swapaxes(ct, -1, -2)), 0.0)
            q = _seq_sum(terms, -1)
        else:
            terms = np.where(pair, p * (prob[..., :, None] + prob[..., None, :]), 0.0)
            q = np.where(valid, _seq_sum(terms, -1) / np.where(count > 0, count, 1.0), 0.0)
        change = np.max(np.where(valid, np.abs(q - prob), 0.0), axis=-1)
        prob = np.where(going[..., None], (prob + q) / 2.0, prob)
        going = going & (change > tol)
        if not going.any():
            break
    return prob


def _big_r(p: FloatArray, valid: BoolArray, mode: str) -> FloatArray:
    """Model::bigRfromProb: risk attitudes from the probability of each actor's position.

    Where every probability is equal (one actor, or everyone at one position) KTAB divides
    zero by zero; here every actor is then risk neutral (R = 0).
    """
    p_min = np.min(np.where(valid, p, 1.0), axis=-1, keepdims=True)
    p_max = np.max(np.where(valid, p, 0.0), axis=-1, keepdims=True)
    spread = p_max - p_min
    flat = spread <= 0
    safe = np.where(flat, 1.0, spread)
    if mode == "Min":
        r = (p - p_min) / safe
    elif mode == "Max":
        r = (2.0 * p - (p_max + p_min)) / safe
    else:  # Mid
        r = (3.0 * p - (p_max + 2.0 * p_min)) / (2.0 * safe)
    return np.where(flat | ~valid, 0.0, r)


def _risk(d: FloatArray, cap: FloatArray, s: _Settings) -> FloatArray:
    """SMPState::setAllAUtil: every actor's risk attitude R from a risk-neutral election (B, n).

    Options are the actors' positions (duplicates included, in actor order); voter k values
    position j at 1 - d_kj and votes with its capability.
    """
    n = d.shape[1]
    f, g = _coalitions(1.0 - d, cap, s.vote)
    later = np.tril(np.ones((n, n), dtype=bool), -1)
    c = _oriented(f, g, later)
    valid = np.ones(d.shape[:2], dtype=bool)
    p = _pce(c, _victory(c, later, s.victory), valid, s.pce)
    return _big_r(p, valid, s.risk_range)


# ----------------------------------------------------------------------------- challenges


def _principals(
    rule: str, w_i: Any, w_j: Any, u_ij: FloatArray, u_ji: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The contest's two sides after i and j vote (probEduChlg): (for i, for j).

    u_ii = u_jj = 1 (an actor's own position, at distance 0).
    """
    c_i = _vote(rule, w_i, 1.0, u_ij)
    c_j = _vote(rule, w_j, u_ji, 1.0)
    for_i = np.full(np.broadcast(c_i, c_j).shape, _MIN_CONTEST)
    for_j = for_i.copy()
    for_i = np.where(c_i > 0.0, for_i + c_i, for_i)
    for_j = np.where(c_i < 0.0, for_j - c_i, for_j)
    for_i = np.where(c_j > 0.0, for_i + c_j, for_i)
    for_j = np.where(c_j < 0.0, for_j - c_j, for_j)
    return for_i, for_j


def _third_party(
    s: _Settings, w_n: Any, u_ni: Any, u_nj: FloatArray, base_i: FloatArray, base_j: FloatArray
) -> FloatArray:
    """Third party n's vote in the i:j contest (Actor::vProbLittle, Actor::thirdPartyVoteSU).

    n first sees the little contest of i, j and itself (its own vote added to the side it
    prefers), then votes the difference between its utility of joining i and of joining j,
    with u_nn = 1. ``u_nj`` has the full shape of the result and is overwritten.
    """
    if s.vote == "Prop" and s.third_party == "SemiCommit":
        # KTAB's defaults, in place: the same operations in the same order, without temporaries
        own = np.subtract(u_ni, u_nj)
        own *= w_n
        c_i = np.maximum(own, 0.0)
        c_i += base_i
        c_j = np.minimum(own, 0.0, out=own)
        np.subtract(base_j, c_j, out=c_j)
        total = c_i + c_j
        p_i = np.divide(c_i, total, out=c_i)
        p_j = np.subtract(1.0, p_i, out=c_j)
        ii = u_ni + u_ni
        jj = np.add(u_nj, u_nj, out=total)
        join_i = p_i * (ii + 1.0)  # p_i (2 u_ni + 1)
        join_i += np.multiply(p_j, np.add(jj, u_nj, out=u_nj), out=u_nj)  # + p_j (3 u_nj)
        jj += 1.0
        jj *= p_j  # p_j (2 u_nj + 1)
        join_j = p_i * (ii + u_ni)  # p_i (3 u_ni)
        join_j += jj
        join_i -= join_j
        join_i *= w_n
        return join_i
    own = _vote(s.vote, w_n, u_ni, u_nj)
    c_i = base_i + np.maximum(own, 0.0)
    c_j = base_j - np.minimum(own, 0.0)
    p_i = c_i / (c_i + c_j)
    p_j = 1.0 - p_i
    ii = u_ni + u_ni
    jj = u_nj + u_nj
    if s.third_party == "SemiCommit":
        a, b, c, d = ii + 1.0, jj + u_nj, ii + u_ni, jj + 1.0
    elif s.third_party == "FullCommit":
        a, b, c, d = ii + u_ni, jj + u_nj, ii + u_ni, jj + u_nj
    else:  # NoCommit
        a, b, c, d = ii + 1.0, jj + 1.0, ii + 1.0, jj + 1.0
    return _vote(s.vote, w_n, p_i * a + p_j * b, p_i * c + p_j * d)


def _gain(for_i: FloatArray, for_j: FloatArray, u_ij: FloatArray, resist: Any) -> FloatArray:
    """The expected gain of the challenge to the initiator, against the status quo."""
    total = for_i + for_j
    p_i = for_i / total
    p_j = for_j / total
    contest = p_i * 2.0 + p_j * (u_ij + u_ij)
    challenge = (1.0 - resist) * 2.0 + np.multiply(resist, contest)
    return np.asarray(challenge - (1.0 + u_ij))


def _challenges(
    d: FloatArray, r_hat: FloatArray, weight: FloatArray, resist: FloatArray, s: _Settings
) -> tuple[FloatArray, FloatArray]:
    """probEduChlg(i, i, i, j) for every ordered pair: (P[i beats j], gain to i), (B, n, n).

    Everything is i's estimate: its utilities use r_hat[i, x], i's estimate of x's risk
    attitude. Third parties are added one at a time in actor order, as KTAB does.
    """
    n = d.shape[1]
    r_own = np.diagonal(r_hat, axis1=1, axis2=2)  # (B, n): r_hat[i, i]
    u_ij = _utility(d, r_own[:, :, None])  # aUtil[i](i, j)
    u_ji = _utility(np.swapaxes(d, 1, 2), r_hat)  # aUtil[i](j, i)
    base_i, base_j = _principals(s.vote, weight[:, :, None], weight[:, None, :], u_ij, u_ji)
    for_i, for_j = base_i.copy(), base_j.copy()
    batch = d.shape[0]
    step = _chunk(n, batch * n * n)
    scratch = np.empty((batch, n, n))
    for a in range(0, n, step):
        ts = range(a, min(n, a + step))
        d_t = np.moveaxis(d[:, ts, :], 1, 0)  # (T, B, n): d[t, x]
        r_t = np.moveaxis(r_hat[:, :, ts], 2, 0)  # (T, B, n): r_hat[i, t]
        u_ti = _utility(d_t, r_t)[:, :, :, None]  # aUtil[i](t, i)
        u_tj = d_t[:, :, None, :] * r_t[:, :, :, None]  # aUtil[i](t, j) = (1 - d)(1 + d r)
        u_tj += 1.0
        u_tj *= 1.0 - d_t[:, :, None, :]
        w_t = weight[:, ts].T[:, :, None, None]
        vote = _third_party(s, w_t, u_ti, u_tj, base_i, base_j)  # (T, B, n, n)
        for k, t in enumerate(ts):
            v = vote[k]
            v[:, t, :] = 0.0  # t is the initiator
            v[:, :, t] = 0.0  # t is the target
            for_i += np.maximum(v, 0.0, out=scratch)
            for_j -= np.minimum(v, 0.0, out=scratch)
    p = for_i / (for_i + for_j)
    return p, _gain(for_i, for_j, u_ij, resist[:, None, :])


def _challenge_pairs(
    d: FloatArray,
    r_hat: FloatArray,
    weight: FloatArray,
    resist: FloatArray,
    est: IntArray,
    i: IntArray,
    j: IntArray,
    s: _Settings,
) -> FloatArray:
    """probEduChlg(h, i, i, j) for given (h, i, j) triples (B, P): the gain to i as h sees it."""

    def at(a: FloatArray, x: IntArray, y: IntArray) -> FloatArray:
        flat = a.reshape(a.shape[0], -1)
        return np.take_along_axis(flat, x * a.shape[2] + y, axis=1)

    n = d.shape[1]
    u_ij = _utility(at(d, i, j), at(r_hat, est, i))
    u_ji = _utility(at(d, j, i), at(r_hat, est, j))
    w_i = np.take_along_axis(weight, i, axis=1)
    w_j = np.take_along_axis(weight, j, axis=1)
    base_i, base_j = _principals(s.vote, w_i, w_j, u_ij, u_ji)
    for_i, for_j = base_i, base_j
    for t in range(n):
        tt = np.full_like(i, t)
        r_t = at(r_hat, est, tt)
        u_ti = _utility(at(d, tt, i), r_t)
        u_tj = _utility(at(d, tt, j), r_t)
        vote = _third_party(s, weight[:, t, None], u_ti, u_tj, base_i, base_j)
        vote = np.where((i == t) | (j == t), 0.0, vote)
        for_i = for_i + np.maximum(vote, 0.0)
        for_j = for_j - np.minimum(vote, 0.0)
    return _gain(for_i, for_j, u_ij, np.take_along_axis(resist, j, axis=1))


# ----------------------------------------------------------------------------- bargains


def _interpolate(
    method: str,
    t_i: FloatArray,
    s_i: FloatArray,
    p_i: FloatArray,
    t_j: FloatArray,
    s_j: FloatArray,
    p_j: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """SMPActor::interpolateBrgn, issue by issue: the positions i and j agree to adopt."""
    if method == "S2PMax":
        di = np.where(p_j > p_i, p_j - p_i, 0.0)
        dj = np.where(p_i > p_j, p_i - p_j, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (di * sj2) / ((di * sj2) + _MIN_WEIGHT + ((1.0 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + _MIN_WEIGHT + ((1.0 - dj) * sj2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    if method == "S2P2":
        w_i = (s_i * s_i) * (p_i * p_i)
        w_j = (s_j * s_j) * (p_j * p_j)
    else:  # S1P1
        w_i = s_i * p_i
        w_j = s_j * p_j
    den = w_i + _MIN_WEIGHT + w_j
    b_i = _round4(((w_i + _MIN_WEIGHT) * t_i + w_j * t_j) / den)
    b_j = _round4((w_i * t_i + (_MIN_WEIGHT + w_j) * t_j) / den)
    return b_i, b_j


@dataclass
class _Proposals:
    """The bargains of one turn: (B, nb) initiators, receivers, validity; (B, nb, m) positions."""

    initiator: IntArray
    receiver: IntArray
    valid: BoolArray
    pos_i: FloatArray
    pos_j: FloatArray
    probability: FloatArray
    kind: tuple[str, ...]  # per slot of a challenge: initiator, target or compromise


def _proposals(
    x: FloatArray,
    sal: FloatArray,
    cap: FloatArray,
    weight_sum: FloatArray,
    d: FloatArray,
    r_hat: FloatArray,
    weight: FloatArray,
    resist: FloatArray,
    best: IntArray,
    has: BoolArray,
    p_best: FloatArray,
    s: _Settings,
) -> _Proposals:
    """SMPState::doBCN(i): the bargain(s) each challenger proposes to its target."""
    batch, n, _ = x.shape
    me = np.broadcast_to(np.arange(n), (batch, n))
    t_i, t_j = x, np.take_along_axis(x, best[:, :, None], axis=1)
    s_i, s_j = sal, np.take_along_axis(sal, best[:, :, None], axis=1)
    p = p_best[:, :, None]
    ii_i, ii_j = _interpolate(s.interpolation, t_i, s_i, p, t_j, s_j, 1.0 - p)
    if s.bargain_model == "InitOnlyInterp":
        return _Proposals(me, best, has, ii_i, ii_j, p_best, ("initiator",))
    # KTAB reads the target's view with get<1> of probEduChlg(j, i, i, j): the initiator's
    # expected gain as the target sees it, where its comment says a probability (smpbcn.cpp,
    # SMPState::doBCN). Reproduced as KTAB computes it.
    q = _challenge_pairs(d, r_hat, weight, resist, best, me, best, s)[:, :, None]
    ji_i, ji_j = _interpolate(s.interpolation, t_i, s_i, q, t_j, s_j, 1.0 - q)
    if s.bargain_model == "InitRcvrInterp":
        return _Proposals(
            np.repeat(me, 2, axis=1),
            np.repeat(best, 2, axis=1),
            np.repeat(has, 2, axis=1),
            np.stack([ii_i, ji_i], axis=2).reshape(batch, 2 * n, -1),
            np.stack([ii_j, ji_j], axis=2).reshape(batch, 2 * n, -1),
            np.stack([p_best, q[:, :, 0]], axis=2).reshape(batch, 2 * n),
            ("initiator", "target"),
        )
    # PWCompInterp: weights c_i * sum(s_i) and, as KTAB reads them, c_i * sum(s_j)
    w_i = (cap * weight_sum)[:, :, None]
    w_j = (cap * np.take_along_axis(weight_sum, best, axis=1))[:, :, None]
    tot = w_i + w_j
    safe = np.where(tot > 0, tot, 1.0)
    pos_i = np.where(tot > 0, (w_i * ii_i + w_j * ji_i) / safe, ii_i)
    pos_j = np.where(tot > 0, (w_i * ii_j + w_j * ji_j) / safe, ii_j)
    return _Proposals(me, best, has, pos_i, pos_j, p_best, ("compromise",))


# ----------------------------------------------------------------------------- one turn


@dataclass
class _Turn:
    """One turn's outcome for a batch: new positions and what draw 0's record needs."""

    position: FloatArray  # (B, n, m)
    risk: FloatArray  # (B, n)
    best: IntArray  # (B, n) target of each actor's challenge
    has: BoolArray  # (B, n) whether it challenges
    gain: FloatArray  # (B, n)
    proposals: _Proposals
    chosen: IntArray  # (B, n) index of the adopted proposal, -1 = status quo


def _queues(prop: _Proposals, n: int) -> tuple[IntArray, BoolArray]:
    """Every actor's options in KTAB's queue order: (B, n, L) option indices and validity.

    Option nb (the last) is the status quo. An actor's queue holds its status quo and every
    bargain it is part of, ordered by initiator (an actor's own status quo before its own
    bargain), as KTAB's sequential code pushes them.
    """
    batch, nb = prop.initiator.shape
    per = nb // n
    me = np.arange(n)[None, :, None]
    member = prop.valid[:, None, :] & (
        (prop.initiator[:, None, :] == me) | (prop.receiver[:, None, :] == me)
    )
    member = np.concatenate([member, np.ones((batch, n, 1), dtype=bool)], axis=2)
    key_bargain = 3 * prop.initiator + 1 + (np.arange(nb) % per)[None, :]  # (B, nb)
    key = np.concatenate(
        [
            np.broadcast_to(key_bargain[:, None, :], (batch, n, nb)),
            np.broadcast_to(3 * me, (batch, n, 1)),
        ],
        axis=2,
    )
    key = np.where(member, key, np.iinfo(np.intp).max)
    order = np.argsort(key, axis=2, kind="stable")
    length = int(member.sum(axis=2).max())
    queue = order[:, :, :length]
    valid = np.take_along_axis(member, queue, axis=2)
    return queue, valid


def _elect(
    f: FloatArray,
    g: FloatArray,
    queue: IntArray,
    valid: BoolArray,
    s: _Settings,
    uniforms: FloatArray | None,
) -> IntArray:
    """Each actor's choice among its queue (SMPState::queueUpdatePstn): the slot, (B, n).

    Queues of equal length are solved together, so no queue is padded to the longest one;
    the valid options of a queue are its first slots. Deterministic: the first most probable
    option (ndxMaxProb); stochastic: PRNG::probSel with the actor's uniform draw.
    """
    batch, n, _ = queue.shape
    options = f.shape[1]
    lengths = valid.sum(axis=2)
    pick = np.zeros((batch, n), dtype=np.intp)
    flat_f = f.reshape(batch, -1)
    flat_g = g.reshape(batch, -1)
    for size in np.unique(lengths):
        if size == 1:
            continue  # the status quo alone
        bs, ks = np.nonzero(lengths == size)
        q = queue[bs, ks, :size]
        idx = (q[:, :, None] * options + q[:, None, :]).reshape(bs.size, -1)
        later = np.tril(np.ones((size, size), dtype=bool), -1)
        c_f = flat_f[bs[:, None], idx]
        c = c_f if g is f else np.where(later.reshape(-1), c_f, flat_g[bs[:, None], idx])
        c = c.reshape(bs.size, size, size)
        prob = _pce(c, _victory(c, later, s.victory), np.ones((bs.size, size), bool), s.pce)
        if uniforms is None:
            pick[bs, ks] = np.argmax(prob, axis=1)
        else:
            # the first option whose cumulative probability reaches the draw, else the last
            reached = np.add.accumulate(prob, axis=1) >= uniforms[bs, ks][:, None]
            pick[bs, ks] = np.where(reached.any(axis=1), np.argmax(reached, axis=1), size - 1)
    return pick


def _turn(
    x: FloatArray,
    sal: FloatArray,
    ssq: FloatArray,
    cap: FloatArray,
    weight_sum: FloatArray,
    weight: FloatArray,
    resist: FloatArray,
    s: _Settings,
    uniforms: FloatArray | None,
) -> _Turn:
    """One turn of KTAB's SMP (SMPState::stepBCN) for a batch of states (B, n, m)."""
    batch, n, m = x.shape
    d = _distance(x, x, sal, ssq)
    risk = _risk(d, cap, s)
    r_hat = _estimate(risk[:, :, None], risk[:, None, :], s.risk_adjust)
    p, gain = _challenges(d, r_hat, weight, resist, s)

    # SMPState::bestChallenge: the first target with the largest gain above 1e-5
    eligible = (gain > _MIN_GAIN) & ~np.eye(n, dtype=bool)[None]
    best = np.argmax(np.where(eligible, gain, -np.inf), axis=2)
    has: BoolArray = np.asarray(eligible.any(axis=2))
    best = np.where(has, best, 0)
    p_best = np.take_along_axis(p, best[:, :, None], axis=2)[:, :, 0]
    g_best = np.take_along_axis(gain, best[:, :, None], axis=2)[:, :, 0]
    prop = _proposals(x, sal, cap, weight_sum, d, r_hat, weight, resist, best, has, p_best, s)

    # utility to each voter v of the state after each proposal (the mean over actors of v's
    # utility of their positions), and of the status quo (SMPState::brgnStateUtil)
    nb = prop.initiator.shape[1]
    r_own = np.diagonal(r_hat, axis1=1, axis2=2)
    u_self = _utility(d, r_own[:, :, None])  # aUtil[v](v, t)
    u_bi = _utility(_distance(x, prop.pos_i, sal, ssq), risk[:, :, None])
    u_bj = _utility(_distance(x, prop.pos_j, sal, ssq), risk[:, :, None])
    acc = u_bi + u_bj
    step = _chunk(n, batch * n * nb)
    for a in range(0, n, step):
        ts = np.arange(a, min(n, a + step))[:, None, None]
        keep = (prop.initiator[None] != ts) & (prop.receiver[None] != ts)  # (T, B, nb)
        own = np.moveaxis(u_self[:, :, a : a + step], 2, 0)[:, :, :, None]  # (T, B, n, 1)
        acc = _add_in_order(acc, np.where(keep[:, :, None, :], own, 0.0))
    sq = _seq_sum(u_self, 2)
    util = np.concatenate([acc, sq[:, :, None]], axis=2) / float(n)

    # each actor's capability-weighted election among its own queue (scalarPCE)
    f, g = _coalitions(util, cap, s.vote)
    queue, qvalid = _queues(prop, n)
    pick = _elect(f, g, queue, qvalid, s, uniforms)
    option = np.take_along_axis(queue, pick[:, :, None], axis=2)[:, :, 0]
    chosen = np.where(option == nb, -1, option)
    safe = np.maximum(chosen, 0)
    me = np.arange(n)[None, :]
    as_init = np.take_along_axis(prop.initiator, safe, axis=1) == me
    new_i = np.take_along_axis(prop.pos_i, safe[:, :, None], axis=1)
    new_j = np.take_along_axis(prop.pos_j, safe[:, :, None], axis=1)
    moved = np.where(as_init[:, :, None], new_i, new_j)
    position = np.where((chosen >= 0)[:, :, None], moved, x)
    return _Turn(position, risk, best, has, g_best, prop, chosen)


# ----------------------------------------------------------------------------- the forecast


def _representatives(x: FloatArray) -> BoolArray:
    """State::setUENdx: the first actor of each group of positions nearer than 1e-3, (B, n)."""
    batch, n, m = x.shape
    rep = np.zeros((batch, n), dtype=bool)
    for i in range(n):
        diff = x[:, i, None, :] - x[:, :i, :]
        sq = np.zeros((batch, i))
        for k in range(m):
            sq = sq + diff[:, :, k] * diff[:, :, k]
        near = np.sqrt(sq) < _SAME_POSITION
        rep[:, i] = ~(near & rep[:, :i]).any(axis=1)
    return rep


def _outcome(
    x: FloatArray, sal: FloatArray, ssq: FloatArray, cap: FloatArray, s: _Settings
) -> FloatArray:
    """SMPState::pDist(-1) at a state, and the expected position under it, (B, m).

    The options are the distinct positions (KTAB's unique indices: the first actor of each
    group nearer than 1e-3); voter v values each with its own risk-aware utility and votes
    with its capability. KTAB takes the actors in the order they are listed, so which
    position stands for a group depends on that order; here they are taken in order of
    position (lexicographic), so the forecast does not depend on how actors are listed.
    """
    n = x.shape[1]
    order = np.lexsort(np.moveaxis(x[:, :, ::-1], 2, 0), axis=-1)
    x = np.take_along_axis(x, order[:, :, None], axis=1)
    sal = np.take_along_axis(sal, order[:, :, None], axis=1)
    ssq = np.take_along_axis(ssq, order, axis=1)
    cap = np.take_along_axis(cap, order, axis=1)
    d = _distance(x, x, sal, ssq)
    risk = _risk(d, cap, s)
    r_own = _estimate(risk, risk, s.risk_adjust)
    u = _utility(d, r_own[:, :, None])
    f, g = _coalitions(u, cap, s.vote)
    later = np.tril(np.ones((n, n), dtype=bool), -1)
    c = _oriented(f, g, later)
    rep = _representatives(x)
    prob = _pce(c, _victory(c, later, s.victory), rep, s.pce)
    return _seq_sum(prob[:, :, None] * x, 1)


# ----------------------------------------------------------------------------- a run


def _state_distance(a: FloatArray, b: FloatArray) -> FloatArray:
    """SMPModel::stateDist: the sum over actors of the Euclidean length of their moves, (B,)."""
    diff = a - b
    sq = np.zeros(diff.shape[:2])
    for k in range(diff.shape[2]):
        sq = sq + diff[:, :, k] * diff[:, :, k]
    return _seq_sum(np.sqrt(sq), 1)


@dataclass
class _Record:
    """Draw 0's records of one turn (indices into the model's actors)."""

    risk: FloatArray  # (n,)
    challenges: Challenges
    partner: IntArray  # (n,) the actor each one bargained with (-1: kept its position)


@dataclass
class _Run:
    """A block's trajectories: positions per turn (B, n, m), turns and forecasts per draw."""

    position: list[FloatArray]
    turns: IntArray
    forecast: FloatArray
    records: list[_Record | None]


def _record(turn: _Turn, n: int) -> _Record:
    prop = turn.proposals
    per = prop.initiator.shape[1] // n
    used = np.flatnonzero(prop.valid[0])
    initiator = prop.initiator[0, used]
    target = prop.receiver[0, used]
    slot = np.full(prop.initiator.shape[1], -1)
    slot[used] = np.arange(used.size)
    chosen = turn.chosen[0]
    adopted = np.where(chosen >= 0, slot[np.maximum(chosen, 0)], -1)
    me = np.arange(n)
    first = np.append(initiator, -1)[adopted]  # -1 (past the end) for no bargain
    second = np.append(target, -1)[adopted]
    partner = np.where(first == me, second, first)
    challenges = Challenges(
        initiator=initiator,
        target=target,
        perspective=tuple(prop.kind[a % per] for a in used),
        probability=prop.probability[0, used],
        gain=turn.gain[0, initiator],
        initiator_position=prop.pos_i[0, used],
        target_position=prop.pos_j[0, used],
        adopted=adopted,
    )
    return _Record(turn.risk[0].copy(), challenges, partner)


def _simulate(
    x0: FloatArray,
    sal: FloatArray,
    cap: FloatArray,
    s: _Settings,
    uniforms: FloatArray | None,
    record: bool,
) -> _Run:
    """Run the turns for a block of draws; a draw that has stopped keeps its final state."""
    batch, n, m = x0.shape
    ssq = _seq_sum(sal * sal, 2)
    weight_sum = _seq_sum(sal, 2)
    weight = weight_sum * cap
    resist = weight_sum
    x = x0.copy()
    run = _Run([x0.copy()], np.zeros(batch, dtype=np.intp), np.zeros((batch, m)), [None])
    active = np.arange(batch)
    first = np.zeros(batch)
    for t in range(1, s.max_turns + 1):
        sub = np.ix_(active)
        xa = x[sub]
        draws = None if uniforms is None else uniforms[active, t - 1]
        turn = _turn(xa, sal[sub], ssq[sub], cap[sub], weight_sum[sub], weight[sub],
                     resist[sub], s, draws)  # fmt: skip
        moved = _state_distance(xa, turn.position)
        if t == 1:
            first[active] = moved + s.min_delta
        ratio = moved / first[active]
        stop = (t >= s.max_turns) | ((t >= s.min_turns) & (ratio < s.tolerance))
        run.records.append(_record(turn, n) if record and active[0] == 0 else None)
        record = record and active[0] == 0
        x = x.copy()
        x[active] = turn.position
        run.position.append(x)
        done = active[stop]
        if done.size:
            run.turns[done] = t
            run.forecast[done] = _outcome(x[done], sal[done], ssq[done], cap[done], s)
        active = active[~stop]
        if active.size == 0:
            break
    return run


# ----------------------------------------------------------------------------- inputs


@dataclass
class _Prepared:
    """The model's arrays: the actors taking part, their positions, saliences, capabilities."""

    actors: IntArray  # indices of the actors present on at least one issue
    position: FloatArray  # (B, n, m) on [0, 1]
    salience: FloatArray  # (B, n, m)
    capability: FloatArray  # (B, n)
    low: FloatArray  # (B, m) range of the present actors' positions
    high: FloatArray


def _capability_unit(cap: FloatArray) -> FloatArray:
    """The factor per draw that makes the largest capability 100, KTAB's customary scale, (B,).

    KTAB's guard constants (1e-8, 1e-10) are absolute, so KTAB's results depend on the unit of
    capability, noticeably once positions converge and votes become small. Rescaling to a
    largest capability of 100 makes the model independent of the unit (up to rounding) and
    leaves KTAB's examples whose largest capability is 100 exactly as KTAB computes them.
    """
    top = cap.max(axis=1) if cap.shape[1] else np.zeros(cap.shape[0])
    return _CAPABILITY_SCALE / np.where(top > 0, top, _CAPABILITY_SCALE)


def _prepare(inputs: Inputs) -> _Prepared:
    """Apply the model's input rules (docs/models/smp.md, "Inputs and edge cases")."""
    present = np.asarray(inputs.present, dtype=bool)
    actors = np.flatnonzero(present.any(axis=1))
    pres = present[actors]
    x = np.clip(inputs.position[:, actors, :], 0.0, 1.0)
    sal = np.where(pres[None], np.clip(inputs.salience[:, actors, :], 0.0, None), 0.0)
    total = _seq_sum(sal, 2)
    sal = np.where(total[:, :, None] > 1.0, sal / np.maximum(total, 1.0)[:, :, None], sal)
    cap = np.clip(inputs.capability[:, actors], 0.0, None)
    cap = cap * _capability_unit(cap)[:, None]
    # an actor absent from an issue stands at the issue's weighted median there, uncaring
    if not pres.all():
        w = effective_weights(cap, sal, pres)
        median = weighted_median(x, w)
        x = np.where(pres[None], x, median[:, None, :])
    shown = np.where(pres[None], x, np.nan)
    low = np.nan_to_num(np.nanmin(shown, axis=1, initial=np.inf), posinf=0.5)
    high = np.nan_to_num(np.nanmax(shown, axis=1, initial=-np.inf), neginf=0.5)
    return _Prepared(actors, x, sal, cap, low, high)


# ----------------------------------------------------------------------------- the model


class SMPModel(Model):
    """KTAB's Spatial Model of Politics; see the module docstring and docs/models/smp.md."""

    info = ModelInfo(
        name="smp",
        title="Spatial model of politics (KTAB, KAPSARC)",
        citation=(
            "Wise, B., Lester, L. & Efird, B. (2015). An introduction to the KAPSARC Toolkit for "
            "Behavioral Analysis (KTAB) using one-dimensional spatial models; and Multidimensional "
            "bargaining using KTAB (2016). KAPSARC discussion papers, King Abdullah Petroleum "
            "Studies and Research Center, Riyadh. KAPSARC (2015-2019). KTAB: the KAPSARC Toolkit "
            "for Behavioral Analysis, version 1.4, MIT licence. https://github.com/KAPSARC/KTAB"
        ),
        summary=(
            "Each turn every actor challenges the rival it gains most by challenging (a "
            "probabilistic Condorcet contest with third parties and risk attitudes), the two "
            "sides agree on a salience- and probability-weighted bargain, and each actor adopts "
            "the bargain (or status quo) a capability-weighted vote favours. Any number of "
            "issues, solved together; the forecast is the final state's expected position."
        ),
        deterministic=True,
        iterative=True,
        pairwise=True,
        separable=False,
        variants=("deterministic", "stochastic"),
        parameters=(
            Parameter("rounds", 100, "The most turns (KTAB's maxIter).", 1, 10000),
            Parameter("min_rounds", 2, "The fewest turns (KTAB's minIter).", 1, 10000),
            Parameter(
                "tolerance",
                0.02,
                "Stop when a turn's total movement is below this share of the first turn's "
                "(KTAB's minDeltaRatio).",
                0,
                1,
            ),
            Parameter(
                "min_delta",
                1e-4,
                "Added to the first turn's movement before the ratio (KTAB's minSigDelta).",
                0,
                1,
            ),
            Parameter(
                "vote_rule",
                VOTE_RULES[0],
                "KTAB's VotingRule: how an actor's vote grows with its utility difference.",
                choices=VOTE_RULES,
            ),
            Parameter(
                "victory",
                VICTORY_MODELS[0],
                "KTAB's VictoryProbModel: P(a beats b) from coalition strengths.",
                choices=VICTORY_MODELS,
            ),
            Parameter(
                "pce",
                PCE_MODELS[0],
                "KTAB's PCEModel: the probabilistic Condorcet election.",
                choices=PCE_MODELS,
            ),
            Parameter(
                "risk_range",
                RISK_RANGES[0],
                "KTAB's BigRRange: the range of risk attitudes ([-1/2, 1], [0, 1], [-1, 1]).",
                choices=RISK_RANGES,
            ),
            Parameter(
                "risk_adjust",
                RISK_ADJUSTMENTS[0],
                "KTAB's BigRAdjust: how far an actor's estimate of another's risk attitude "
                "moves from its own toward the truth.",
                choices=RISK_ADJUSTMENTS,
            ),
            Parameter(
                "third_party",
                THIRD_PARTY_COMMITMENTS[0],
                "KTAB's ThirdPartyCommit: what a third party risks by joining a side.",
                choices=THIRD_PARTY_COMMITMENTS,
            ),
            Parameter(
                "bargain_interp",
                BARGAIN_INTERPOLATIONS[0],
                "KTAB's InterVecBrgn: the weights of a bargain (salience^2 x probability^2).",
                choices=BARGAIN_INTERPOLATIONS,
            ),
            Parameter(
                "bargain_model",
                BARGAIN_MODELS[0],
                "KTAB's BargnModel: whose estimate of the contest the bargain uses.",
                choices=BARGAIN_MODELS,
            ),
        ),
    )

    def uses_random(self, params: Mapping[str, Any], variant: str) -> bool:
        """Only the stochastic variant draws random numbers."""
        return variant == "stochastic"

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        """Run KTAB's SMP on every draw of ``inputs``.

        Parameters
        ----------
        inputs
            Batched inputs: capability (B, n), position and salience (B, n, m) on [0, 1],
            present (n, m).
        params
            Resolved parameters (see ``SMPModel.info.parameters``).
        variant
            ``deterministic`` (KTAB's default: each actor adopts its most probable option) or
            ``stochastic`` (it draws one with those probabilities).
        rng
            Used by the stochastic variant only: one seed per draw is drawn from it first, so
            draw b's run depends only on its seed.

        Returns
        -------
        Solution
            ``forecast`` (B, m): the expected position of each draw's final state; ``rounds``:
            turn 0 (the input) and one :class:`RoundArrays` per turn, as many as the longest
            draw ran (a draw that stopped earlier repeats its final state); ``extras["turns"]``
            lists the turns each draw ran.
        """
        s = _Settings.of(params, variant)
        prep = _prepare(inputs)
        batch, n_all, m = inputs.position.shape
        n = prep.actors.size
        seeds = np.asarray(rng.integers(0, 2**63 - 1, size=batch)) if s.stochastic else None
        if n == 0:
            runs = [_Run([prep.position], np.zeros(batch, dtype=np.intp),
                         np.full((batch, m), 0.5), [None])]  # fmt: skip
        else:
            block = max(1, _BLOCK_CELLS // (n * n))

            def solve_block(start: int) -> _Run:
                part = slice(start, start + block)
                uniforms = None
                if seeds is not None:
                    uniforms = np.stack(
                        [
                            np.random.default_rng(int(z)).random((s.max_turns, n))
                            for z in seeds[part]
                        ]
                    )
                return _simulate(prep.position[part], prep.salience[part],
                                 prep.capability[part], s, uniforms, start == 0)  # fmt: skip

            runs = solve_blocks(solve_block, batch, block, self.threads)
        return _assemble(inputs, prep, runs)

    def round_details(self, ra: RoundArrays, arrays: ScenarioArrays) -> dict[str, Any]:
        """Draw 0's records of a turn with actor names and positions in the issues' units.

        Parameters
        ----------
        ra
            One turn of a :class:`Solution` from :meth:`solve`.
        arrays
            The scenario's arrays (names, scales).

        Returns
        -------
        dict
            The base records (``moves``: who moved on which issue, toward whom) and
            ``risk_attitude`` (actor -> R in [-1, 1]) and ``challenges`` (a list of
            {initiator, target, perspective, probability, gain, bargain: {issue:
            {initiator, target}}, adopted_by}), when the turn has them.
        """
        out = super().round_details(ra, arrays)
        risk = ra.extras.get("risk_attitude")
        if risk is not None:
            out["risk_attitude"] = {
                actor: float(np.round(risk[i], 12))
                for i, actor in enumerate(arrays.actors)
                if np.isfinite(risk[i])
            }
        ch = ra.extras.get("challenges")
        if isinstance(ch, Challenges):
            names = arrays.actors
            out["challenges"] = [
                {
                    "initiator": names[ch.initiator[a]],
                    "target": names[ch.target[a]],
                    "perspective": ch.perspective[a],
                    "probability": float(np.round(ch.probability[a], 12)),
                    "gain": float(np.round(ch.gain[a], 12)),
                    "bargain": {
                        issue: {
                            "initiator": arrays.value_in_units(k, ch.initiator_position[a, k]),
                            "target": arrays.value_in_units(k, ch.target_position[a, k]),
                        }
                        for k, issue in enumerate(arrays.issues)
                    },
                    "adopted_by": [names[i] for i in ch.adopted_by(a)],
                }
                for a in range(ch.initiator.size)
            ]
        return out


def _assemble(inputs: Inputs, prep: _Prepared, runs: list[_Run]) -> Solution:
    """Join the blocks' runs into rounds over every actor; draw 0's records come from block 0."""
    batch, n_all, m = inputs.position.shape
    count = max(len(r.position) for r in runs)
    eff = effective_weights(inputs.capability, inputs.salience, inputs.present)
    turns = np.concatenate([r.turns for r in runs])
    forecast = np.concatenate([r.forecast for r in runs])
    forecast = np.clip(forecast, prep.low, prep.high)
    if prep.actors.size == 0:
        turns[:] = 0
    rounds: list[RoundArrays] = []
    for step in range(count):
        part = [r.position[min(step, len(r.position) - 1)] for r in runs]
        pos = np.clip(inputs.position, 0.0, 1.0).astype(float, copy=True)
        pos[:, prep.actors, :] = np.concatenate(part)
        first = runs[0]
        rec = first.records[step] if step < len(first.records) else None
        extras: dict[str, Any] = {}
        moves: tuple[Move, ...] = ()
        if rec is not None:
            actors = prep.actors
            risk = np.full(n_all, np.nan)
            risk[actors] = rec.risk
            ch = rec.challenges
            adopted = np.full(n_all, -1)
            adopted[actors] = ch.adopted
            extras["risk_attitude"] = risk
            extras["challenges"] = Challenges(
                actors[ch.initiator], actors[ch.target], ch.perspective, ch.probability,
                ch.gain, ch.initiator_position, ch.target_position, adopted,
            )  # fmt: skip
            before = rounds[-1].position[0, actors]
            after = pos[0, actors]
            changed = (after != before) & inputs.present[actors] & (rec.partner >= 0)[:, None]
            moves = tuple(
                Move(int(k), int(actors[i]), int(actors[rec.partner[i]]), "bargain",
                     float(before[i, k]), float(after[i, k]))
                for i, k in zip(*np.nonzero(changed), strict=True)
            )  # fmt: skip
        median = weighted_median(pos, eff)
        mean = weighted_mean(pos, eff)
        rounds.append(RoundArrays(pos, median, mean, extras=extras, moves=moves))
    return Solution(
        forecast=forecast,
        rounds=tuple(rounds),
        extras={"turns": [int(t) for t in turns]},
    )


# ----------------------------------------------------------------------------- KTAB's shape


def ktab_positions(result: Solution | RunResult, draw: int = 0) -> pd.DataFrame:
    """A run's positions in the shape of KTAB's reference files (``positions_<case>.tsv``).

    Parameters
    ----------
    result
        A :class:`Solution` from :meth:`SMPModel.solve` (positions on [0, 1] are multiplied by
        100, KTAB's scale) or a :class:`~winset.results.RunResult` (positions in the issues'
        units, which for a KTAB CSV file are KTAB's 0-100).
    draw
        Which draw of a Solution (a RunResult holds draw 0 only).

    Returns
    -------
    pandas.DataFrame
        Columns ``turn``, ``actor`` (index), ``dim`` (index), ``position`` rounded to 2
        decimals as KTAB prints them; one row per turn, actor and issue, turn 0 being the
        input, in that order, for the turns the draw ran. Actors absent from an issue of a
        RunResult have no row for it.
    """
    import pandas as pd

    rows: list[tuple[int, int, int, float]] = []
    if isinstance(result, Solution):
        turns = result.extras.get("turns")
        last = int(turns[draw]) if turns else len(result.rounds) - 1
        for t, ra in enumerate(result.rounds[: last + 1]):
            pos = ra.position[draw]
            for i in range(pos.shape[0]):
                for k in range(pos.shape[1]):
                    rows.append((t, i, k, round(float(100.0 * pos[i, k]), 2)))
    else:
        actors = list(result.actors)
        for rnd in result.rounds:
            for i, actor in enumerate(actors):
                for k, issue in enumerate(result.issues):
                    value = rnd.issues[issue].positions.get(actor)
                    if value is not None:
                        rows.append((rnd.round, i, k, round(float(value), 2)))
    return pd.DataFrame(rows, columns=["turn", "actor", "dim", "position"])
