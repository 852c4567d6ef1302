"""Fixtures of the workbench tests: an app on a private store, a live server, a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from webtools import LiveServer, make_settings  # noqa: E402

from winset.web.app import create_app  # noqa: E402
from winset.web.settings import WebSettings  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    return make_settings(tmp_path)


@pytest.fixture
def client(settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(make_settings(tmp_path)) as server:
        yield server
