"""Helpers of the workbench tests: settings on a private store, a live server, a browser."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from winset.web.app import create_app
from winset.web.settings import WebSettings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def make_settings(tmp_path: Path, **extra: Any) -> WebSettings:
    """Settings with the run store and the scenarios in ``tmp_path``."""
    return WebSettings(store=tmp_path / "runs.sqlite", scenario_dir=tmp_path / "scenarios", **extra)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The workbench served by uvicorn in a thread of this process, on a free loopback port."""

    def __init__(self, settings: WebSettings) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def chrome(width: int = 1366, height: int = 900, downloads: Path | None = None) -> Any:
    """Headless Chromium through chromedriver (Debian's), with no network of its own."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "no Chromium and chromedriver on this machine "
            "(apt-get install chromium chromium-driver)"
        )
    selenium = pytest.importorskip("selenium")
    del selenium
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        f"--user-data-dir={tempfile.mkdtemp(prefix='winset-chrome-')}",
    ):
        options.add_argument(arg)
    if downloads is not None:
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def docs_copy(shot: Path, name: str) -> None:
    """With WINSET_SCREENSHOTS=DIR, keep a copy of a screenshot there (for docs/img)."""
    target = os.environ.get("WINSET_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(target) / f"workbench-{name}.png")
