"""Stokman's equal-gain exchange model (issue linkage and vote trading), as decide computes it.

Two actors who stand on opposite sides of the outcome on two issues can trade votes: each
shifts its voting position on the issue it cares relatively less about toward the other's
position, by amounts that give both the same gain in expected utility, and never so far that
an outcome passes the position of the actor who asked for the shift. Every candidate exchange
of a round is computed; the one with the largest gain is made, the candidates it touches are
recomputed (or dropped), and so on until none is left. The outcome of an issue is the
capability x salience weighted mean of the voting positions (decide calls it the NBS); after
the round, the actors that traded move their preferences part of the way toward their voting
positions, and the next round starts from there.

The model follows the public ``decide-exchange-model`` program (``decide/model/equalgain.py``,
``decide/model/base.py``, ``decide/model/calculations.py``, ``decide/model/utils.py``) rule for
rule; docs/models/exchange.md gives the equations, the citations and every place where decide's
code and the papers part (Stokman & Van Oosten 1994; Dijkstra, Van Assen & Stokman 2008).

Arithmetic. decide computes in Python decimals with 28 significant digits, and its results
depend on them: mathematically equal gains are ordered by their last digit, and whether an
outcome that sits exactly on a demander's position may be pushed past it is settled by the
sign of a rounding residue of 1e-26. Two arithmetics are offered:

``float`` (default)
    float64 and fully vectorised over draws. The decisions decide takes on exact equality are
    taken with a tolerance (gains within a relative 1e-9 are equal, positions within 1e-9 of
    the 0-100 scale coincide), so that ties do not depend on rounding: equal gains go to the
    exchange created first, and an outcome exactly at a demander's position counts as there
    (decide's code then lets the exchange through).
``decimal``
    decide's own arithmetic (28-digit decimals in NumPy object arrays, the decisions exact).
    It reproduces decide's rounds digit for digit from decide's inputs (for a winset scenario:
    exactly on issues whose scale is 0-100; see :meth:`DecideFile.decimal_inputs
    <winset.scenario.decide.DecideFile.decimal_inputs>` for the others). One run takes about
    three times as long as in float, and many draws gain nothing from the batch; use it to
    compare with decide, not for Monte Carlo.

Everything is batched over a leading axis of draws; a draw's results never depend on the
other draws of its batch. Candidates live in a fixed table per block of draws (every issue
pair x every actor pair), so the candidates an exchange touches are found by index, not by
search; the only Python loops are over rounds and over the exchanges made in a round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.models.base import Inputs, Model, ModelInfo, Parameter, RoundArrays, Solution
from winset.models.common import (
    effective_weights,
    solve_blocks,
    weighted_mean,
    weighted_median,
)
from winset.scenario.arrays import ScenarioArrays

__all__ = [
    "ARITHMETICS",
    "ExchangeModel",
    "ExchangeRecord",
    "ExchangeRoundArrays",
    "ExchangeRun",
    "exchange_rounds",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
AnyArray = NDArray[Any]

ARITHMETICS = ("float", "decimal")
TIES = ("first", "random")

# float arithmetic: decisions decide takes on exact equality use these tolerances
_TOL_POSITION = 1e-9  # on decide's 0-100 scale
_TOL_GAIN = 1e-9  # relative
# decide's thresholds (compared with Python floats, so with their exact binary values)
_TINY = 1e-10
_DECIDE_PRECISION = 28
# candidates per chunk when whole rounds are computed at once (bounds the (K, n) arrays)
_CHUNK = 20_000
# draws per block: about this many table cells (draws x candidates) per block
_BLOCK_CELLS = 400_000


# ----------------------------------------------------------------------------- arithmetic


@dataclass(frozen=True)
class _Kit:
    """The numbers one solve computes with: float64, or decide's decimals in object arrays."""

    decimal: bool
    salience_weight: Any
    fixed_weight: Any
    p: Any
    zero: Any
    one: Any
    hundred: Any
    tiny: Any
    inf: Any
    tol: Any  # absolute tolerance on the 0-100 scale (0 in decimal)
    rel: float  # relative tolerance of equal gains (0 in decimal)

    @classmethod
    def make(cls, decimal: bool, salience_weight: float, fixed_weight: float, p: float) -> _Kit:
        if decimal:
            return cls(
                decimal=True,
                # decide: decimal.Decimal(0.4), the float's exact binary value
                salience_weight=Decimal(float(salience_weight)),
                fixed_weight=Decimal(float(fixed_weight)),
                # decide reads p from the command line as decimal text
                p=Decimal(repr(float(p))),
                zero=Decimal(0),
                one=Decimal(1),
                hundred=Decimal(100),
                tiny=Decimal(_TINY),
                inf=Decimal("Infinity"),
                tol=Decimal(0),
                rel=0.0,
            )
        return cls(
            decimal=False,
            salience_weight=float(salience_weight),
            fixed_weight=float(fixed_weight),
            p=float(p),
            zero=0.0,
            one=1.0,
            hundred=100.0,
            tiny=_TINY,
            inf=np.inf,
            tol=_TOL_POSITION,
            rel=_TOL_GAIN,
        )

    def full(self, shape: tuple[int, ...], value: Any) -> AnyArray:
        if self.decimal:
            return np.full(shape, value, dtype=object)
        return np.full(shape, float(value))

    def convert(self, values: AnyArray) -> AnyArray:
        """Inputs in this arithmetic.

        Decimal reads each float as its shortest decimal text, so that a number typed as a
        decimal is exactly that decimal; Decimal values are kept as they are.
        """
        values = np.asarray(values)
        if not self.decimal:
            return values.astype(float)
        out = np.empty(values.shape, dtype=object)
        out.ravel()[:] = [
            v if isinstance(v, Decimal) else Decimal(v if isinstance(v, int) else repr(float(v)))
            for v in values.flat
        ]
        return out

    def divide(self, num: AnyArray, den: AnyArray, where: BoolArray) -> AnyArray:
        """Return num / den where ``where``, else 0 (decimal division by zero would raise)."""
        safe = np.where(where, den, self.one)
        return np.where(where, num / safe, self.zero)


