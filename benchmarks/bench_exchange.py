"""Speed of the exchange model (Stokman's equal-gain vote trading).

Run: python benchmarks/bench_exchange.py [--quick]
Prints seconds for:
  - COP21 (15 actors x 13 issues), 10 rounds, one run, in float and in decimal arithmetic;
  - a synthetic 100-actor x 20-issue case, 10 rounds, one run (float);
  - 1,000 perturbed copies of COP21 in one batched solve, 10 rounds (float);
  - how the time of one round grows with the number of actors and of issues (float).

COP21 is decide's input file in ../shared/reference/exchange (GPL-3.0, not part of winset); when
that folder is absent the COP21 rows say so and run a synthetic case of the same size instead.
``--quick`` skips the 100 x 20 case and uses 100 copies instead of 1,000.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from winset.models.base import Inputs
from winset.models.exchange import ExchangeModel
from winset.scenario.arrays import to_arrays
from winset.scenario.decide import parse_decide

COP21 = Path(__file__).resolve().parents[1].parent / "shared/reference/exchange/decide_cop21.csv"


def synthetic(n: int, m: int, copies: int = 1, seed: int = 0) -> Inputs:
    """Hand-entered-looking data: positions on a 0-100 grid of tens, saliences in tenths."""
    rng = np.random.default_rng(seed)
    position = rng.integers(0, 11, (1, n, m)) / 10
    salience = rng.integers(1, 11, (1, n, m)) / 10
    capability = np.round(rng.random((1, n)) + 0.05, 2)
    return Inputs(
        capability=np.repeat(capability, copies, axis=0),
        position=np.repeat(position, copies, axis=0),
        salience=np.repeat(salience, copies, axis=0),
        present=np.ones((n, m), bool),
        status_quo=np.zeros((copies, m)),
        has_status_quo=np.zeros(m, bool),
    )


def cop21() -> tuple[Inputs, str]:
    """COP21 from the shared folder, else a synthetic stand-in of its size."""
    if COP21.is_file():
        scenario = parse_decide(COP21.read_text(), COP21.name)
        return Inputs.from_arrays(to_arrays(scenario)), "COP21"
    print(f"note: {COP21} is absent; using a synthetic 15 x 13 case in its place")
    return synthetic(15, 13), "synthetic 15 x 13 (COP21's size)"


def perturbed(base: Inputs, copies: int, seed: int = 1) -> Inputs:
    """Copies with positions +-5 points, saliences +-0.05, capabilities +-10%."""
    rng = np.random.default_rng(seed)
    _, n, m = base.position.shape
    return Inputs(
        capability=base.capability * rng.uniform(0.9, 1.1, (copies, n)),
        position=np.clip(base.position + rng.uniform(-0.05, 0.05, (copies, n, m)), 0, 1),
        salience=np.clip(base.salience + rng.uniform(-0.05, 0.05, (copies, n, m)), 0.01, 1),
        present=base.present,
        status_quo=np.repeat(base.status_quo, copies, axis=0),
        has_status_quo=base.has_status_quo,
    )


def solve(inputs: Inputs, rounds: int, **params: object) -> tuple[float, float]:
    """Seconds of one solve, and the mean number of exchanges per round of draw 0."""
    model = ExchangeModel()
    resolved, variant = model.info.resolve({"rounds": rounds, **params}, None)
    start = time.perf_counter()
    solution = model.solve(inputs, resolved, variant, np.random.default_rng(0))
    seconds = time.perf_counter() - start
    assert np.isfinite(solution.forecast).all()
    made = [int(r.exchanges[0]) for r in solution.rounds[1:]]  # type: ignore[attr-defined]
    return seconds, float(np.mean(made)) if made else 0.0


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:<62} {seconds:8.2f} s  {note}")


def growth() -> None:
    """One round at growing sizes; the slope of log time against log size."""
    print("\ngrowth of one round (float, one run):")
    for label, sizes in (
        ("actors (10 issues)", [(n, 10) for n in (10, 20, 40, 80)]),
        ("issues (20 actors)", [(20, m) for m in (4, 8, 16, 32)]),
    ):
        times, size = [], []
        for n, m in sizes:
            seconds, made = solve(synthetic(n, m), rounds=1)
            times.append(seconds)
            size.append(n if label.startswith("actors") else m)
            print(f"  {n:>4} actors x {m:>3} issues: {seconds:7.3f} s, {made:6.0f} exchanges")
        slope = np.polyfit(np.log(size), np.log(times), 1)[0]
        print(f"  time grows as {label.split()[0]}^{slope:.1f} over this range")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Skip the largest cases.")
    args = parser.parse_args()
    base, name = cop21()
    for arithmetic in ("float", "decimal"):
        seconds, made = solve(base, 10, arithmetic=arithmetic)
        row(f"{name}, 10 rounds, one run, {arithmetic}", seconds, f"{made:.0f} exchanges/round")
    if not args.quick:
        seconds, made = solve(synthetic(100, 20), 10)
        row("synthetic 100 actors x 20 issues, 10 rounds", seconds, f"{made:.0f} exchanges/round")
    copies = 100 if args.quick else 1000
    seconds, _ = solve(perturbed(base, copies), 10)
    row(
        f"{name}, 10 rounds, {copies:,} perturbed copies in one batch",
        seconds,
        f"{1000 * seconds / copies:.0f} ms per copy",
    )
    growth()


if __name__ == "__main__":
    main()
