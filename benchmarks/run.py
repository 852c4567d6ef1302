"""Every benchmark in one command: each figure beside its target and the previous run.

Run: python benchmarks/run.py [--quick] [--only startup,montecarlo,eum,twolevel,backtest]
                              [--skip-others] [--sweep] [--history PATH] [--no-save]

Figures come from the ``figures()`` of bench_startup, bench_montecarlo, bench_eum,
bench_twolevel and bench_backtest; the other bench_*.py files here (their owners' own formats)
run after them as they are. Nothing needs data outside the checkout.

The previous figures are kept outside the repository, in the user's cache folder
(``~/.cache/winset/benchmarks/HOSTNAME.json`` on Linux; ``--history PATH`` or the environment
variable ``WINSET_BENCH_HISTORY`` chooses another file), so each run prints the ratio to the
last run on the same machine. Timings are medians of 3 runs (1 with ``--quick``); when the
machine's load is above its number of cores the figures are marked as upper bounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SUITES = ("startup", "montecarlo", "eum", "twolevel", "backtest")


def history_path(chosen: str | None) -> Path:
    """Where the previous figures are kept (outside the checkout)."""
    if chosen or os.environ.get("WINSET_BENCH_HISTORY"):
        return Path(chosen or os.environ["WINSET_BENCH_HISTORY"])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("winset")) / "benchmarks" / f"{socket.gethostname()}.json"


def load_history(path: Path) -> list[dict[str, Any]]:
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))["runs"]
        return list(runs)
    except (OSError, ValueError, KeyError, TypeError):
        return []


def commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def suite_figures(name: str, quick: bool, sweep: bool) -> list[dict[str, Any]]:
    module = importlib.import_module(f"bench_{name}")
    repeats = 1 if quick else 3
    if name == "startup":
        return list(module.figures(repeats=3 if quick else 7))
    if name == "montecarlo":
        return list(module.figures(repeats=repeats, sweep=sweep))
    if name in ("eum", "twolevel"):
        return list(module.figures(repeats=repeats))
    return list(module.figures())


def passed(fig: dict[str, Any]) -> str:
    if "target" not in fig:
        return ""
    value, target = fig["value"], fig["target"]
    ok = value >= target if fig.get("better") == "higher" else value < target
    return "ok" if ok else "MISSED"


def line(fig: dict[str, Any], previous: dict[str, float], busy: bool) -> str:
    value = fig["value"]
    shown = f"{value:10.3f}" if math.isfinite(value) else f"{value!s:>10}"
    target = ""
    if "target" in fig:
        sign = ">=" if fig.get("better") == "higher" else "<"
        target = f"{sign} {fig['target']:g}"
    before = previous.get(fig["name"])
    ratio = f"x{value / before:.2f}" if before and math.isfinite(value) and before > 0 else ""
    upper = " (upper bound: busy)" if busy and fig["unit"] == "s" else ""
    note = f"  {fig['note']}" if fig.get("note") else ""
    return (f"{fig['name']:<66} {shown} {fig['unit']:<10} {target:<8} {passed(fig):<7} "
            f"{ratio:<7}{upper}{note}")  # fmt: skip


def others(quick: bool) -> None:
    """The bench_*.py files without ``figures()``: run as they are, their output as it is."""
    mine = {f"bench_{s}.py" for s in SUITES}
    for path in sorted(HERE.glob("bench_*.py")):
        if path.name in mine:
            continue
        args = [sys.executable, str(path)]
        if quick and "--quick" in path.read_text(encoding="utf-8"):
            args.append("--quick")
        print(f"\n== {path.name} ({' '.join(args[2:]) or 'no options'}) ==", flush=True)
        done = subprocess.run(args, capture_output=True, text=True)
        print(done.stdout.rstrip() or "(no output)")
        if done.returncode:
            print(f"(exit status {done.returncode}) {done.stderr.strip().splitlines()[-1:]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="One repeat of each timing.")
    parser.add_argument("--only", default=",".join(SUITES), help="Comma-separated suites.")
    parser.add_argument("--skip-others", action="store_true", help="Only the suites above.")
    parser.add_argument("--sweep", action="store_true", help="Monte Carlo at 1e5, 1e6, 1e7.")
    parser.add_argument("--history", help="The file of previous figures.")
    parser.add_argument("--no-save", action="store_true", help="Do not record this run.")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    path = history_path(args.history)
    runs = load_history(path)
    previous: dict[str, float] = runs[-1]["figures"] if runs else {}
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"winset benchmarks: commit {commit()}, {cores} cores, load {load:.2f}, "
          f"Python {sys.version.split()[0]}")  # fmt: skip
    print(f"previous figures: {path} ({'run of ' + runs[-1]['when'] if runs else 'none yet'})")
    print(f"{'figure':<66} {'value':>10} {'unit':<10} {'target':<8} {'status':<7} vs last")
    figures: list[dict[str, Any]] = []
    for suite in [s.strip() for s in args.only.split(",") if s.strip()]:
        if suite not in SUITES:
            parser.error(f"unknown suite {suite!r} (suites: {', '.join(SUITES)})")
        for fig in suite_figures(suite, args.quick, args.sweep):
            busy = (os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0) > cores
            print(line(fig, previous, busy), flush=True)
            figures.append(fig)
    end_load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    missed = [f["name"] for f in figures if passed(f) == "MISSED"]
    print(
        f"\n{len(figures)} figures, {len(missed)} missed; load at the end {end_load:.2f}"
        + (" (busy machine: timings are upper bounds)" if max(load, end_load) > cores else "")
    )
    if not args.no_save and figures:
        runs.append({
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": commit(), "load": [load, end_load], "quick": args.quick,
            "figures": {**previous, **{f["name"]: f["value"] for f in figures}},
        })  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"runs": runs[-20:]}, indent=1), encoding="utf-8")
        print(f"figures recorded in {path}")
    if not args.skip_others:
        others(args.quick)


if __name__ == "__main__":
    main()
