"""The run store: every result saved in one embedded SQLite file, keyed by what determines it.

A result's key is the SHA-256 of its provenance (kind, input hash, model, variant, parameters,
seed, settings, package version), so the same computation is never done twice. The database
uses WAL mode, so a reader never blocks a writer and an interrupted write leaves the file
consistent. The default location is the user's data directory; ``--store PATH`` or the
``WINSET_STORE`` environment variable choose another file. Chunks of long runs are checkpointed
under their run's key (see :mod:`winset.draws.engine`).

The file is created only when something is first saved: listing or showing runs of a store that
does not exist yet creates nothing. Several processes may create and use one store at once. A
store is checked (``PRAGMA quick_check``) when first opened: a damaged one is refused with one
line that says how to repair it (``winset store repair``). A read-only store can still be read;
what cannot be saved in it is said, not lost silently. Space freed by the checkpoints of a
finished run is given back to the file system.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from winset.errors import InputError, Problem
from winset.results import Result

__all__ = [
    "MIN_PREFIX",
    "RunStore",
    "StoredRun",
    "check_store",
    "default_store_path",
    "repair_store",
    "vacuum_store",
]

MIN_PREFIX = 4
"""The shortest run id prefix ``winset show`` accepts."""

# keys are lowercase hex, so the keys that start with p are exactly those in [p, p + "g"): a
# range the primary key's index answers (substr() would read every row)
_PREFIX = "key >= ? AND key < ?"


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix + "g"


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

    def summary(self) -> dict[str, Any]:
        """The row as ``winset runs --json`` lists it (everything but the result)."""
        return {
            "id": self.key,
            "kind": self.kind,
            "scenario": self.scenario,
            "model": self.model,
            "variant": self.variant,
            "parameters": self.parameters,
            "seed": self.seed,
            "settings": self.settings,
            "created": self.created,
        }

    @property
    def short_id(self) -> str:
        """The first 12 characters of the key (``winset show`` takes any unique prefix)."""
        return self.key[:12]


class RunStore:
    """An SQLite run store (one file, WAL mode), created when something is first saved.

    ``notice`` is called with one line when something is worth saying (a store that was
    emptied, results that cannot be saved in a read-only store).
    """

    def __init__(
        self, path: str | Path | None = None, notice: Callable[[str], None] | None = None
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.notice = notice
        self._ready = False
        self._checked = False
        self._read_only = False

    def _say(self, text: str) -> None:
        if self.notice is not None:
            self.notice(f"{self.path}: {text}")

    def _problem(self, exc: BaseException) -> InputError:
        text = str(exc)
        if "malformed" in text or "not a database" in text:
            return InputError(
                Problem(
                    str(self.path),
                    "",
                    f"the run store is damaged ({text}); `winset store repair` keeps what can "
                    "be read, or use another file with --store",
                )
            )
        return InputError(Problem(str(self.path), "", f"cannot be used as a run store ({text})"))

    def _check(self, con: sqlite3.Connection) -> None:
        """Check the file once per store object (quick_check)."""
        if self._checked:
            return
        self._checked = True
        row = con.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise self._problem(sqlite3.DatabaseError(f"database disk image is malformed: {row}"))

    def create(self) -> None:
        """Create the store's file and tables (a server does this before it serves)."""
        if self._ready:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.stat().st_size == 0:
                self._say("the run store file was empty (0 bytes); it starts again as a new store")
            if self.path.exists() and not os.access(self.path, os.W_OK):
                self._read_only = True
                self._ready = True
                return
        except OSError as exc:
            raise self._problem(exc) from None
        for attempt in range(_RETRIES):
            try:
                con = sqlite3.connect(self.path, timeout=30)
                try:
                    con.execute("PRAGMA auto_vacuum=INCREMENTAL")  # new files only
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
        """A connection; None to read a store that does not exist, or to write a read-only one."""
        if write:
            self.create()
            if self._read_only:
                yield None
                return
        elif not self.path.exists() or self.path.stat().st_size == 0:
            yield None
            return
        try:
            if write or os.access(self.path, os.W_OK):
                con = sqlite3.connect(self.path, timeout=30)
            else:
                uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
                con = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise self._problem(exc) from None
        con.row_factory = sqlite3.Row
        try:
            self._check(con)
            if (
                not write
                and not con.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='chunks'"
                ).fetchone()
            ):
                yield None  # another process is creating this store right now
                return
            if write:
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
                f"SELECT * FROM runs WHERE {_PREFIX} LIMIT 2", _prefix_range(key)
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
                f"SELECT count(*) FROM runs WHERE {_PREFIX}", _prefix_range(prefix)
            ).fetchone()
        return int(row[0])

    def put(self, result: Result) -> str:
        """Save a finished result (the first result for a key stays); return its key."""
        prov = result.provenance
        key = prov.key()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect(write=True) as con:
            if con is None:
                self._say("the run store is read-only; this result was not saved")
                return key
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
            freed = con.execute(
                "SELECT coalesce(sum(length(payload)), 0) FROM chunks WHERE run_key = ?", (key,)
            ).fetchone()[0]
            con.execute("DELETE FROM chunks WHERE run_key = ?", (key,))
        if freed:  # give the checkpoints' space back (executescript runs it whole)
            with self._connect(write=True) as con:
                if con is not None:
                    con.executescript("PRAGMA incremental_vacuum;")
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
            if con is None:
                return  # a read-only store keeps no checkpoints
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


