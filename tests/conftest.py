"""Shared fixtures. Tests never write into the repository or the user's run store."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = ROOT / "tests" / "data"

# make tests/strategies.py and tests/models/contract.py importable as plain modules
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _private_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own run store (the CLI default would be the user's data dir)."""
    monkeypatch.setenv("WINSET_STORE", str(tmp_path_factory.mktemp("store") / "runs.sqlite"))


@pytest.fixture
def data() -> Path:
    """The test data kept with the tests (``tests/data``, see its README)."""
    return DATA


@pytest.fixture
def shared() -> Path:
    """The shared reference folder beside the checkout: only for the decide program's input
    files, which are GPL-3.0 and so are not copied into winset."""
    if not SHARED.is_dir():
        pytest.skip("the decide input files are GPL-3.0 and not redistributed with winset")
    return SHARED


# Hypothesis keeps no example database in the checkout (tests never write into the repo).
from hypothesis import settings  # noqa: E402

settings.register_profile("winset", database=None, deadline=None)
settings.load_profile("winset")