def _seq_sum(terms: AnyArray) -> AnyArray:
    """Sum over the last axis in index order, starting from 0, as Python's ``sum`` does.

    Row by row, so a draw's sums never depend on the other draws (no BLAS, no pairwise
    summation whose order changes with the shape).
    """
    if terms.dtype == object:
        acc: AnyArray = np.full(terms.shape[:-1], Decimal(0), dtype=object)
    else:
        acc = np.zeros(terms.shape[:-1])
    for i in range(terms.shape[-1]):
        acc = acc + terms[..., i]
    return acc


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class _Table:
    """Every candidate slot: issue pair t (p < q, in order) x actor pair k (u < v, in order)."""

    n: int
    m: int
    tp: IntArray  # (T,)
    tq: IntArray
    au: IntArray  # (P,)
    av: IntArray
    issue_pairs: IntArray  # (m, m-1): the issue pairs that contain issue e
    actor_pairs: IntArray  # (n, n-1): the actor pairs that contain actor a

    @property
    def pairs(self) -> int:
        return len(self.au)

    @property
    def size(self) -> int:
        return len(self.tp) * len(self.au)

    @classmethod
    def make(cls, n: int, m: int) -> _Table:
        tpairs = list(combinations(range(m), 2))
        apairs = list(combinations(range(n), 2))
        tp = np.array([p for p, _ in tpairs], dtype=np.intp)
        tq = np.array([q for _, q in tpairs], dtype=np.intp)
        au = np.array([u for u, _ in apairs], dtype=np.intp)
        av = np.array([v for _, v in apairs], dtype=np.intp)
        ip = np.array(
            [[t for t, (p, q) in enumerate(tpairs) if e in (p, q)] for e in range(m)],
            dtype=np.intp,
        ).reshape(m, max(m - 1, 0))
        ap = np.array(
            [[k for k, (u, v) in enumerate(apairs) if a in (u, v)] for a in range(n)],
            dtype=np.intp,
        ).reshape(n, max(n - 1, 0))
        return cls(n, m, tp, tq, au, av, ip, ap)


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ExchangeRecord:
    """One exchange made (indices into the actors and issues; positions on [0, 1]).

    ``actor`` shifts its vote on ``gives`` from ``actor_from`` to ``actor_to`` toward
    ``partner``, who shifts its vote on ``gets`` (the issue ``actor`` cares about more) from
    ``partner_from`` to ``partner_to``. ``actor_gain`` and ``partner_gain`` are the gains in
    expected utility in decide's units (the outcome's shift on the 0-100 scale x salience);
    they are equal unless p > 0. ``gain`` is the equal gain the exchange was ranked by.
    """

    actor: int
    partner: int
    gives: int
    gets: int
    actor_from: float
    actor_to: float
    partner_from: float
    partner_to: float
    gain: float
    actor_gain: float
    partner_gain: float


@dataclass(frozen=True, eq=False)
class ExchangeRoundArrays(RoundArrays):
    """A round of the exchange model: the voting positions and their outcome, plus its own.

    ``position`` holds the voting positions (B, n, m), ``mean`` their outcome (the c·s
    weighted mean, B x m) and ``median`` their weighted median; ``after_update`` is the
    outcome of the preferences after the round's update (B, m); ``exchanges`` counts the
    exchanges made per draw (B,) and ``candidates`` the candidate exchanges computed at the
    start of the round (B,). ``records`` are draw 0's exchanges in the order made, and
    ``candidate_gains`` draw 0's gains of the valid candidates at the start, largest first.
    """

    after_update: FloatArray | None = None
    exchanges: IntArray | None = None
    candidates: IntArray | None = None
    records: tuple[ExchangeRecord, ...] = ()
    candidate_gains: tuple[float, ...] = ()


@dataclass(frozen=True, eq=False)
class ExchangeRun:
    """The output of :func:`exchange_rounds`: round 0 (the input) and every round after.

    Positions and outcomes are on decide's 0-100 scale, in the arithmetic of the run (float,
    or :class:`~decimal.Decimal` in object arrays); ``records[r]`` are draw 0's exchanges of
    round r, ``candidate_gains[r]`` draw 0's valid candidates' gains at the start of round r.
    """

    vote: tuple[AnyArray, ...]  # (B, n, m) per round
    preference: tuple[AnyArray, ...]  # (B, n, m): the start of the next round
    outcome: tuple[AnyArray, ...]  # (B, m): outcome of the voting positions
    after_update: tuple[AnyArray, ...]  # (B, m): outcome of the updated preferences
    exchanges: tuple[IntArray, ...]  # (B,)
    candidates: tuple[IntArray, ...]  # (B,)
    records: tuple[tuple[ExchangeRecord, ...], ...]
    candidate_gains: tuple[tuple[float, ...], ...]


# ----------------------------------------------------------------------------- one round

# a candidate's state, packed per candidate so that one gather reads it all
_FIELDS = (
    "posI", "posJ", "mI", "mJ", "yI", "yJ", "gain", "gainI", "gainJ",
    "hsumI", "hminI", "hmaxI", "hsumJ", "hminJ", "hmaxJ",
)  # fmt: skip
_F = {name: k for k, name in enumerate(_FIELDS)}
_WRITE = [_F[k] for k in ("mI", "mJ", "yI", "yJ", "gain", "gainI", "gainJ")]


@dataclass
class _Side:
    """One side of a batch of K candidates: the actor, its supply and demand issue, state."""

    b: IntArray
    actor: IntArray
    sup: IntArray
    dem: IntArray
    pos: AnyArray  # current position on the supply issue
    dempos: AnyArray  # round-start position on the demand issue
    s_sup: AnyArray
    s_dem: AnyArray
    c: AnyArray
    w_sup: AnyArray  # total c·s on the supply issue
    move: AnyArray
    y: AnyArray
    hsum: AnyArray  # earlier moves of this side: their running sum, min, max
    hmin: AnyArray
    hmax: AnyArray


