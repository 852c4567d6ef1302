"""Win-sets: textbook cases solved by hand, and exact or sampled sets against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from winset.scenario.arrays import Scales
from winset.twolevel.problem import BodyArrays, PathArrays, SideArrays, TwoLevel
from winset.twolevel.winsets import (
    agreement_set,
    body_interval,
    body_member,
    pass_probability,
)


def body(ideal, seats=None, weight=None, quota=None) -> BodyArrays:
    ideal = np.atleast_2d(np.asarray(ideal, float))
    if ideal.shape[0] == 1 and ideal.shape[1] > 1 and weight is None and seats is not None:
        ideal = ideal.T
    b = ideal.shape[0]
    seats = np.ones(b, dtype=np.int64) if seats is None else np.asarray(seats, dtype=np.int64)
    weight = np.ones_like(ideal) if weight is None else np.asarray(weight, float)
    quota = int(seats.sum()) // 2 + 1 if quota is None else quota
    return BodyArrays("body", "legislature", tuple(f"b{i}" for i in range(b)), seats, ideal,
                      weight, quota)  # fmt: skip


def problem(bodies, q, dims) -> TwoLevel:
    path = PathArrays("side", "path", True, tuple(bodies), np.zeros(dims), np.ones(dims))
    side = SideArrays("side", "neg", (path,), ())
    return TwoLevel(tuple(f"i{k}" for k in range(dims)), Scales(np.zeros(dims), np.ones(dims)),
                    np.asarray(q, float), (side,))  # fmt: skip


def brute_member(bd: BodyArrays, points, q) -> np.ndarray:
    out = []
    for a in points:
        yes = 0
        for x, w, s in zip(bd.ideal, bd.weight, bd.seats, strict=True):
            da = sum(wk * (ak - xk) ** 2 for wk, ak, xk in zip(w, a, x, strict=True))
            dq = sum(wk * (qk - xk) ** 2 for wk, qk, xk in zip(w, q, x, strict=True))
            yes += s if da < dq - 1e-12 else 0
        out.append(yes >= bd.quota)
    return np.array(out)


def test_majority_win_set_is_bounded_by_the_medians_reflection() -> None:
    bd = body([[0.3], [0.5], [0.8]])
    assert body_interval(bd, 0.0) == pytest.approx((0.0, 1.0))  # (q, 2 * 0.5 - 0)
    assert body_interval(bd, 0.9) == pytest.approx((0.1, 0.9))  # (2 * 0.5 - 0.9, q)
    # q at the median: nothing beats it
    assert body_interval(bd, 0.5) is None


def test_weighted_seats_move_the_pivot() -> None:
    bd = body([[0.2], [0.6], [0.9]], seats=[10, 3, 5])  # 18 seats, quota 10: the 10-seat bloc
    assert body_interval(bd, 0.0) == pytest.approx((0.0, 0.4))


def test_veto_player_win_set_is_its_ball_through_q() -> None:
    bd = body([[0.6, 0.3]], quota=1)
    rng = np.random.default_rng(0)
    pts = rng.random((2000, 2))
    inside = np.linalg.norm(pts - [0.6, 0.3], axis=1) < np.linalg.norm([0.6, 0.3]) - 1e-9
    np.testing.assert_array_equal(body_member(bd, pts, np.zeros(2)), inside)


def _in_hull(points: np.ndarray, q: np.ndarray) -> bool:
    """2-D: q lies in the convex hull iff every direction has a point at or beyond q."""
    angles = np.linspace(0, 2 * np.pi, 7200, endpoint=False)
    d = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return bool(np.all((d @ (points - q).T).max(axis=1) >= -1e-12))


@pytest.mark.parametrize("seed", range(12))
def test_unanimity_win_set_empty_iff_q_in_hull(seed) -> None:
    rng = np.random.default_rng(seed)
    ideal = rng.random((4, 2)) * 0.6 + 0.2
    q = rng.random(2)
    bd = body(ideal, quota=4)
    aset = agreement_set(problem([bd], q, 2), problem([bd], q, 2).pairs()[0])
    assert aset.empty == _in_hull(ideal, q)


@pytest.mark.parametrize("seed", range(40))
def test_one_issue_exact_interval_matches_brute_force(seed) -> None:
    rng = np.random.default_rng(seed)
    b = int(rng.integers(1, 7))
    ideal = rng.integers(0, 11, (b, 1)) / 10.0 if seed % 2 else rng.random((b, 1))
    seats = rng.integers(1, 20, b)
    quota = int(rng.integers(1, seats.sum() + 1))
    bd = body(ideal, seats=seats, quota=quota)
    q = float(rng.integers(0, 11) / 10.0)
    grid = np.linspace(0, 1, 4001)[:, None]
    brute = brute_member(bd, grid, [q])
    interval = body_interval(bd, q)
    if interval is None:
        assert not brute.any()
        return
    lo, hi = interval
    inside = (grid[:, 0] > lo + 1e-9) & (grid[:, 0] < hi - 1e-9) & (grid[:, 0] != q)
    edge = (np.abs(grid[:, 0] - lo) < 1e-9) | (np.abs(grid[:, 0] - hi) < 1e-9)
    np.testing.assert_array_equal(brute[~edge], inside[~edge])


@pytest.mark.parametrize("seed", range(10))
def test_two_issue_sampled_set_matches_brute_force(seed) -> None:
    rng = np.random.default_rng(100 + seed)
    bodies = [
        body(rng.random((5, 2)), seats=rng.integers(1, 9, 5), weight=rng.random((5, 2)) + 0.1),
        body(rng.random((1, 2)), quota=1),
    ]
    q = rng.random(2)
    tl = problem(bodies, q, 2)
    aset = agreement_set(tl, tl.pairs()[0])
    # every sampled member is a member by brute force
    sample = aset.points[rng.choice(len(aset.points), min(200, len(aset.points)), replace=False)] \
        if not aset.empty else aset.points  # fmt: skip
    for bd in bodies:
        assert brute_member(bd, sample, q).all()
    # and the set is empty exactly when a dense random sample finds no member
    probe = rng.random((3000, 2))
    found = np.logical_and.reduce([brute_member(bd, probe, q) for bd in bodies])
    if found.sum() >= 3:
        assert not aset.empty
    if aset.empty:
        assert not found.any()


def test_pass_probability_equals_enumeration() -> None:
    rng = np.random.default_rng(4)
    seats = np.array([5, 3, 3, 1, 7])
    p = rng.random(5)
    for quota in range(0, 20):
        exact = 0.0
        for votes in itertools.product([0, 1], repeat=5):
            v = np.array(votes)
            if (v * seats).sum() >= quota:
                exact += float(np.prod(np.where(v, p, 1 - p)))
        assert pass_probability(seats, p, quota) == pytest.approx(exact, abs=1e-12)


def test_min_cost_cover_equals_enumeration() -> None:
    from winset.twolevel.search import _cover_choice, _cover_cost

    rng = np.random.default_rng(8)
    for _ in range(30):
        b = int(rng.integers(1, 7))
        seats = rng.integers(1, 12, b)
        costs = np.where(rng.random((b, 4)) < 0.2, np.inf, rng.random((b, 4)))
        quota = int(rng.integers(1, seats.sum() + 1))
        got = _cover_cost(seats, costs, quota)
        for p in range(4):
            best = np.inf
            for pick in itertools.product([0, 1], repeat=b):
                chosen = np.array(pick, bool)
                if seats[chosen].sum() >= quota:
                    best = min(best, costs[chosen, p].sum())
            assert got[p] == pytest.approx(best)
            if np.isfinite(best):
                chosen = _cover_choice(seats, costs[:, p], quota)
                assert seats[chosen].sum() >= quota
                assert costs[chosen, p].sum() == pytest.approx(best)


def _one_issue_scenario(a_position: float, a_capability: float = 1):
    from winset.scenario.load import build_scenario

    data = {
        "name": "one",
        "issues": [{"name": "a", "status_quo": 0}],
        "actors": [
            {"name": "A", "capability": a_capability, "position": {"a": a_position},
             "salience": {"a": 50}},
            {"name": "B", "capability": 2, "position": {"a": 30}, "salience": {"a": 80}},
        ],
        "ratification": {"sides": [{"name": "S", "negotiator": "A", "paths": [{"name": "p",
            "bodies": [{"name": "L", "blocs": [
                {"name": "b1", "seats": 3, "position": {"a": 60}, "salience": {"a": 50}},
                {"name": "b2", "seats": 4, "position": {"a": 20}, "salience": {"a": 50}},
                {"name": "b3", "seats": 2, "actor": "B"}]}]}]}]},
    }  # fmt: skip
    return build_scenario(data, "one.yaml")


def test_one_issue_outcome_is_the_forecast_or_the_win_sets_end() -> None:
    from winset.twolevel import analyse

    inside = analyse(_one_issue_scenario(60))
    # majority 5 of 9 seats: the win-set is (0, 60), the reflection of b3 at 30
    assert inside.paths[0].bounds == {"a": (0.0, 60.0)}
    assert inside.outcome["a"] == pytest.approx(inside.level1["a"])
    outside = analyse(_one_issue_scenario(100, a_capability=10))
    assert outside.level1["a"] > 60
    assert outside.outcome["a"] == pytest.approx(60.0, abs=1e-6)


def _dense_member(bodies, points, q) -> np.ndarray:
    """Membership by the definition (squared distances to a and to q), vectorised, in chunks."""
    ok = np.ones(len(points), dtype=bool)
    for start in range(0, len(points), 200_000):
        part = points[start : start + 200_000]
        for bd in bodies:
            da = ((part[:, None, :] - bd.ideal[None]) ** 2 * bd.weight[None]).sum(axis=2)
            dq = ((q[None, None, :] - bd.ideal[None]) ** 2 * bd.weight[None]).sum(axis=2)
            ok[start : start + 200_000] &= (da < dq - 1e-12) @ bd.seats >= bd.quota
    return ok


def _brute_nearest(bodies, q, target, dims) -> np.ndarray | None:
    """The member nearest ``target`` by brute force: a dense grid, then two denser local grids."""
    per = {3: 121, 4: 37}[dims]
    axes = np.linspace(0.0, 1.0, per)
    pts = np.stack([g.ravel() for g in np.meshgrid(*[axes] * dims, indexing="ij")], axis=1)
    pts = pts[_dense_member(bodies, pts, q)]
    if not len(pts):
        return None
    cell = 1.0 / (per - 1)
    for width, count, keep in ((1.5 * cell, 15, 40), (0.15 * cell, 11, 10)):
        dist = ((pts - target) ** 2).sum(axis=1)
        best = pts[np.argsort(dist)[:keep]]
        local = np.linspace(-width, width, count)
        offsets = np.stack([g.ravel() for g in np.meshgrid(*[local] * dims, indexing="ij")], 1)
        cand = np.clip((best[:, None, :] + offsets[None]).reshape(-1, dims), 0.0, 1.0)
        pts = np.vstack([best, cand[_dense_member(bodies, cand, q)]])
    return pts[np.argmin(((pts - target) ** 2).sum(axis=1))]


@pytest.mark.parametrize(("dims", "seed"), [(3, 0), (3, 2), (4, 0), (4, 3)])
def test_three_and_four_issue_agreement_matches_dense_brute_force(dims, seed) -> None:
    from winset.twolevel.winsets import refine

    rng = np.random.default_rng(300 + seed)
    centre = rng.uniform(0.4, 0.6, dims)
    bodies = [
        body(np.clip(centre + rng.normal(0, 0.15, (5, dims)), 0, 1), seats=rng.integers(1, 9, 5),
             weight=rng.uniform(0.2, 1.0, (5, dims))),
        body(np.clip(centre + rng.normal(0, 0.1, (1, dims)), 0, 1), quota=1,
             weight=rng.uniform(0.2, 1.0, (1, dims))),
    ]  # fmt: skip
    q = np.where(rng.random(dims) < 0.5, 0.05, 0.95)  # the reversion point in a corner
    target = np.clip(centre + rng.choice([-1, 1], dims) * rng.uniform(0.3, 0.5, dims), 0, 1)
    tl = problem(bodies, q, dims)
    aset = agreement_set(tl, tl.pairs()[0])
    brute = _brute_nearest(bodies, q, target, dims)
    assert brute is not None and not aset.empty
    ours = refine(lambda p: ((p - target) ** 2).sum(axis=1), aset)
    assert ours is not None and _dense_member(bodies, ours[None], q)[0]
    # within 0.5% of the scale of the brute-force agreement, on every issue
    assert np.max(np.abs(ours - brute)) <= 0.005
    assert np.linalg.norm(ours - target) <= np.linalg.norm(brute - target) + 0.005


@pytest.mark.parametrize("seed", range(8))
def test_a_set_pinned_to_one_line_is_exact_there(seed) -> None:
    rng = np.random.default_rng(500 + seed)
    dims = 3
    bodies = [
        body(rng.random((6, dims)), seats=rng.integers(1, 9, 6),
             weight=rng.uniform(0, 1, (6, dims))),
        body(rng.random((1, dims)), quota=1),
    ]  # fmt: skip
    q = rng.random(dims)
    lo, hi = np.zeros(dims), np.ones(dims)
    lo[[0, 2]] = hi[[0, 2]] = rng.random(2)  # a domain pins issues 0 and 2
    path = PathArrays("side", "path", True, tuple(bodies), lo, hi)
    tl = TwoLevel(("a", "b", "c"), Scales(np.zeros(dims), np.ones(dims)), q,
                  (SideArrays("side", "neg", (path,), ()),))  # fmt: skip
    aset = agreement_set(tl, tl.pairs()[0])
    t = np.linspace(0, 1, 20001)
    line = np.repeat(lo[None, :], t.size, axis=0)
    line[:, 1] = t
    brute = _dense_member(bodies, line, q)
    if aset.empty:
        assert not brute.any()
        return
    assert aset.line is not None and aset.line[1] == 1
    inside = np.zeros(t.size, dtype=bool)
    edge = np.zeros(t.size, dtype=bool)
    for a, b in aset.line[2]:
        inside |= (t > a) & (t < b)
        edge |= (np.abs(t - a) < 1e-9) | (np.abs(t - b) < 1e-9)
    np.testing.assert_array_equal(brute[~edge], inside[~edge])
    assert aset.member(aset.points).all()
