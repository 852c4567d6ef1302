"""A short run of benchmarks/bench_web.py: 20 clients on loopback, bounded, stops by itself."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_web.py"


def test_twenty_clients_lose_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_web", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    status = bench.main(["--clients", "20", "--seconds", "8", "--no-timings"])
    out = capsys.readouterr().out
    print(out)
    assert "errors (other than 429/413): 0" in out
    assert ", 0 lost, 0 not asked for" in out
    assert status == 0