class _Round:
    """One round of one block of draws: the candidate table and its state."""

    def __init__(
        self,
        kit: _Kit,
        table: _Table,
        x: AnyArray,
        s: AnyArray,
        c: AnyArray,
        active: BoolArray,
        gens: Sequence[np.random.Generator] | None,
        ties: str,
    ) -> None:
        self.kit, self.table, self.gens, self.ties = kit, table, gens, ties
        self.x, self.s, self.c, self.active = x, s, c, active
        batch, n, m = x.shape
        self.batch = batch
        with np.errstate(all="ignore"):
            terms = s * c[:, :, None]  # decide sums salience * power
            terms = np.where(active, terms, kit.zero)
            self.total = _seq_sum(np.moveaxis(terms, 1, 2))  # (B, m)
            self.has = self.total > kit.zero
            num = _seq_sum(np.moveaxis(np.where(active, x * s * c[:, :, None], kit.zero), 1, 2))
            self.num = num
            self.nbs = kit.divide(num, self.total, self.has)
        # the demander's view of each issue: position overrides set by exchanges made
        self.upd_val = kit.full((batch, n, m, n), kit.zero)
        self.upd_set = np.zeros((batch, n, m, n), dtype=bool)
        if not kit.decimal:
            # float: the view's numerator, kept up to date (decimal recomputes it in order)
            self.view = np.broadcast_to(num[:, None, :], (batch, n, m)).copy()
        self._build()

    # ------------------------------------------------------------------ candidates

    def _build(self) -> None:
        kit, tb = self.kit, self.table
        batch, n, m = self.x.shape
        size = tb.size
        u, v, tp, tq = tb.au, tb.av, tb.tp, tb.tq
        # decide: an actor is "left" of the outcome when its position is at most the outcome
        bound = self.nbs[:, None, :] if kit.decimal else self.nbs[:, None, :] + kit.tol
        left = self.x <= bound
        group = left[:, :, tp].astype(np.int8) | (left[:, :, tq].astype(np.int8) << 1)  # (B,n,T)
        act = self.active[:, :, tp] & self.active[:, :, tq]  # (B, n, T)
        gu = group[:, u, :].transpose(0, 2, 1)  # (B, T, P)
        gv = group[:, v, :].transpose(0, 2, 1)
        both = act[:, u, :].transpose(0, 2, 1) & act[:, v, :].transpose(0, 2, 1)
        cand = both & (gu + gv == 3)
        first_is_u = gu <= 1  # the member of group A (or B) is decide's i
        first = np.where(first_is_u, u[None, None, :], v[None, None, :])
        second = np.where(first_is_u, v[None, None, :], u[None, None, :])
        kind = (np.minimum(gu, gv) == 1).astype(np.int64)  # A-D pairs first, then B-C
        t_index = np.arange(len(tp), dtype=np.int64)[None, :, None]
        key = ((t_index * 2 + kind) * n + first) * n + second
        self.cand = cand.reshape(batch, size)
        self.key = key.reshape(batch, size)
        first = first.reshape(batch, size)
        second = second.reshape(batch, size)
        self.ids = np.zeros((batch, size, 2), dtype=np.intp)  # i (demands p), j (demands q)
        self.val = kit.full((batch, size, len(_FIELDS)), kit.zero)
        for side in ("I", "J"):
            self.val[:, :, _F[f"hmin{side}"]] = kit.inf
            self.val[:, :, _F[f"hmax{side}"]] = -kit.inf
        self.alive = np.zeros((batch, size), dtype=bool)
        bi, ui = np.nonzero(self.cand)
        self.created = self.cand.sum(axis=1)
        if not kit.decimal:
            # float selection: gains with -inf where nothing is on offer, and their maximum per
            # issue pair, kept up to date (an exchange only changes the pairs of its issues)
            self.masked = np.full((batch, size), -np.inf)
            self.seg = np.full((batch, len(tp)), -np.inf)
        if bi.size == 0:
            return
        t = ui // tb.pairs
        p, q = tp[t], tq[t]
        a1, a2 = first[bi, ui], second[bi, ui]
        s = self.s
        # decide: if s[i,p] / s[i,q] < s[j,p] / s[j,q], j demands p and supplies q
        swap = (s[bi, a1, p] / s[bi, a1, q]) < (s[bi, a2, p] / s[bi, a2, q])
        ia, ja = np.where(swap, a2, a1), np.where(swap, a1, a2)
        self.ids[bi, ui, 0], self.ids[bi, ui, 1] = ia, ja
        self.val[bi, ui, _F["posI"]] = self.x[bi, ia, q]
        self.val[bi, ui, _F["posJ"]] = self.x[bi, ja, p]
        for start in range(0, bi.size, _CHUNK):
            part = slice(start, start + _CHUNK)
            self._calculate(bi[part], ui[part])
        if not kit.decimal:
            self.seg = self.masked.reshape(batch, len(tp), tb.pairs).max(axis=2)

    # ------------------------------------------------------------------ one candidate

    def _sides(self, bi: IntArray, ui: IntArray) -> tuple[_Side, _Side]:
        tb = self.table
        t = ui // tb.pairs
        p, q = tb.tp[t], tb.tq[t]
        ids = self.ids[bi, ui]
        row = self.val[bi, ui]
        x, s, c, total = self.x, self.s, self.c, self.total

        def side(actor: IntArray, sup: IntArray, dem: IntArray, tag: str) -> _Side:
            def field(name: str) -> AnyArray:
                return row[:, _F[name + tag]]

            return _Side(
                b=bi,
                actor=actor,
                sup=sup,
                dem=dem,
                pos=field("pos"),
                dempos=x[bi, actor, dem],
                s_sup=s[bi, actor, sup],
                s_dem=s[bi, actor, dem],
                c=c[bi, actor],
                w_sup=total[bi, sup],
                move=field("m"),
                y=field("y"),
                hsum=field("hsum"),
                hmin=field("hmin"),
                hmax=field("hmax"),
            )

        # actor i supplies on q and demands on p; actor j the other way round
        return side(ids[:, 0], q, p, "I"), side(ids[:, 1], p, q, "J")

    def _valid(self, side: _Side) -> BoolArray:
        """Check a move as decide's is_move_valid: real, inside the scale, one direction."""
        kit = self.kit
        m = side.move
        size = np.abs(m)
        ok = (size <= kit.hundred) & (size > kit.tiny)
        y = side.pos + m
        ok &= (y >= kit.zero - kit.tol) & (y <= kit.hundred + kit.tol)
        ok &= (side.hsum + m) <= kit.hundred + kit.tol
        lo = np.where(side.hmin < m, side.hmin, m)
        hi = np.where(side.hmax > m, side.hmax, m)
        return ok & ((hi < kit.zero) | (lo > kit.zero))

    def _view(self, side: _Side, demander: IntArray, at: AnyArray, override_last: bool) -> AnyArray:
        """Numerator (sum x·s·c) of the outcome of ``side``'s supply issue, as the exchange sees it.

        The actor stands at ``at`` (decide's adjust_nbs); with ``override_last`` the
        demander's overrides win over ``at`` for the actor itself (adjusted_nbs_by_position).
        """
        kit = self.kit
        b, e, a = side.b, side.sup, side.actor
        if not kit.decimal:
            wa = self.s[b, a, e] * self.c[b, a]
            own_set = self.upd_set[b, demander, e, a]
            current = np.where(own_set, self.upd_val[b, demander, e, a], self.x[b, a, e])
            base = self.view[b, demander, e] - wa * current
            if override_last:
                return np.where(own_set, self.view[b, demander, e], base + wa * at)
            return base + wa * at
        k = np.arange(len(b))
        pos = self.x[b, :, e]  # (K, n)
        over = self.upd_set[b, demander, e, :]
        vals = self.upd_val[b, demander, e, :]
        if override_last:
            pos = pos.copy()
            pos[k, a] = at
            pos = np.where(over, vals, pos)
        else:
            pos = np.where(over, vals, pos)
            pos[k, a] = at
        s = self.s[b, :, e]
        c = self.c[b, :]
        terms = np.where(self.active[b, :, e], pos * s * c, kit.zero)
        return _seq_sum(terms)

    def _views(self, side: _Side, demander: IntArray, ats: Sequence[AnyArray]) -> list[AnyArray]:
        """Numerators of :meth:`_view` at several positions, then the one with overrides last.

        Float shares the gathers between them; decimal sums each in decide's order.
        """
        if self.kit.decimal:
            out = [self._view(side, demander, at, False) for at in ats]
            return out + [self._view(side, demander, side.pos, True)]
        b, e, a = side.b, side.sup, side.actor
        wa = self.s[b, a, e] * self.c[b, a]
        own_set = self.upd_set[b, demander, e, a]
        view = self.view[b, demander, e]
        base = view - wa * np.where(own_set, self.upd_val[b, demander, e, a], self.x[b, a, e])
        at_pos = base + wa * side.pos
        return [base + wa * at for at in ats] + [np.where(own_set, view, at_pos)]

    def _limit(self, x: _Side, o: _Side, gain: AnyArray, todo: BoolArray) -> AnyArray:
        """Keep the outcome of ``x``'s supply issue from crossing the demander (check_nbs).

        If x's move carries the outcome across the demander's position, shrink it to end
        there and shrink the partner's move to keep the gains equal. Updates the sides in
        place; returns the gain.
        """
        kit = self.kit
        if not todo.any():
            return gain
        idx = np.flatnonzero(todo)
        xs = _take(x, idx)
        os_ = _take(o, idx)
        total = xs.w_sup
        nominators: AnyArray | None = None
        if kit.decimal:
            n0 = self._view(xs, os_.actor, xs.pos, False) / total
            n1 = self._view(xs, os_.actor, xs.y, False) / total
        else:
            num0, num1, nominators = self._views(xs, os_.actor, [xs.pos, xs.y])
            n0, n1 = num0 / total, num1 / total
        target = os_.dempos
        d0, d1 = target - n0, target - n1
        if not kit.decimal:
            d0 = np.where(np.abs(d0) <= kit.tol, 0.0, d0)
            d1 = np.where(np.abs(d1) <= kit.tol, 0.0, d1)
        ahead = ((d0 >= kit.zero) & (d1 >= kit.zero)) | ((d0 <= kit.zero) & (d1 <= kit.zero))
        cross = ~ahead
        if not cross.any():
            return gain
        ci = np.flatnonzero(cross)
        xs, os_ = _take(xs, ci), _take(os_, ci)
        if nominators is None:
            nominator = self._view(xs, os_.actor, xs.pos, True)
        else:
            nominator = nominators[ci]
        # the move that brings the outcome exactly onto the demander's position
        delta = np.abs((os_.dempos * xs.w_sup - nominator) / (xs.s_sup * xs.c))
        ratio_x = delta * xs.s_sup * xs.c / xs.w_sup
        ratio_o = ((xs.s_sup + os_.s_dem) / (xs.s_dem + os_.s_sup)) * ratio_x
        move_o = np.abs((ratio_o * os_.w_sup) / (os_.c * os_.s_sup))
        move_x = delta
        move_o = np.where(os_.pos > xs.dempos, -move_o, move_o)
        move_x = np.where(xs.pos > os_.dempos, -move_x, move_x)
        new_gain = np.abs(ratio_o * os_.s_sup - ratio_x * os_.s_dem)
        rows = idx[ci]
        x.move[rows] = move_x
        x.y[rows] = xs.pos + move_x
        o.move[rows] = move_o
        o.y[rows] = os_.pos + move_o
        gain = gain.copy()
        gain[rows] = new_gain
        return gain

    def _calculate(self, bi: IntArray, ui: IntArray) -> None:
        """Compute candidates (bi, ui) as EqualGainExchange.calculate does; store the result."""
        kit = self.kit
        if bi.size == 0:
            return
        si, sj = self._sides(bi, ui)
        with np.errstate(all="ignore"):
            # j moves all the way to i's position on p; i's shift on q follows from equal gain
            full_j = np.abs(si.dempos - sj.pos)
            dp = full_j * sj.s_sup * sj.c / sj.w_sup
            dq = ((sj.s_sup + si.s_dem) / (sj.s_dem + si.s_sup)) * dp
            move_i = (dq * si.w_sup) / (si.c * si.s_sup)
            move_j = full_j
            full_i = np.abs(sj.dempos - si.pos)
            over = np.abs(move_i) > full_i
            if over.any():
                # i would pass j's position: i moves all the way, j's shift follows
                dq_b = full_i * si.s_sup * si.c / si.w_sup
                dp_b = ((si.s_sup + sj.s_dem) / (si.s_dem + sj.s_sup)) * dq_b
                dq = np.where(over, dq_b, dq)
                dp = np.where(over, dp_b, dp)
                move_i = np.where(over, full_i, move_i)
                move_j = np.where(over, (dp * sj.w_sup) / (sj.c * sj.s_sup), move_j)
            move_i = np.where(si.pos > sj.dempos, -move_i, move_i)
            move_j = np.where(sj.pos > si.dempos, -move_j, move_j)
            si.move, sj.move = move_i, move_j
            si.y, sj.y = si.pos + move_i, sj.pos + move_j
            gain = np.abs(dq * si.s_sup - dp * si.s_dem)
            pre = self._valid(si) & self._valid(sj) & ~(gain < kit.tiny)
            # no outcome past the demander's position: i's supply issue first, then j's
            gain = self._limit(si, sj, gain, pre)
            gain = self._limit(sj, si, gain, pre)
            gain_i, gain_j = gain.copy(), gain.copy()
            if self.gens is not None and kit.p > kit.zero and pre.any():
                # decide randomises every exchange that was valid before the outcome check
                gain_i, gain_j = self._randomise(si, sj, gain, pre)
            valid = pre & self._valid(si) & self._valid(sj)
        if not kit.decimal:
            # a vote that lands within the tolerance outside the scale is on its end
            si.y = np.clip(si.y, 0.0, 100.0)
            sj.y = np.clip(sj.y, 0.0, 100.0)
        out = np.stack([si.move, sj.move, si.y, sj.y, gain, gain_i, gain_j], axis=1)
        self.val[bi[:, None], ui[:, None], _WRITE] = out
        self.alive[bi, ui] = valid
        if not kit.decimal:
            self.masked[bi, ui] = np.where(valid, gain, -np.inf)

    # ------------------------------------------------------------------ p > 0

    def _randomise(
        self, si: _Side, sj: _Side, gain: AnyArray, pre: BoolArray
    ) -> tuple[AnyArray, AnyArray]:
        """Randomise the equal gain (p > 0) of the candidates in ``pre``, as decide does.

        A random side (u < 1/2: i) wins (v < 1/2) or loses the share p·z of what separates its
        equal gain from the most it could get (winning) or from nothing (losing); the
        partner's shift follows. Updates the sides' moves and votes; returns each side's
        gain (the exchange keeps its equal gain for the ranking, as in decide).
        """
        kit = self.kit
        assert self.gens is not None
        idx = np.flatnonzero(pre)
        draws = np.empty((idx.size, 3))
        bs = si.b[idx]
        for b in np.unique(bs):
            rows = np.flatnonzero(bs == b)
            draws[rows] = self.gens[int(b)].random((rows.size, 3))
        u, v = draws[:, 0], draws[:, 1]
        if kit.decimal:
            z: AnyArray = np.array([Decimal(float(t)) for t in draws[:, 2]], dtype=object)
        else:
            z = draws[:, 2]
        a, o = _take(si, idx), _take(sj, idx)
        g = gain[idx]
        # calculate_maximum_utility: the outcome shift of each side's whole move ...
        d_i = np.abs(
            self._view(a, o.actor, a.pos, False) / a.w_sup
            - self._view(a, o.actor, o.dempos, False) / a.w_sup
        )
        d_j = np.abs(
            self._view(o, a.actor, o.pos, False) / o.w_sup
            - self._view(o, a.actor, a.dempos, False) / o.w_sup
        )
        # ... the side whose whole move gives the partner less binds, and each side's most is
        # its gain when the other is left with nothing
        j_binds = d_j * a.s_dem > d_i * o.s_dem
        top_gain = np.where(j_binds, d_i * o.s_dem, d_j * a.s_dem)
        top_loss = np.where(j_binds, d_i * a.s_sup, d_j * o.s_sup)
        s_a = np.where(j_binds, o.s_sup, a.s_sup)
        s_b = np.where(j_binds, a.s_dem, o.s_dem)
        share = s_a / (s_a + s_b)
        most_binding = top_gain - share * s_a * (top_loss / (share * s_b))
        most_other = share * s_b * (top_gain / (share * s_a)) - top_loss
        most_i = np.where(j_binds, most_other, most_binding)
        most_j = np.where(j_binds, most_binding, most_other)
        focal_i = u < 0.5
        most = np.where(focal_i, most_i, most_j)
        pz = kit.p * z
        target = np.where(v < 0.5, g + pz * (most - g), g - pz * g)
        x = _merge(a, o, focal_i)
        y = _merge(o, a, focal_i)
        gain_x, gain_y = self._split(x, y, target)
        for name in ("move", "y"):
            getattr(si, name)[idx] = np.where(focal_i, getattr(x, name), getattr(y, name))
            getattr(sj, name)[idx] = np.where(focal_i, getattr(y, name), getattr(x, name))
        gain_i, gain_j = gain.copy(), gain.copy()
        gain_i[idx] = np.where(focal_i, gain_x, gain_y)
        gain_j[idx] = np.where(focal_i, gain_y, gain_x)
        return gain_i, gain_j

    def _ratio(self, side: _Side, move: AnyArray) -> AnyArray:
        """Outcome shift of a move of ``side`` (decide's exchange ratio)."""
        return np.abs(move) * side.s_sup * side.c / side.w_sup

    def _shift(self, side: _Side, ratio: AnyArray, full: AnyArray) -> AnyArray:
        """The move that shifts the outcome by ``ratio`` (reverse_move), at most ``full``."""
        move = np.abs((ratio * side.w_sup) / (side.c * side.s_sup))
        return np.where(move < full, move, full)

    def _split(self, x: _Side, o: _Side, target: AnyArray) -> tuple[AnyArray, AnyArray]:
        """Shift both sides so that ``x`` gains ``target`` (decide's randomized_gain).

        x moves all the way to o's position unless that asks more of o than o's whole move,
        or carries an outcome past a demander's position; then the binding move is cut and
        the other follows. Sets both sides' moves and votes; returns both gains.
        """
        kit = self.kit
        full_x = np.abs(x.pos - o.dempos)
        full_o = np.abs(o.pos - x.dempos)
        ratio_x = self._ratio(x, full_x)
        ratio_o = (target + ratio_x * x.s_sup) / x.s_dem
        over = np.abs((ratio_o * o.w_sup) / (o.c * o.s_sup)) > full_o
        # o cannot give that much: o moves all the way and x's shift follows
        ratio_o = np.where(over, self._ratio(o, full_o), ratio_o)
        ratio_x = np.where(over, np.abs((target - ratio_o * x.s_dem) / x.s_sup), ratio_x)
        move_x, move_o = self._shift(x, ratio_x, full_x), self._shift(o, ratio_o, full_o)
        x.move = np.where(x.pos > o.dempos, -move_x, move_x)
        o.move = np.where(o.pos > x.dempos, -move_o, move_o)
        x.y, o.y = x.pos + x.move, o.pos + o.move
        for first, second in ((x, o), (o, x)):
            cross = self._crosses(first, second)
            if not cross.any():
                continue
            nominator = self._view(first, second.actor, first.pos, True)
            delta = np.abs((second.dempos * first.w_sup - nominator) / (first.s_sup * first.c))
            limited = self._ratio(first, delta)
            if first is x:
                cut_x = limited
                cut_o = (target + cut_x * x.s_sup) / x.s_dem
            else:
                cut_o = limited
                cut_x = np.abs((target - cut_o * x.s_dem) / x.s_sup)
            move_x, move_o = self._shift(x, cut_x, full_x), self._shift(o, cut_o, full_o)
            # only where the outcome would cross: a draw never depends on the others
            x.move = np.where(cross, np.where(x.pos > o.dempos, -move_x, move_x), x.move)
            o.move = np.where(cross, np.where(o.pos > x.dempos, -move_o, move_o), o.move)
            x.y, o.y = x.pos + x.move, o.pos + o.move
        ratio_x, ratio_o = self._ratio(x, x.move), self._ratio(o, o.move)
        gain_x = np.abs(ratio_o * x.s_dem - ratio_x * x.s_sup)
        gain_o = np.abs(ratio_o * o.s_sup - ratio_x * o.s_dem)
        del kit
        return gain_x, gain_o

    def _crosses(self, x: _Side, o: _Side) -> BoolArray:
        """Whether x's move carries the outcome of x's supply issue across o's position."""
        kit = self.kit
        n0 = self._view(x, o.actor, x.pos, False) / x.w_sup
        n1 = self._view(x, o.actor, x.y, False) / x.w_sup
        d0, d1 = o.dempos - n0, o.dempos - n1
        if not kit.decimal:
            d0 = np.where(np.abs(d0) <= kit.tol, 0.0, d0)
            d1 = np.where(np.abs(d1) <= kit.tol, 0.0, d1)
        ahead = ((d0 >= kit.zero) & (d1 >= kit.zero)) | ((d0 <= kit.zero) & (d1 <= kit.zero))
        return ~ahead

    # ------------------------------------------------------------------ the round

    def _select(self, orders: list[list[int]] | None) -> IntArray:
        """Each draw's next exchange (its table index; -1 when none is left).

        The largest gain; among equal gains the one decide's list holds first: decimal keeps
        decide's list (re-sorted, stably, by gain at every step), float takes the exchange
        created first among gains within a relative 1e-9. ``ties="random"`` takes the second
        of the first two tied exchanges with probability 1/2, as decide's ALLOW_RANDOM does.
        """
        kit = self.kit
        batch = self.batch
        pick = np.full(batch, -1, dtype=np.intp)
        if orders is not None:
            for b in range(batch):
                order = orders[b]
                if not order:
                    continue
                gains = self.val[b, :, _F["gain"]]
                ranked = sorted(order, key=gains.__getitem__, reverse=True)
                first = ranked[0]
                rest = ranked[1:]
                tied = (
                    self.ties == "random"
                    and self.gens is not None
                    and len(ranked) > 1
                    and abs(gains[ranked[0]] - gains[ranked[1]]) < Decimal(1e-20)
                )
                if tied and self.gens is not None and self.gens[b].random() >= 0.5:
                    first = ranked[1]
                    rest = ranked[2:] + [ranked[0]]
                pick[b] = first
                orders[b] = rest
            return pick
        tb = self.table
        rows = np.arange(batch)
        seg_best = np.argmax(self.seg, axis=1)
        top = self.seg[rows, seg_best]
        live = np.isfinite(top)
        if not live.any():
            return pick
        cells = self.masked.reshape(batch, -1, tb.pairs)
        inside = cells[rows, seg_best]  # (B, P): the best issue pair's candidates
        best = seg_best * tb.pairs + np.argmax(inside, axis=1)
        threshold = (top - kit.rel * np.abs(top))[:, None]
        count = (self.seg >= threshold).sum(axis=1) + (inside >= threshold).sum(axis=1) - 1
        pick = np.where(live, best, -1)
        for draw in np.flatnonzero(live & (count > 1)).tolist():
            equal = self.masked[draw] >= threshold[draw, 0]
            keys = np.where(equal, self.key[draw], np.iinfo(np.int64).max)
            first_two = np.argsort(keys, kind="stable")[:2]
            coin = self.ties == "random" and self.gens is not None
            if coin and self.gens is not None and self.gens[draw].random() >= 0.5:
                pick[draw] = first_two[1]
            else:
                pick[draw] = first_two[0]
        return pick

    def _refresh(self, bs: IntArray, r_p: IntArray, r_q: IntArray) -> None:
        """Recompute the segment maxima of the issue pairs an exchange touched (float)."""
        tb = self.table
        pairs = np.concatenate([tb.issue_pairs[r_p], tb.issue_pairs[r_q]], axis=1)
        cells = self.masked.reshape(self.batch, -1, tb.pairs)
        self.seg[bs[:, None], pairs] = cells[bs[:, None], pairs].max(axis=2)

    def _override(
        self, bs: IntArray, demander: IntArray, issue: IntArray, mover: IntArray, y: AnyArray
    ) -> None:
        """The demander now sees the mover's vote on the issue (decide's ``updates``).

        A later exchange of the same mover keeps the vote nearer the mover's start
        (update_updates), as decide does.
        """
        kit = self.kit
        start = self.x[bs, mover, issue]
        known = self.upd_set[bs, demander, issue, mover]
        old = self.upd_val[bs, demander, issue, mover]
        up = start <= old
        keep = np.where(up, old < y, old > y)
        new = np.where(known & keep, old, y)
        if not kit.decimal:
            before = np.where(known, old, self.x[bs, mover, issue])
            weight = self.s[bs, mover, issue] * self.c[bs, mover]
            self.view[bs, demander, issue] += weight * (new - before)
        self.upd_val[bs, demander, issue, mover] = new
        self.upd_set[bs, demander, issue, mover] = True

    def _touch(
        self,
        bs: IntArray,
        r_i: IntArray,
        r_j: IntArray,
        r_p: IntArray,
        r_q: IntArray,
        y_i: AnyArray,
        y_j: AnyArray,
    ) -> None:
        """Recompute (or drop) the candidates the exchanges made touch (decide's recalculate).

        A candidate whose actor supplies the same issue as an actor of the exchange starts
        from that actor's new vote (and keeps its earlier move in its history); one whose
        actor demands what an actor of the exchange demanded sees the partner's new vote.
        """
        tb = self.table
        size = tb.size
        combos = ((r_i, r_q), (r_i, r_p), (r_j, r_p), (r_j, r_q))
        slots = [
            (tb.issue_pairs[e][:, :, None] * tb.pairs + tb.actor_pairs[a][:, None, :]).reshape(
                len(bs), -1
            )
            for a, e in combos
        ]
        idx = np.concatenate(slots, axis=1)  # (len(bs), L)
        flat = (bs[:, None] * size + idx).ravel()
        alive = np.flatnonzero(self.alive.ravel()[flat])
        if alive.size == 0:
            return
        flat = flat[alive]
        rr = alive // idx.shape[1]
        bi, ui = bs[rr], flat - bs[rr] * size
        ids = self.ids.reshape(-1, 2)[flat]
        ia, ja = ids[:, 0], ids[:, 1]
        t = ui // tb.pairs
        p, q = tb.tp[t], tb.tq[t]
        ri, rj, rp, rq = r_i[rr], r_j[rr], r_p[rr], r_q[rr]
        i_from_i = (ia == ri) & (q == rq)
        i_from_j = (ia == rj) & (q == rp)
        j_from_i = (ja == ri) & (p == rq)
        j_from_j = (ja == rj) & (p == rp)
        demand = (
            ((rj == ja) & (rq == q))
            | ((rj == ia) & (rq == p))
            | ((ri == ja) & (rp == q))
            | ((ri == ia) & (rp == p))
        )
        hit = i_from_i | i_from_j | j_from_i | j_from_j | demand
        # a candidate can sit in several slots (both of its issues, both of the actors)
        _, first = np.unique(flat[hit], return_index=True)
        keep = np.flatnonzero(hit)[first]
        bi, ui, rr = bi[keep], ui[keep], rr[keep]
        i_from_i, i_from_j = i_from_i[keep], i_from_j[keep]
        j_from_i, j_from_j = j_from_i[keep], j_from_j[keep]
        sup_i, sup_j = i_from_i | i_from_j, j_from_i | j_from_j
        if bi.size == 0:
            return
        for side, sup, from_i in (("I", sup_i, i_from_i), ("J", sup_j, j_from_i)):
            if not sup.any():
                continue
            b, u = bi[sup], ui[sup]
            cols = [_F[f"{k}{side}"] for k in ("m", "hsum", "hmin", "hmax", "pos")]
            move, hsum, hmin, hmax, _ = self.val[b[:, None], u[:, None], cols].T
            new = np.where(from_i[sup], y_i[rr[sup]], y_j[rr[sup]])
            self.val[b[:, None], u[:, None], cols[1:]] = np.stack(
                [
                    hsum + move,
                    np.where(hmin < move, hmin, move),
                    np.where(hmax > move, hmax, move),
                    new,
                ],
                axis=1,
            )
        self._calculate(bi, ui)

    def run(
        self, record: bool
    ) -> tuple[AnyArray, AnyArray, IntArray, tuple[ExchangeRecord, ...], tuple[float, ...]]:
        """Make exchanges until none is left.

        Returns the votes, the new preferences, the exchanges made per draw, draw 0's
        exchanges and its candidates' gains.
        """
        kit, tb = self.kit, self.table
        batch = self.batch
        vote = self.x.copy()
        pref = self.x.copy()
        count = np.zeros(batch, dtype=np.intp)
        records: list[ExchangeRecord] = []
        gains0: tuple[float, ...] = ()
        if record and batch:
            live0 = np.flatnonzero(self.alive[0])
            gains0 = tuple(sorted((float(g) for g in self.val[0, live0, _F["gain"]]), reverse=True))
        if tb.size == 0:  # one issue or one actor: nothing to trade
            return vote, pref, count, (), gains0
        orders: list[list[int]] | None = None
        if kit.decimal:
            orders = []
            for b in range(batch):
                live = np.flatnonzero(self.alive[b])
                orders.append([int(u) for u in live[np.argsort(self.key[b, live], kind="stable")]])
        sw, fw, one = kit.salience_weight, kit.fixed_weight, kit.one
        while True:
            pick = self._select(orders)
            bs = np.flatnonzero(pick >= 0)
            if bs.size == 0:
                break
            us = pick[bs]
            t = us // tb.pairs
            r_p, r_q = tb.tp[t], tb.tq[t]
            ids = self.ids[bs, us]
            r_i, r_j = ids[:, 0], ids[:, 1]
            row = self.val[bs, us]
            y_i, y_j = row[:, _F["yI"]], row[:, _F["yJ"]]
            self.alive[bs, us] = False
            if not kit.decimal:
                self.masked[bs, us] = -np.inf
            count[bs] += 1
            for actor, issue, y in ((r_i, r_q, y_i), (r_j, r_p, y_j)):
                vote[bs, actor, issue] = y
                s = self.s[bs, actor, issue]
                x = self.x[bs, actor, issue]
                # decide's new_start_position, in its order of operations
                pref[bs, actor, issue] = (
                    (one - s) * sw * y + fw * y + (one - (one - s) * sw - fw) * x
                )
            if record and bs[0] == 0:
                r0 = row[0]
                records.append(
                    ExchangeRecord(
                        actor=int(r_i[0]),
                        partner=int(r_j[0]),
                        gives=int(r_q[0]),
                        gets=int(r_p[0]),
                        actor_from=float(r0[_F["posI"]]) / 100.0,
                        actor_to=float(y_i[0]) / 100.0,
                        partner_from=float(r0[_F["posJ"]]) / 100.0,
                        partner_to=float(y_j[0]) / 100.0,
                        gain=float(r0[_F["gain"]]),
                        actor_gain=float(r0[_F["gainI"]]),
                        partner_gain=float(r0[_F["gainJ"]]),
                    )
                )
            self._override(bs, r_j, r_q, r_i, y_i)
            self._override(bs, r_i, r_p, r_j, y_j)
            self._touch(bs, r_i, r_j, r_p, r_q, y_i, y_j)
            if not kit.decimal:
                self._refresh(bs, r_p, r_q)
            if orders is not None:
                for draw in bs.tolist():
                    alive = self.alive[draw]
                    orders[draw] = [u for u in orders[draw] if alive[u]]
        return vote, pref, count, tuple(records), gains0


