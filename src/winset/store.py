"""The run store: every run saved in one embedded SQLite file, keyed by what determines it.

A run's key is a SHA-256 of (input hash, model, variant, parameters, seed, kind, package
version), so the same run is never computed twice. The database uses WAL mode, so a reader never
blocks a writer and an interrupted write leaves the file consistent. The default location is the
user's data directory; ``--store PATH`` or the ``WINSET_STORE`` environment variable override it.
Chunks of long runs can be checkpointed under a parent key (see :meth:`RunStore.put_chunk`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from winset.errors import InputError, Problem
from winset.results import Provenance

__all__ = ["RunStore", "StoredRun", "default_store_path", "run_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    scenario TEXT NOT NULL,
    model TEXT NOT NULL,
    variant TEXT NOT NULL,
    parameters TEXT NOT NULL,
    seed INTEGER,
    input_hash TEXT NOT NULL,
    package_version TEXT NOT NULL,
    created TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created);
CREATE TABLE IF NOT EXISTS chunks (
    run_key TEXT NOT NULL,
    chunk INTEGER NOT NULL,
    payload BLOB NOT NULL,
    PRIMARY KEY (run_key, chunk)
);
"""


def default_store_path() -> Path:
    """``$WINSET_STORE`` if set, else ``runs.sqlite`` in the user's data directory."""
    env = os.environ.get("WINSET_STORE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("winset", appauthor=False)) / "runs.sqlite"


def run_key(provenance: Provenance, kind: str = "run", extra: dict[str, Any] | None = None) -> str:
    """The store key of a run: a hash of everything that determines its result."""
    payload = {
        "kind": kind,
        "model": provenance.model,
        "variant": provenance.variant,
        "parameters": provenance.parameters,
        "seed": provenance.seed,
        "input_hash": provenance.input_hash,
        "package_version": provenance.package_version,
        "extra": extra or {},
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StoredRun:
    """One row of the run store."""

    key: str
    kind: str
    scenario: str
    model: str
    variant: str
    parameters: dict[str, Any]
    seed: int | None
    created: str
    result: dict[str, Any]

    @property
    def short_id(self) -> str:
        return self.key[:12]


class RunStore:
    """An SQLite run store (one file, WAL mode)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                con.executescript(_SCHEMA)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise InputError(
                Problem(str(self.path), "", f"cannot be used as a run store ({exc})")
            ) from None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            with con:
                yield con
        finally:
            con.close()

    def get(self, key: str) -> StoredRun | None:
        """The run with this key, or with this unique key prefix (at least 6 characters)."""
        with self._connect() as con:
            if len(key) == 64:
                rows = con.execute("SELECT * FROM runs WHERE key = ?", (key,)).fetchall()
            elif len(key) >= 6:
                rows = con.execute(
                    "SELECT * FROM runs WHERE key LIKE ? LIMIT 2", (key + "%",)
                ).fetchall()
            else:
                rows = []
        if len(rows) != 1:
            return None
        return self._row(rows[0])

    def put(self, key: str, kind: str, provenance: Provenance, result: dict[str, Any]) -> None:
        """Save a finished run (replacing nothing: the first result for a key stays)."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as con:
            con.execute(
                "INSERT OR IGNORE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    key,
                    kind,
                    provenance.scenario,
                    provenance.model,
                    provenance.variant,
                    json.dumps(provenance.parameters, sort_keys=True, default=str),
                    provenance.seed,
                    provenance.input_hash,
                    provenance.package_version,
                    created,
                    json.dumps(result, sort_keys=True),
                ),
            )
            con.execute("DELETE FROM chunks WHERE run_key = ?", (key,))

    def list(self, limit: int = 50) -> list[StoredRun]:
        """The most recent runs first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM runs ORDER BY created DESC, key LIMIT ?", (limit,)
            ).fetchall()
        return [self._row(r) for r in rows]

    def put_chunk(self, key: str, chunk: int, payload: bytes) -> None:
        """Checkpoint one finished chunk of a long run."""
        with self._connect() as con:
            con.execute(
                "INSERT OR REPLACE INTO chunks VALUES (?,?,?)",
                (key, chunk, sqlite3.Binary(payload)),
            )

    def get_chunks(self, key: str) -> dict[int, bytes]:
        """The checkpointed chunks of an unfinished run."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT chunk, payload FROM chunks WHERE run_key = ?", (key,)
            ).fetchall()
        return {int(c): bytes(p) for c, p in rows}

    @staticmethod
    def _row(row: tuple[Any, ...]) -> StoredRun:
        return StoredRun(
            key=row[0],
            kind=row[1],
            scenario=row[2],
            model=row[3],
            variant=row[4],
            parameters=json.loads(row[5]),
            seed=row[6],
            created=row[9],
            result=json.loads(row[10]),
        )
