"""The layers of docs/architecture.md hold: no module imports a layer above it, and every
module imports on its own in a fresh interpreter (no cycle hides behind an import order)."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def _modules() -> list[str]:
    names = []
    for path in sorted((SRC / "winset").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_import_linter_contracts_are_kept() -> None:
    pytest.importorskip("importlinter")
    out = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        capture_output=True,
        text=True,
        cwd=SRC.parent,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_every_module_imports_alone() -> None:
    def attempt(module: str) -> tuple[str, int, str]:
        done = subprocess.run(
            [sys.executable, "-c", f"import {module}"], capture_output=True, text=True
        )
        return module, done.returncode, done.stderr[-400:]

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [r for r in pool.map(attempt, _modules()) if r[1] != 0]
    assert not failures, failures
