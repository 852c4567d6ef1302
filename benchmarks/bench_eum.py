"""Speed of the expected utility model against the targets of its issue.

Run: python benchmarks/bench_eum.py [--skip-large] [--threads T]
Prints seconds (best of three; and peak memory of the model's arrays) for:
  - the 10-actor EU case, 10 rounds, 10,000 perturbed copies in one batch on one thread
    (target < 2 s);
  - 100 actors x 50 rounds, one run (target < 0.5 s);
  - 1,000 actors x 10 rounds, one run (target < 60 s and < 4 GiB).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from winset.models.base import Inputs
from winset.models.registry import get_model
from winset.scenario.arrays import to_arrays
from winset.scenario.load import load_scenario


def perturbed_eu(copies: int, seed: int = 0) -> Inputs:
    """eu-emissions-1994 with positions +-1 year, saliences +-0.1, capabilities +-20%."""
    base = Inputs.from_arrays(to_arrays(load_scenario("eu-emissions-1994")))
    rng = np.random.default_rng(seed)
    n = base.capability.shape[1]
    return Inputs(
        capability=base.capability * rng.uniform(0.8, 1.2, (copies, n)),
        position=np.clip(base.position + rng.uniform(-0.1, 0.1, (copies, n, 1)), 0, 1),
        salience=np.clip(base.salience + rng.uniform(-0.1, 0.1, (copies, n, 1)), 0, 1),
        present=base.present,
        status_quo=np.repeat(base.status_quo, copies, axis=0),
        has_status_quo=base.has_status_quo,
    )


def random_actors(n: int, seed: int = 0) -> Inputs:
    rng = np.random.default_rng(seed)
    return Inputs(
        capability=rng.random((1, n)) + 0.01,
        position=rng.random((1, n, 1)),
        salience=rng.random((1, n, 1)),
        present=np.ones((n, 1), bool),
        status_quo=np.zeros((1, 1)),
        has_status_quo=np.zeros(1, bool),
    )


def seconds(inputs: Inputs, rounds: int, variant: str, threads: int | None = 1,
            repeats: int = 3) -> float:  # fmt: skip
    """Median wall time of the model on ``inputs`` (``threads`` threads)."""
    model = type(get_model("eum"))(threads=threads)
    params, variant = model.info.resolve({"rounds": rounds}, variant)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        solution = model.solve(inputs, params, variant, np.random.default_rng(0))
        times.append(time.perf_counter() - start)
        assert np.isfinite(solution.forecast).all()
    return float(np.median(times))


def figures(repeats: int = 3) -> list[dict[str, object]]:
    """The benchmark's figures, each with its target (see benchmarks/run.py)."""
    out: list[dict[str, object]] = []
    copies = perturbed_eu(10_000)
    for variant in ("scholz-code", "paper"):
        out.append({"name": f"eum {variant}: 10,000 x eu-emissions-1994 x 10 rounds, 1 thread",
                    "value": seconds(copies, 10, variant, 1, repeats), "unit": "s",
                    "target": 2.0})  # fmt: skip
        out.append({"name": f"eum {variant}: 100 actors x 50 rounds",
                    "value": seconds(random_actors(100), 50, variant, 1, repeats), "unit": "s",
                    "target": 0.5})  # fmt: skip
    return out


def timed(label: str, inputs: Inputs, rounds: int, variant: str, target: str,
          threads: int | None = 1) -> None:  # fmt: skip
    """Best of three timings; then one more run under tracemalloc for the arrays' peak."""
    model = type(get_model("eum"))(threads=threads)
    params, variant = model.info.resolve({"rounds": rounds}, variant)
    best = np.inf
    for _ in range(1 if inputs.capability.shape[1] > 500 else 3):
        start = time.perf_counter()
        solution = model.solve(inputs, params, variant, np.random.default_rng(0))
        best = min(best, time.perf_counter() - start)
        assert np.isfinite(solution.forecast).all()
    tracemalloc.start()
    model.solve(inputs, params, variant, np.random.default_rng(0))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<48} {variant:<12} {best:7.3f} s  peak arrays {peak / 2**20:7.1f} MiB"
        f"  (target {target})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-large", action="store_true", help="Skip the 1,000-actor run.")
    parser.add_argument("--threads", type=int, default=1, help="Threads (0: every core).")
    args = parser.parse_args()
    cases = [
        ("EU case, 10 rounds, 10,000 copies in one batch", perturbed_eu(10_000), 10, "< 2 s"),
        ("100 actors x 50 rounds", random_actors(100), 50, "< 0.5 s"),
    ]
    if not args.skip_large:
        cases.append(("1,000 actors x 10 rounds", random_actors(1000), 10, "< 60 s, < 4 GiB"))
    for variant in ("scholz-code", "paper"):
        for label, inputs, rounds, target in cases:
            timed(label, inputs, rounds, variant, target, args.threads or None)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"peak resident memory of this process: {rss:,.0f} MiB")


if __name__ == "__main__":
    main()
