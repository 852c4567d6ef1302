"""Speed of KTAB's spatial model (SMP) against the targets of its issue and KTAB's own times.

Run: python benchmarks/bench_smp.py [--quick]
Prints, beside each target and KTAB's time for a case of the same size (2 cores, optimised
build, no database logging; from the KTAB reference README):
  - synthetic cases (capabilities uniform 10-200, positions uniform 0-100, seed 42): 100 x 1
    (target < 3 s; KTAB 293 s), 100 x 3 (< 3 s; KTAB 222 s), 30 x 1 (< 0.1 s; KTAB 1.5 s),
    and the other sizes KTAB was timed on;
  - 1,000 Monte Carlo draws of SOE-Policy (the bundled china-soe-policy) in one solve;
  - how the time of one turn grows with the number of actors (KTAB's grows as n^4).
Synthetic runs have their own number of turns, so the time per turn is printed too.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from winset.models.base import Inputs, Solution
from winset.models.smp import SMPModel
from winset.scenario.arrays import to_arrays
from winset.scenario.load import load_scenario

# actors, dimensions, KTAB's turns, KTAB's seconds, our target (seconds or None)
KTAB_TIMES = [
    (10, 3, 6, 0.12, None),
    (30, 1, 20, 1.5, 0.1),
    (40, 1, 34, 6.5, None),
    (60, 1, 32, 29.0, None),
    (100, 1, 44, 293.0, 3.0),
    (100, 3, 31, 222.0, 3.0),
]


def synthetic(n: int, m: int, seed: int = 42) -> Inputs:
    """KTAB-style synthetic actors: capabilities U(10, 200), positions U(0, 100).

    Each actor's saliences add up to a total drawn from U(0.3, 0.9), split across the
    dimensions in random shares; positions and saliences are rounded to KTAB's 2 decimals on
    0-100.
    """
    rng = np.random.default_rng(seed)
    total = rng.uniform(0.3, 0.9, (1, n, 1))
    shares = rng.dirichlet(np.ones(m), (1, n))
    return Inputs(
        capability=np.round(rng.uniform(10, 200, (1, n)), 2),
        position=np.round(rng.uniform(0, 100, (1, n, m)), 2) / 100,
        salience=np.round(100 * total * shares, 2) / 100,
        present=np.ones((n, m), bool),
        status_quo=np.zeros((1, m)),
        has_status_quo=np.zeros(m, bool),
    )


def soe_policy_draws(draws: int, seed: int = 42) -> Inputs:
    """SOE-Policy with capabilities x U(0.8, 1.2), positions +- U(5), saliences +- U(0.05)."""
    base = Inputs.from_arrays(to_arrays(load_scenario("china-soe-policy")))
    rng = np.random.default_rng(seed)
    n, m = base.position.shape[1:]
    return Inputs(
        capability=base.capability * rng.uniform(0.8, 1.2, (draws, n)),
        position=np.clip(base.position + rng.uniform(-0.05, 0.05, (draws, n, m)), 0, 1),
        salience=np.clip(base.salience + rng.uniform(-0.05, 0.05, (draws, n, m)), 0, 1),
        present=base.present,
        status_quo=np.repeat(base.status_quo, draws, axis=0),
        has_status_quo=base.has_status_quo,
    )


def solve(inputs: Inputs, repeats: int = 3, **params: object) -> tuple[float, list[int], Solution]:
    """Best of ``repeats`` timings of one solve; the turns each draw ran; the solution."""
    model = SMPModel()
    resolved, variant = model.info.resolve(params, None)
    best = np.inf
    solution: Solution | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        solution = model.solve(inputs, resolved, variant, np.random.default_rng(0))
        best = min(best, time.perf_counter() - start)
    assert solution is not None and np.isfinite(solution.forecast).all()
    return best, list(solution.extras["turns"]), solution


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Fewer repeats and draws.")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3

    print(f"Synthetic cases, one run each (best of {repeats})")
    print(f"{'actors x dims':<14}{'turns':>6}{'seconds':>10}{'ms/turn':>10}{'target':>9}"
          f"{'KTAB s':>9}{'KTAB turns':>11}{'KTAB ms/turn':>13}{'x faster':>10}")  # fmt: skip
    for n, m, k_turns, k_seconds, target in KTAB_TIMES:
        seconds, turns, _ = solve(synthetic(n, m), repeats)
        per_turn = 1000 * seconds / turns[0]
        k_per_turn = 1000 * k_seconds / k_turns
        goal = f"< {target:g} s" if target else "-"
        print(f"{f'{n} x {m}':<14}{turns[0]:>6}{seconds:>10.3f}{per_turn:>10.2f}{goal:>9}"
              f"{k_seconds:>9.2f}{k_turns:>11}{k_per_turn:>13.1f}"
              f"{k_per_turn / per_turn:>9.0f}x")  # fmt: skip

    draws = 200 if args.quick else 1000
    inputs = soe_policy_draws(draws)
    seconds, turns, solution = solve(inputs, 1)
    forecast = 100 * solution.forecast[:, 0]
    print(
        f"\nSOE-Policy, {draws:,} Monte Carlo draws in one solve: {seconds:.2f} s "
        f"({1000 * seconds / draws:.1f} ms a draw; turns {min(turns)}-{max(turns)}, mean "
        f"{np.mean(turns):.1f}); KTAB: one run 3.5 s with its minimal logging, so "
        f"{draws:,} runs about {3.5 * draws:,.0f} s"
    )
    p10, p50, p90 = np.percentile(forecast, [10, 50, 90])
    print(f"  forecast (0-100): p10 {p10:.2f}, median {p50:.2f}, p90 {p90:.2f}")

    print(f"\nTime of one turn by number of actors (1 dimension, 10 turns, best of {repeats})")
    sizes = [10, 20, 40, 80, 160] if not args.quick else [10, 20, 40, 80]
    turn_seconds: list[float] = []
    for n in sizes:
        seconds, _, _ = solve(synthetic(n, 1), repeats, rounds=10, tolerance=0.0)
        turn_seconds.append(seconds / 10)
        print(f"  {n:>4} actors: {1000 * turn_seconds[-1]:8.2f} ms a turn")
    slopes = np.diff(np.log(turn_seconds)) / np.diff(np.log(sizes))
    steps = zip(sizes, sizes[1:], slopes, strict=False)
    print(
        "  growth exponent between successive sizes: "
        + ", ".join(f"{a}->{b}: n^{s:.2f}" for a, b, s in steps)
        + " (the arithmetic is O(n^3); KTAB's turn grows as n^4)"
    )


if __name__ == "__main__":
    main()
