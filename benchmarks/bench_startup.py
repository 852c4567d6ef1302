"""Start-up: how long the command takes before it does anything, and what it imports.

Run: python benchmarks/bench_startup.py [--repeats 7]
Prints the median wall time of fresh processes (bytecode cached, as for an installed package)
for:
  - ``python -c pass`` (the interpreter alone, for reference);
  - ``winset --help`` (target < 0.25 s);
  - ``winset run eu-emissions-1994 --no-store`` (target < 0.35 s);
and which of the heavy optional libraries (pandas, matplotlib, Plotly, SALib, Dask) each command
imported (none should be), with the import time of the YAML reader's pure-Python and C parsers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HEAVY = ("pandas", "matplotlib", "plotly", "SALib", "dask", "distributed", "scipy")
COMMANDS = {
    "winset --help": ["-m", "winset", "--help"],
    "winset run eu-emissions-1994": ["-m", "winset", "run", "eu-emissions-1994", "--no-store"],
}
TARGETS = {"winset --help": 0.25, "winset run eu-emissions-1994": 0.35}


def _env() -> dict[str, str]:
    """The commands' environment: bytecode cached (as in an installed package), outside the
    checkout (``PYTHONPYCACHEPREFIX``), even where the shell says not to write it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    prefix = os.path.join(tempfile.gettempdir(), "winset-bench-pycache")
    return {**env, "PYTHONPYCACHEPREFIX": prefix, "MPLBACKEND": "Agg", "NO_COLOR": "1",
            "COLUMNS": "100"}  # fmt: skip


def wall(args: list[str], repeats: int) -> float:
    """Median wall time of ``python args`` in fresh processes (one warm-up run first)."""
    cmd = [sys.executable, *args]
    subprocess.run(cmd, capture_output=True, env=_env(), check=True)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=_env(), check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def imported(args: list[str]) -> list[str]:
    """The heavy libraries a command imports (from ``python -X importtime``)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, env=_env()
    )
    names = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    return [h for h in HEAVY if h in names]


def yaml_parse_cost() -> dict[str, float]:
    """Seconds to parse iraq-2011's YAML with PyYAML's pure-Python and C (libyaml) loaders."""
    import yaml

    from winset.scenario.load import bundled_names  # noqa: F401  (the file's location)

    path = os.path.join(
        os.path.dirname(sys.modules["winset.scenario.load"].__file__ or ""),
        "bundled",
        "iraq-2011.yaml",
    )
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    out = {}
    loaders = {"pure Python": yaml.SafeLoader, "libyaml": getattr(yaml, "CSafeLoader", None)}
    for name, loader in loaders.items():
        if loader is None:
            continue
        start = time.perf_counter()
        for _ in range(5):
            yaml.load(text, Loader=loader)  # noqa: S506 (safe loaders only)
        out[name] = (time.perf_counter() - start) / 5
    return out


def figures(repeats: int = 7) -> list[dict[str, Any]]:
    """The benchmark's figures, each with its target (see benchmarks/run.py)."""
    out: list[dict[str, Any]] = [
        {"name": "start-up: python -c pass", "value": wall(["-c", "pass"], repeats), "unit": "s"}
    ]
    for label, args in COMMANDS.items():
        heavy = imported(args)
        out.append(
            {
                "name": f"start-up: {label}",
                "value": wall(args, repeats),
                "unit": "s",
                "target": TARGETS[label],
                "note": f"imports {', '.join(heavy)}" if heavy else "no heavy imports",
            }
        )
    for name, seconds in yaml_parse_cost().items():
        out.append({"name": f"parse iraq-2011.yaml ({name})", "value": seconds, "unit": "s"})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    for fig in figures(args.repeats):
        target = f"  (target < {fig['target']:g})" if "target" in fig else ""
        note = f"  [{fig['note']}]" if "note" in fig else ""
        print(f"{fig['name']:<48} {fig['value']:8.3f} {fig['unit']}{target}{note}")


if __name__ == "__main__":
    main()
