"""Shared fixtures. Tests never write into the repository or the user's run store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# make tests/strategies.py and tests/models/contract.py importable as plain modules
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _private_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own run store (the CLI default would be the user's data dir)."""
    monkeypatch.setenv("WINSET_STORE", str(tmp_path_factory.mktemp("store") / "runs.sqlite"))


@pytest.fixture
def shared() -> Path:
    """The shared reference folder beside the checkout."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


# Hypothesis keeps no example database in the checkout (tests never write into the repo).
from hypothesis import settings  # noqa: E402

settings.register_profile("winset", database=None, deadline=None)
settings.load_profile("winset")
