"""Monte Carlo throughput: one worker, local processes and a Dask LocalCluster.

Run: python benchmarks/bench_montecarlo.py [--draws N] [--repeats 3] [--sweep]
Prints, for the compromise model on ``iraq-2011`` (51 uncertain values), the median wall time
of ``winset run iraq-2011 --draws N --seed 1`` in fresh processes:
  - on one worker without the run store (target < 3 s for 1,000,000 draws) and with it (its
    checkpoints: the extra time, target < 13%);
  - on 2 local processes (``--workers 2``) and on a 2-worker Dask ``LocalCluster``
    (``--scheduler dask``), and whether all of them printed byte-identical results;
  - the expected utility model on 10,000 draws of eu-emissions-1994 with ranges, one worker.
With ``--sweep``, the same for 10^5, 10^6 and 10^7 draws on every backend: from which size on
Dask beats local processes (docs/uncertainty.md, Speed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

BACKENDS = {
    "1 worker": [],
    "2 local processes": ["--workers", "2"],
    "2-worker Dask LocalCluster": ["--workers", "2", "--scheduler", "dask"],
}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    prefix = os.path.join(tempfile.gettempdir(), "winset-bench-pycache")
    return {**env, "PYTHONPYCACHEPREFIX": prefix, "NO_COLOR": "1"}


def dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def timed_run(scenario: str, draws: int, extra: list[str], store: str | None = None,
              model: str = "compromise") -> tuple[float, str]:  # fmt: skip
    """Wall time of one ``winset run --draws`` in a fresh process, and its JSON result."""
    cmd = [sys.executable, "-m", "winset", "run", scenario, "--model", model, "--draws",
           str(draws), "--seed", "1", "--json", *extra]  # fmt: skip
    cmd += ["--store", store] if store else ["--no-store"]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    seconds = time.perf_counter() - start
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  failed ({' '.join(cmd[3:])}): {last}", file=sys.stderr)
        return float("inf"), f"failed: {last}"
    data = json.loads(out.stdout)
    keep = {k: data[k] for k in ("forecast", "distribution", "extras")}
    return seconds, json.dumps(keep, sort_keys=True)


def median_run(scenario: str, draws: int, extra: list[str], repeats: int, store: bool = False,
               model: str = "compromise") -> tuple[float, str]:  # fmt: skip
    times, text = [], ""
    for _ in range(repeats):
        path = None
        if store:
            path = os.path.join(tempfile.mkdtemp(prefix="winset-bench-"), "runs.sqlite")
        seconds, text = timed_run(scenario, draws, extra, path, model)
        times.append(seconds)
    return statistics.median(times), text


def ranged_eu(path: str) -> str:
    """eu-emissions-1994 with ranges (positions +-1 year, saliences +-10, capabilities +-20%)."""
    import yaml

    from winset.scenario.load import load_scenario

    data = load_scenario("eu-emissions-1994").model_dump(mode="json", exclude_none=True)
    for actor in data["actors"]:
        cap = actor["capability"]["value"]
        actor["capability"]["range"] = [0.8 * cap, 1.2 * cap]
        pos = actor["position"]["lag"]["value"]
        actor["position"]["lag"]["range"] = [max(0, pos - 1), min(10, pos + 1)]
        sal = actor["salience"]["lag"]["value"]
        actor["salience"]["lag"]["range"] = [max(0, sal - 10), min(100, sal + 10)]
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle)
    return path


def figures(draws: int = 1_000_000, repeats: int = 3, sweep: bool = False) -> list[dict[str, Any]]:
    """The benchmark's figures, each with its target (see benchmarks/run.py)."""
    out: list[dict[str, Any]] = []
    texts = {}
    backends = {k: v for k, v in BACKENDS.items() if "Dask" not in k or dask_available()}
    sizes = [100_000, 1_000_000, 10_000_000] if sweep else [draws]
    for size in sizes:
        for label, extra in backends.items():
            seconds, texts[(size, label)] = median_run("iraq-2011", size, extra, repeats)
            target = 3.0 if (label == "1 worker" and size == 1_000_000) else None
            fig = {"name": f"iraq-2011 --draws {size:,}: {label}", "value": seconds, "unit": "s"}
            if target is not None:
                fig["target"] = target
            out.append(fig)
        same = len({texts[(size, label)] for label in backends}) == 1
        out.append({"name": f"iraq-2011 --draws {size:,}: same bytes on every backend",
                    "value": float(same), "unit": "yes=1", "target": 1.0,
                    "better": "higher"})  # fmt: skip
    plain = next(f["value"] for f in out if f["name"].endswith(f"{draws:,}: 1 worker"))
    stored, text = median_run("iraq-2011", draws, [], repeats, store=True)
    out.append({"name": f"iraq-2011 --draws {draws:,}: checkpoints' extra time",
                "value": 100 * (stored / plain - 1), "unit": "%", "target": 13.0,
                "note": f"{stored:.2f} s with the run store"})  # fmt: skip
    out.append({"name": f"iraq-2011 --draws {draws:,}: same bytes with checkpoints",
                "value": float(text == texts[(draws, "1 worker")]), "unit": "yes=1",
                "target": 1.0, "better": "higher"})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = ranged_eu(os.path.join(tmp, "eu-ranged.yaml"))
        seconds, _ = median_run(path, 10_000, [], repeats, model="eum")
    out.append({"name": "eum, eu-emissions-1994 (+ranges) --draws 10,000: 1 worker",
                "value": seconds, "unit": "s"})  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="10^5, 10^6 and 10^7 draws.")
    args = parser.parse_args()
    for fig in figures(args.draws, args.repeats, args.sweep):
        target = f"  (target < {fig['target']:g})" if "target" in fig else ""
        print(f"{fig['name']:<64} {fig['value']:8.3f} {fig['unit']}{target}")


if __name__ == "__main__":
    main()
