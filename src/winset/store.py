"""The run store: every result saved in one embedded SQLite file, keyed by what determines it.

A result's key is the SHA-256 of its provenance (kind, input hash, model, variant, parameters,
seed, settings, package version), so the same computation is never done twice. The database
uses WAL mode, so a reader never blocks a writer and an interrupted write leaves the file
consistent. The default location is the user's data directory; ``--store PATH`` or the
``WINSET_STORE`` environment variable choose another file. Chunks of long runs are checkpointed
under their run's key (see :mod:`winset.draws.engine`).

The file is created only when something is first saved: listing or showing runs of a store that
does not exist yet creates nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from winset.errors import InputError, Problem
from winset.results import Result

__all__ = ["MIN_PREFIX", "RunStore", "StoredRun", "default_store_path"]

MIN_PREFIX = 4
"""The shortest run id prefix ``winset show`` accepts."""

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
    result TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created);
CREATE TABLE IF NOT EXISTS chunks (
    run_key TEXT NOT NULL,
    chunk INTEGER NOT NULL,
    payload BLOB NOT NULL,
    PRIMARY KEY (run_key, chunk)
);
"""

_RETRIES = 60  # tries, 0.05 s apart, when another process holds the file while it is created


def default_store_path() -> Path:
    """``$WINSET_STORE`` if set, else ``runs.sqlite`` in the user's data directory."""
    env = os.environ.get("WINSET_STORE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("winset", appauthor=False)) / "runs.sqlite"


@dataclass(frozen=True)
class StoredRun:
    """One row of the run store: the result's JSON document and the provenance columns."""

    key: str
    kind: str
    scenario: str
    model: str
    variant: str
    parameters: dict[str, Any]
    seed: int | None
    settings: dict[str, Any]
    created: str
    result: dict[str, Any]

    @property
    def short_id(self) -> str:
        """The first 12 characters of the key (``winset show`` takes any unique prefix)."""
        return self.key[:12]


class RunStore:
    """An SQLite run store (one file, WAL mode), created when something is first saved."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._ready = False

    def _problem(self, exc: BaseException) -> InputError:
        return InputError(Problem(str(self.path), "", f"cannot be used as a run store ({exc})"))

    def _create(self) -> None:
        if self._ready:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._problem(exc) from None
        for attempt in range(_RETRIES):
            try:
                con = sqlite3.connect(self.path, timeout=30)
                try:
                    con.execute("PRAGMA journal_mode=WAL")
                    con.executescript(_SCHEMA)
                    columns = {row[1] for row in con.execute("PRAGMA table_info(runs)")}
                    if "settings" not in columns:  # a store written by winset 0.1
                        con.execute(
                            "ALTER TABLE runs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'"
                        )
                    con.commit()
                finally:
                    con.close()
                break
            except sqlite3.OperationalError as exc:
                # switching a brand-new file to WAL does not wait for other processes' locks
                if "locked" not in str(exc) or attempt == _RETRIES - 1:
                    raise self._problem(exc) from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise self._problem(exc) from None
        self._ready = True

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection | None]:
        """A connection, or None when reading a store that does not exist yet."""
        if write:
            self._create()
        elif not self.path.exists():
            yield None
            return
        try:
            con = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise self._problem(exc) from None
        con.row_factory = sqlite3.Row
        try:
            con.execute("PRAGMA synchronous=NORMAL")
            with con:
                yield con
        except sqlite3.DatabaseError as exc:
            raise self._problem(exc) from None
        finally:
            con.close()

    def get(self, key: str) -> StoredRun | None:
        """The run with this key, or with this unique key prefix (at least 4 characters)."""
        key = key.strip().lower()
        if len(key) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in key):
            return None
        with self._connect() as con:
            if con is None:
                return None
            rows = con.execute(
                "SELECT * FROM runs WHERE substr(key, 1, ?) = ? LIMIT 2", (len(key), key)
            ).fetchall()
        if len(rows) != 1:
            return None
        return self._row(rows[0])

    def matches(self, prefix: str) -> int:
        """How many runs have keys starting with ``prefix``."""
        prefix = prefix.strip().lower()
        with self._connect() as con:
            if con is None:
                return 0
            row = con.execute(
                "SELECT count(*) FROM runs WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
            ).fetchone()
        return int(row[0])

    def put(self, result: Result) -> str:
        """Save a finished result (the first result for a key stays); return its key."""
        prov = result.provenance
        key = prov.key()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect(write=True) as con:
            assert con is not None
            con.execute(
                "INSERT OR IGNORE INTO runs (key, kind, scenario, model, variant, parameters, "
                "seed, input_hash, package_version, created, result, settings) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    key,
                    prov.kind,
                    prov.scenario,
                    prov.model,
                    prov.variant,
                    json.dumps(prov.parameters, sort_keys=True, default=str),
                    prov.seed,
                    prov.input_hash,
                    prov.package_version,
                    created,
                    json.dumps(result.to_dict()),
                    json.dumps(prov.settings, sort_keys=True, default=str),
                ),
            )
            con.execute("DELETE FROM chunks WHERE run_key = ?", (key,))
        return key

    def list(self, limit: int = 50, kind: str | None = None) -> list[StoredRun]:
        """The most recent runs first (of one kind, if given)."""
        with self._connect() as con:
            if con is None:
                return []
            if kind is None:
                query, args = "SELECT * FROM runs ORDER BY created DESC, key LIMIT ?", (limit,)
            else:
                query = "SELECT * FROM runs WHERE kind = ? ORDER BY created DESC, key LIMIT ?"
                args = (kind, limit)  # type: ignore[assignment]
            rows = con.execute(query, args).fetchall()
        return [self._row(r) for r in rows]

    def put_chunk(self, key: str, chunk: int, payload: bytes) -> None:
        """Checkpoint one finished chunk of a long run."""
        with self._connect(write=True) as con:
            assert con is not None
            con.execute(
                "INSERT OR REPLACE INTO chunks (run_key, chunk, payload) VALUES (?,?,?)",
                (key, chunk, sqlite3.Binary(payload)),
            )

    def get_chunks(self, key: str) -> dict[int, bytes]:
        """The checkpointed chunks of an unfinished run."""
        with self._connect() as con:
            if con is None:
                return {}
            rows = con.execute(
                "SELECT chunk, payload FROM chunks WHERE run_key = ?", (key,)
            ).fetchall()
        return {int(r["chunk"]): bytes(r["payload"]) for r in rows}

    @staticmethod
    def _row(row: sqlite3.Row) -> StoredRun:
        names = row.keys()
        return StoredRun(
            key=row["key"],
            kind=row["kind"],
            scenario=row["scenario"],
            model=row["model"],
            variant=row["variant"],
            parameters=json.loads(row["parameters"]),
            seed=row["seed"],
            settings=json.loads(row["settings"]) if "settings" in names else {},
            created=row["created"],
            result=json.loads(row["result"]),
        )