def _take(side: _Side, idx: IntArray) -> _Side:
    return _Side(**{name: getattr(side, name)[idx] for name in side.__dataclass_fields__})


def _merge(a: _Side, b: _Side, mask: BoolArray) -> _Side:
    return _Side(
        **{
            name: np.where(mask, getattr(a, name), getattr(b, name))
            for name in a.__dataclass_fields__
        }
    )


# ----------------------------------------------------------------------------- rounds


def _outcome(kit: _Kit, x: AnyArray, s: AnyArray, c: AnyArray, active: BoolArray) -> AnyArray:
    """Outcome as decide's NBS: sum x·s·c / sum s·c per issue, in actor order; 0 if none."""
    with np.errstate(all="ignore"):
        total = _seq_sum(np.moveaxis(np.where(active, s * c[:, :, None], kit.zero), 1, 2))
        num = _seq_sum(np.moveaxis(np.where(active, x * s * c[:, :, None], kit.zero), 1, 2))
        return kit.divide(num, total, total > kit.zero)


def _block_rounds(
    kit: _Kit,
    table: _Table,
    x: AnyArray,
    s: AnyArray,
    c: AnyArray,
    active: BoolArray,
    rounds: int,
    gens: Sequence[np.random.Generator] | None,
    ties: str,
    record: bool,
) -> list[tuple[Any, ...]]:
    """All rounds of one block of draws.

    Per round: votes, preferences, outcome, outcome after the update, exchanges made,
    candidates, draw 0's records and its candidates' gains.
    """
    out = []
    for _ in range(rounds):
        state = _Round(kit, table, x, s, c, active, gens, ties)
        vote, pref, count, records, gains = state.run(record)
        out.append(
            (
                vote,
                pref,
                _outcome(kit, vote, s, c, active),
                _outcome(kit, pref, s, c, active),
                count,
                state.created.astype(np.intp),
                records,
                gains,
            )
        )
        x = pref
    return out


