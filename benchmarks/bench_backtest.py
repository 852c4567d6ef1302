"""Speed of the whole DEU backtest: every model on 213 issues, bootstrap and cross-validation.

Run: python benchmarks/bench_backtest.py [path/to/deu3-dev.csv]
Prints seconds per stage and in all (target: under 10 s for the whole backtest). Without a path,
the DEU development table kept with the tests (tests/data/deu3) is used, so any checkout runs it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from winset.backtest.deu import read_deu
from winset.backtest.evaluate import BacktestSettings, backtest
from winset.backtest.models import fixed_forecasts

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "deu3" / "deu3-dev.csv"


def figures(path: Path = DEFAULT) -> list[dict[str, object]]:
    """The benchmark's figures, each with its target (see benchmarks/run.py)."""
    data = read_deu(path)
    start = time.perf_counter()
    backtest(data, settings=BacktestSettings(cv=True, resamples=2000, seed=0))
    return [{"name": f"backtest, {data.n} DEU issues (CV, 2,000 resamples)",
             "value": time.perf_counter() - start, "unit": "s", "target": 10.0}]  # fmt: skip


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    start = time.perf_counter()
    data = read_deu(path)
    read = time.perf_counter() - start
    t = time.perf_counter()
    fixed_forecasts(data)
    models = time.perf_counter() - t
    t = time.perf_counter()
    result = backtest(data, settings=BacktestSettings(cv=True, resamples=2000, seed=0))
    whole = time.perf_counter() - t
    print(f"read {data.n} issues:                         {read:6.3f} s")
    print(f"every fixed model once:                    {models:6.3f} s")
    print(
        f"whole backtest (models, LOPO CV, 2,000 bootstrap resamples of proposals, bound): "
        f"{whole:6.3f} s  (target < 10 s)"
    )
    print(
        f"{len(result.models)} models scored; best {result.best} "
        f"(MAE {result.models[result.best].mae:.2f})"
    )


if __name__ == "__main__":
    main()
