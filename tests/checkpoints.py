"""Killing a run part-way: how many checkpoints its store holds, and kill -9 once it has some."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path


def chunks_in(path: Path) -> int:
    """The checkpointed chunks in a run store (0 while it does not exist or is locked)."""
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=1) as con:
            return int(con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def kill_once_checkpointed(
    cmd: list[str],
    store: Path,
    chunks: int,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start ``cmd``, kill -9 it once ``store`` holds ``chunks`` chunks; the chunks left."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + timeout
    while chunks_in(store) < chunks and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    return chunks_in(store)