def exchange_rounds(
    position: AnyArray,
    salience: AnyArray,
    capability: AnyArray,
    present: BoolArray,
    *,
    rounds: int = 10,
    p: float = 0.0,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
    ties: str = "first",
    arithmetic: str = "float",
    rng: np.random.Generator | None = None,
    threads: int | None = None,
) -> ExchangeRun:
    """Run the equal-gain exchange model on decide's scale; the pure function behind the model.

    Parameters
    ----------
    position
        (B, n, m) voting positions on each issue's 0-100 scale (decide's internal scale).
    salience
        (B, n, m) saliences on [0, 1].
    capability
        (B, n) each actor's power (decide's power, winset's capability).
    present
        (n, m) or (B, n, m): whether the actor takes part on the issue. Entries with zero
        salience or zero capability take no part either (decide cannot divide by them).
    rounds
        Rounds of exchanges.
    p
        decide's randomisation of the equal gain (0: none).
    salience_weight, fixed_weight
        The preference update x' = x + ((1 - s)·salience_weight + fixed_weight)·(y - x) of
        every actor that traded (decide: 0.4 and 0.1).
    ties
        ``"first"``: equal gains go to the exchange listed first; ``"random"``: as decide's
        ALLOW_RANDOM, a coin decides between the first two.
    arithmetic
        ``"float"`` or ``"decimal"`` (see the module docstring). Decimal accepts
        :class:`~decimal.Decimal` values in object arrays as they are; floats are read as
        their shortest decimal text.
    rng
        The source of randomness (used when ``p > 0`` or ``ties="random"``): draw b uses the
        b-th child of ``rng.spawn``, so it does not depend on the other draws.
    threads
        Threads over blocks of draws (float arithmetic); results never depend on it.

    Returns
    -------
    ExchangeRun
        Round 0 (the input) and every round, on the 0-100 scale, in the run's arithmetic.
    """
    if arithmetic not in ARITHMETICS:
        raise ValueError(f"arithmetic must be one of {ARITHMETICS}")
    if ties not in TIES:
        raise ValueError(f"ties must be one of {TIES}")
    decimal_mode = arithmetic == "decimal"
    kit = _Kit.make(decimal_mode, salience_weight, fixed_weight, p)
    position = np.asarray(position)
    batch, n, m = position.shape
    with localcontext() as ctx:
        ctx.prec = _DECIDE_PRECISION
        x = kit.convert(position)
        s = kit.convert(salience)
        c = kit.convert(capability)
    present_b = np.broadcast_to(np.asarray(present, dtype=bool), (batch, n, m))
    active = present_b & (s > kit.zero) & (c[:, :, None] > kit.zero)
    random = p > 0 or ties == "random"
    gens: list[np.random.Generator] | None = None
    if random:
        source = rng if rng is not None else np.random.default_rng()
        gens = list(source.spawn(batch))
    table = _Table.make(n, m)
    block = max(1, _BLOCK_CELLS // max(1, table.size))

    def solve(start: int) -> list[tuple[Any, ...]]:
        part = slice(start, start + block)
        with localcontext() as local:
            local.prec = _DECIDE_PRECISION
            return _block_rounds(
                kit,
                table,
                x[part],
                s[part],
                c[part],
                active[part],
                rounds,
                gens[part] if gens is not None else None,
                ties,
                record=start == 0,
            )

    blocks = solve_blocks(solve, batch, block, 1 if decimal_mode else threads)
    with localcontext() as ctx:
        ctx.prec = _DECIDE_PRECISION
        start_outcome = _outcome(kit, x, s, c, active)
    zeros = np.zeros(batch, dtype=np.intp)
    vote, pref, outcome, after = [x], [x], [start_outcome], [start_outcome]
    made, cands = [zeros], [zeros]
    records: list[tuple[ExchangeRecord, ...]] = [()]
    gains: list[tuple[float, ...]] = [()]
    for r in range(rounds):
        parts = [blk[r] for blk in blocks]
        vote.append(np.concatenate([pt[0] for pt in parts]))
        pref.append(np.concatenate([pt[1] for pt in parts]))
        outcome.append(np.concatenate([pt[2] for pt in parts]))
        after.append(np.concatenate([pt[3] for pt in parts]))
        made.append(np.concatenate([pt[4] for pt in parts]))
        cands.append(np.concatenate([pt[5] for pt in parts]))
        records.append(parts[0][6])
        gains.append(parts[0][7])
    return ExchangeRun(
        vote=tuple(vote),
        preference=tuple(pref),
        outcome=tuple(outcome),
        after_update=tuple(after),
        exchanges=tuple(made),
        candidates=tuple(cands),
        records=tuple(records),
        candidate_gains=tuple(gains),
    )


# ----------------------------------------------------------------------------- the model


def _clean_gain(value: float) -> float:
    return float(np.round(value, 12))


class ExchangeModel(Model):
    """Stokman's equal-gain exchange model as decide computes it; see the module docstring."""

    info = ModelInfo(
        name="exchange",
        title="Exchange model (Stokman's equal-gain vote trading)",
        citation=(
            "Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an "
            "object-oriented model of policy networks. In Bueno de Mesquita & Stokman (eds.), "
            "European Community Decision Making, 105-127. Yale University Press. Dijkstra, J., "
            "Van Assen, M. A. L. M. & Stokman, F. N. (2008). Outcomes of collective decisions "
            "with externalities predicted. Journal of Theoretical Politics 20(4), 415-441. "
            "Reference implementation: the decide-exchange-model program "
            "(github.com/foarsitter/decide-exchange-model, GPL-3.0)."
        ),
        summary=(
            "Pairs of actors on opposite sides of the outcome on two issues trade votes: each "
            "gives on the issue it cares less about, for equal gains, never pushing an outcome "
            "past the demander's position; the largest gains are traded first, round by round, "
            "and traders' preferences move toward their votes. The forecast is the weighted "
            "mean of the last round's votes."
        ),
        deterministic=True,
        iterative=True,
        pairwise=True,
        separable=False,
        variants=("equal-gain",),
        parameters=(
            Parameter("rounds", 10, "Rounds of exchanges.", 1, 1000),
            Parameter(
                "p",
                0.0,
                "Randomised equal gain (decide's p): a random side wins or loses up to this "
                "share of its gain; 0 gives the equal-gain model.",
                0,
                1,
            ),
            Parameter(
                "ties",
                "first",
                "Equal gains: the exchange listed first (decide with ALLOW_RANDOM off), or a "
                "coin between the first two (decide's default, ALLOW_RANDOM).",
                choices=TIES,
            ),
            Parameter(
                "arithmetic",
                "float",
                "float: fast, vectorised, ties and coincidences settled with a 1e-9 tolerance; "
                "decimal: decide's 28-digit decimals, which reproduces decide's rounds digit "
                "for digit (slower; for comparisons with decide, not for Monte Carlo).",
                choices=ARITHMETICS,
            ),
            Parameter(
                "salience_weight",
                0.4,
                "Preference update: the share (1 - salience) x this of the way to the vote.",
                0,
                1,
            ),
            Parameter(
                "fixed_weight",
                0.1,
                "Preference update: the fixed share of the way to the vote.",
                0,
                1,
            ),
        ),
    )

    def uses_random(self, params: Mapping[str, Any], variant: str) -> bool:
        """Random numbers are drawn for p > 0 and for random tie-breaking only."""
        return float(params.get("p", 0.0)) > 0 or params.get("ties") == "random"

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        """Rounds of exchanges for every draw of ``inputs``; pure (all randomness from ``rng``).

        Round 0 is the input; every later round holds the voting positions, their outcome
        (``mean``), their weighted median, the outcome after the preference update and the
        exchanges made (draw 0's in ``records``). The forecast is the last round's ``mean``.
        """
        sw, fw = float(params["salience_weight"]), float(params["fixed_weight"])
        if sw + fw > 1.0:
            raise InputError(
                Problem(
                    "",
                    "parameter fixed_weight",
                    f"salience_weight + fixed_weight is {sw + fw:g}; at most 1 keeps the "
                    "updated preference between the old one and the vote",
                )
            )
        arithmetic = str(params["arithmetic"])
        position: AnyArray = np.asarray(inputs.position, dtype=float)
        if arithmetic == "decimal":
            # a value typed as a decimal is that decimal on [0, 1], hence also on 0-100
            with localcontext() as ctx:
                ctx.prec = _DECIDE_PRECISION
                text = np.empty(position.shape, dtype=object)
                text.ravel()[:] = [Decimal(repr(float(v))) * 100 for v in position.flat]
            scaled: AnyArray = text
        else:
            scaled = position * 100.0
        run = exchange_rounds(
            scaled,
            inputs.salience,
            inputs.capability,
            inputs.present,
            rounds=int(params["rounds"]),
            p=float(params["p"]),
            salience_weight=sw,
            fixed_weight=fw,
            ties=str(params["ties"]),
            arithmetic=arithmetic,
            rng=rng,
            threads=self.threads,
        )
        eff = effective_weights(inputs.capability, inputs.salience, inputs.present)
        weighted = inputs.weights().sum(axis=1) > 0  # (B, m): someone has a stake

        def outcome(values: AnyArray, x: FloatArray) -> FloatArray:
            fallback = weighted_mean(x, eff)
            return np.where(weighted, np.asarray(values).astype(float) / 100.0, fallback)

        rounds = []
        for r in range(len(run.vote)):
            x = np.asarray(run.vote[r]).astype(float) / 100.0
            x = np.where(np.broadcast_to(inputs.present, x.shape), x, inputs.position)
            if r == 0:
                x = np.asarray(inputs.position, dtype=float)
            pref = np.asarray(run.preference[r]).astype(float) / 100.0
            pref = np.where(np.broadcast_to(inputs.present, pref.shape), pref, inputs.position)
            rounds.append(
                ExchangeRoundArrays(
                    position=x,
                    median=weighted_median(x, eff),
                    mean=outcome(run.outcome[r], x),
                    after_update=outcome(run.after_update[r], pref),
                    exchanges=run.exchanges[r],
                    candidates=run.candidates[r],
                    records=run.records[r],
                    candidate_gains=run.candidate_gains[r],
                )
            )
        return Solution(forecast=rounds[-1].mean, rounds=tuple(rounds))

    def round_details(self, ra: RoundArrays, arrays: ScenarioArrays) -> dict[str, Any]:
        """Add draw 0's exchanges, the outcome after the update and the candidates to a round.

        ``exchanges``: {actor, partner, gives, gets, actor_from, actor_to, partner_from,
        partner_to, gain, actor_gain, partner_gain} with names and votes in units;
        ``outcome_after_update``: issue -> value in units; ``candidates``: how many.
        """
        out = super().round_details(ra, arrays)
        if not isinstance(ra, ExchangeRoundArrays):
            return out
        units = arrays.value_in_units
        out["exchanges"] = [
            {
                "actor": arrays.actors[e.actor],
                "partner": arrays.actors[e.partner],
                "gives": arrays.issues[e.gives],
                "gets": arrays.issues[e.gets],
                "actor_from": units(e.gives, e.actor_from),
                "actor_to": units(e.gives, e.actor_to),
                "partner_from": units(e.gets, e.partner_from),
                "partner_to": units(e.gets, e.partner_to),
                "gain": _clean_gain(e.gain),
                "actor_gain": _clean_gain(e.actor_gain),
                "partner_gain": _clean_gain(e.partner_gain),
            }
            for e in ra.records
        ]
        if ra.after_update is not None:
            out["outcome_after_update"] = {
                issue: units(k, float(ra.after_update[0, k]))
                for k, issue in enumerate(arrays.issues)
            }
        if ra.candidates is not None:
            out["candidates"] = int(ra.candidates[0])
        return out