def check_store(path: str | Path) -> list[str]:
    """The problems ``PRAGMA integrity_check`` finds in a store (an empty list: none)."""
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "", "no run store here"))
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check").fetchall()]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def repair_store(path: str | Path) -> tuple[int, int, Path]:
    """Copy every run that can still be read into a new store; keep the old file beside it.

    Returns (runs kept, runs lost, where the damaged file now is).
    """
    path = Path(path)
    damaged = path.with_name(path.name + ".damaged")
    fresh = path.with_name(path.name + ".repairing")
    fresh.unlink(missing_ok=True)
    kept = lost = 0
    target = sqlite3.connect(fresh)
    try:
        target.executescript(_SCHEMA)
        try:
            source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise InputError(Problem(str(path), "", f"cannot be opened ({exc})")) from None
        try:
            try:
                top = source.execute("SELECT max(rowid) FROM runs").fetchone()[0] or 0
            except sqlite3.DatabaseError:
                top = 1_000_000
            columns = "key, kind, scenario, model, variant, parameters, seed, input_hash, " \
                "package_version, created, result, settings"  # fmt: skip
            for rowid in range(1, int(top) + 1):
                try:
                    row = source.execute(
                        f"SELECT {columns} FROM runs WHERE rowid = ?", (rowid,)
                    ).fetchone()
                except sqlite3.DatabaseError:
                    lost += 1
                    continue
                if row is None:
                    continue
                try:
                    json.loads(row[10])
                except (TypeError, ValueError):
                    lost += 1
                    continue
                target.execute(f"INSERT OR IGNORE INTO runs ({columns}) VALUES "
                               "(?,?,?,?,?,?,?,?,?,?,?,?)", row)  # fmt: skip
                kept += 1
        finally:
            source.close()
        target.commit()
    finally:
        target.close()
    shutil.move(str(path), str(damaged))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    fresh.replace(path)
    return kept, lost, damaged


def vacuum_store(path: str | Path) -> tuple[int, int]:
    """Compact a store; returns its size in bytes before and after."""
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "", "no run store here"))
    before = path.stat().st_size
    try:
        con = sqlite3.connect(path, timeout=30)
        try:
            con.execute("VACUUM")
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(Problem(str(path), "", f"cannot be compacted ({exc})")) from None
    return before, path.stat().st_size
