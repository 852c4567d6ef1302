"""Monte Carlo throughput: serial, local processes and a Dask LocalCluster.

Run: python benchmarks/bench_montecarlo.py [--draws N]
Prints draws per second for each backend and the overhead of the LocalCluster path.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from winset.analysis.montecarlo import monte_carlo
from winset.models.registry import model_names
from winset.scenario.load import build_scenario, bundled_names, load_scenario


def ranged_eu() -> Any:
    """eu-emissions-1994 with uncertainty: positions +-1 year, saliences +-10, capability +-20%."""
    data = load_scenario("eu-emissions-1994").model_dump(mode="json", exclude_none=True)
    for actor in data["actors"]:
        cap = actor["capability"]["value"]
        actor["capability"]["range"] = [0.8 * cap, 1.2 * cap]
        pos = actor["position"]["lag"]["value"]
        actor["position"]["lag"]["range"] = [max(0, pos - 1), min(10, pos + 1)]
        sal = actor["salience"]["lag"]["value"]
        actor["salience"]["lag"]["range"] = [max(0, sal - 10), min(100, sal + 10)]
    return build_scenario(data, "eu-emissions-1994 with ranges")


def timed(label: str, draws: int, **kwargs: Any) -> float:
    start = time.perf_counter()
    monte_carlo(draws=draws, seed=1, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:7.2f} s  {draws / seconds:>10,.0f} draws/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=100_000)
    args = parser.parse_args()
    draws = args.draws
    if "iraq-2011" in bundled_names():
        scenario, name = load_scenario("iraq-2011"), "iraq-2011"
    else:
        scenario, name = ranged_eu(), "eu-emissions-1994 (+ranges)"
    print(f"compromise model, {draws:,} draws of {name}")
    serial = timed("1 worker (this process)", draws, scenario=scenario, model="compromise")
    procs = timed(
        "2 workers (local processes)",
        draws,
        scenario=scenario,
        model="compromise",
        workers=2,
        scheduler="processes",
    )
    cluster = timed(
        "2 workers (Dask LocalCluster, incl. start-up)",
        draws,
        scenario=scenario,
        model="compromise",
        workers=2,
    )
    print(f"speed-up of 2 processes over 1: {serial / procs:.2f}x")
    print(f"LocalCluster overhead against local processes: {cluster - procs:+.2f} s")
    if "eum" in model_names():
        eum_draws = 10_000
        print(f"\neum (default variant), {eum_draws:,} draws of eu-emissions-1994 (+ranges)")
        timed("1 worker", eum_draws, scenario=ranged_eu(), model="eum")
        timed(
            "2 workers (local processes)",
            eum_draws,
            scenario=ranged_eu(),
            model="eum",
            workers=2,
            scheduler="processes",
        )


if __name__ == "__main__":
    main()
