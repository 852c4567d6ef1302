"""The workbench's settings and limits: where it keeps things, who may use it, how much it takes."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LOOPBACK_NAMES", "WebSettings", "is_loopback"]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
"""Host names that always mean this machine."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) can only be reached from this machine."""
    text = host.strip().strip("[]").lower()
    if text in ("localhost",) or text.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebSettings:
    """Where the workbench keeps its data, its access token, and its limits.

    Attributes
    ----------
    store
        The run store (an SQLite file); None: the default (``$WINSET_STORE`` or the user's data
        directory).
    scenario_dir
        Where uploaded and saved scenarios are kept (YAML files); None: a ``scenarios`` folder
        beside the run store.
    token
        When set, every request must carry it (``Authorization: Bearer``, the ``winset_token``
        cookie, or ``?token=`` once, which sets the cookie).
    host
        The address the server listens on (names it accepts in the ``Host`` header too).
    max_upload
        The largest request body, in bytes (413 beyond).
    max_actors, max_issues, max_draws
        The largest scenario and the most draws one run may ask for.
    max_jobs
        Background jobs (draws, sensitivity, searches, reports) that run at once.
    max_queue
        Jobs that may wait for a free slot; beyond that a request is answered 429.
    job_time_limit
        Seconds a job may run; it is stopped at its next progress report after that.
    allowed_hosts
        More ``Host`` header values to accept (the server's own address and the loopback names
        always are; ``*`` accepts any, which a token then protects).
    """

    store: Path | None = None
    scenario_dir: Path | None = None
    token: str | None = None
    host: str = "127.0.0.1"
    max_upload: int = 5 * 1024 * 1024
    max_actors: int = 300
    max_issues: int = 30
    max_draws: int = 1_000_000
    max_jobs: int = 2
    max_queue: int = 32
    job_time_limit: float = 900.0
    allowed_hosts: tuple[str, ...] = ()

    def scenarios_folder(self, store_path: Path) -> Path:
        """The folder of saved scenarios (``scenario_dir``, else beside the run store)."""
        return (
            self.scenario_dir if self.scenario_dir is not None else store_path.parent / "scenarios"
        )
