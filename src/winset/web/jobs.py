"""Background jobs: long computations run by a few worker threads, with progress and a stop.

A job is a function of one argument, a progress callback ``progress(done, total)``, that calls a
service and returns its result. At most ``max_jobs`` run at once; up to ``max_queue`` more wait;
beyond that :class:`Busy` is raised (the routes answer 429). A job is stopped by its progress
callback raising (the draw engine stops there and keeps its finished chunks in the run store):
when it is cancelled, when it runs past the time limit, and when the server shuts down.

Every job is recorded beside the run store (``runs-jobs.sqlite`` next to ``runs.sqlite``, table
``web_jobs``: id, kind, scenario, status, run id, message), so a job that was in flight when the
server stopped is marked ``interrupted`` there. Its result is never half-written: the services
save results whole or not at all, and the finished chunks of draws stay checkpointed in the run
store, so running the same job again resumes.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from winset.draws.engine import Interrupted
from winset.errors import InputError, Problem

__all__ = ["Busy", "Job", "JobManager", "Stopped", "problems_json"]

Progress = Callable[[int, int], None]
FINAL = ("done", "failed", "cancelled", "interrupted", "timed out")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    scenario TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    run_id TEXT,
    message TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    finished TEXT
)
"""


class Busy(RuntimeError):
    """Every job slot and queue place is taken."""


class Stopped(Exception):
    """Raised by a job's progress callback to stop it (cancelled, timed out, shutting down)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def problems_json(problems: Iterable[Problem]) -> list[dict[str, str]]:
    """Problems as JSON records: source, field, message (the API's 422 answers, a job's)."""
    return [{"source": p.source, "field": p.field, "message": p.message} for p in problems]


@dataclass
class Job:
    """One background computation and what is known of it."""

    id: str
    kind: str
    scenario: str
    title: str
    status: str = "queued"
    done: int = 0
    total: int = 0
    result: Any = None
    problems: list[Problem] = field(default_factory=list)
    message: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    stop_reason: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    event: threading.Event = field(default_factory=threading.Event)

    @property
    def final(self) -> bool:
        """Whether the job has ended, one way or another."""
        return self.status in FINAL

    @property
    def fraction(self) -> float:
        """Progress from 0 to 1 (0 while nothing is known)."""
        if self.status == "done":
            return 1.0
        return self.done / self.total if self.total else 0.0

    @property
    def elapsed(self) -> float:
        """Seconds it has run."""
        if self.started is None:
            return 0.0
        return (self.finished or time.time()) - self.started

    def to_dict(self) -> dict[str, Any]:
        """The job as in ``GET /api/v1/jobs/ID`` (the result's document once it is done)."""
        document = None
        if self.status == "done" and self.result is not None:
            document = self.result.to_dict() if hasattr(self.result, "to_dict") else self.result
        return {
            "id": self.id,
            "kind": self.kind,
            "scenario": self.scenario,
            "title": self.title,
            "status": self.status,
            "progress": {"done": self.done, "total": self.total, "fraction": self.fraction},
            "elapsed": round(self.elapsed, 3),
            "message": self.message,
            "problems": problems_json(self.problems),
            "result": document,
        }


class JobManager:
    """Runs jobs on ``max_jobs`` threads, queues ``max_queue`` more, records them in ``db``."""

    def __init__(
        self,
        db: Path | None,
        max_jobs: int = 2,
        max_queue: int = 32,
        time_limit: float = 900.0,
        keep: int = 500,
    ) -> None:
        self.db = db
        self.max_jobs = max(1, max_jobs)
        self.max_queue = max(0, max_queue)
        self.time_limit = time_limit
        self.keep = keep
        self._pool = ThreadPoolExecutor(max_workers=self.max_jobs, thread_name_prefix="winset-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.RLock()  # submit counts the active jobs under it
        self._closing = False
        self._db_lock = threading.Lock()
        self._db_ready = False
        self._mark_stale()

    # ------------------------------------------------------------------ the record

    def _sql(self, query: str, args: tuple[Any, ...]) -> None:
        if self.db is None:
            return
        with self._db_lock:
            try:
                self.db.parent.mkdir(parents=True, exist_ok=True)
                con = sqlite3.connect(self.db, timeout=30)
                try:
                    if not self._db_ready:
                        con.execute("PRAGMA journal_mode=WAL")
                        con.execute(_SCHEMA)
                        self._db_ready = True
                    with con:
                        con.execute(query, args)
                finally:
                    con.close()
            except (sqlite3.Error, OSError):
                # the record is a courtesy: a job never fails because it cannot be written
                return

    def _mark_stale(self) -> None:
        """Jobs left queued or running by a server that stopped without saying so."""
        if self.db is None or not self.db.exists():
            return
        self._sql(
            "UPDATE web_jobs SET status = 'interrupted', finished = ?, "
            "message = 'the server stopped while it ran' "
            "WHERE status IN ('queued', 'running')",
            (_now(),),
        )

    def _record(self, job: Job) -> None:
        run_id = getattr(job.result, "run_id", None) if job.status == "done" else None
        self._sql(
            "INSERT INTO web_jobs (id, kind, scenario, title, status, run_id, message, created, "
            "finished) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "status = excluded.status, run_id = excluded.run_id, message = excluded.message, "
            "finished = excluded.finished",
            (
                job.id,
                job.kind,
                job.scenario,
                job.title,
                job.status,
                run_id,
                job.message,
                datetime.fromtimestamp(job.created, UTC).isoformat(timespec="seconds"),
                _now() if job.final else None,
            ),
        )

    def recorded(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest recorded jobs (of this and earlier server runs)."""
        if self.db is None or not self.db.exists():
            return []
        try:
            con = sqlite3.connect(self.db, timeout=30)
            con.row_factory = sqlite3.Row
            try:
                rows = con.execute(
                    "SELECT * FROM web_jobs ORDER BY created DESC LIMIT ?", (limit,)
                ).fetchall()
            finally:
                con.close()
        except sqlite3.Error:
            return []
        return [dict(r) for r in rows]

    # ------------------------------------------------------------------ running

    def active(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return sum(1 for j in self._jobs.values() if not j.final)

    def submit(
        self,
        kind: str,
        scenario: str,
        title: str,
        work: Callable[[Progress], Any],
        context: dict[str, Any] | None = None,
    ) -> Job:
        """Queue ``work``; :class:`Busy` if every slot and queue place is taken."""
        job = Job(
            id=secrets.token_hex(8),
            kind=kind,
            scenario=scenario,
            title=title,
            context=dict(context or {}),
        )
        with self._lock:
            if self._closing:
                raise Busy("the server is shutting down")
            running = self.active()
            if running >= self.max_jobs + self.max_queue:
                raise Busy(
                    f"{running} jobs are queued or running (at most {self.max_jobs} run at "
                    f"once and {self.max_queue} wait); try again when one has finished"
                )
            self._jobs[job.id] = job
            self._trim()
            self._futures[job.id] = self._pool.submit(self._run, job, work)
        self._record(job)
        return job

    def _trim(self) -> None:
        while len(self._jobs) > self.keep:
            for key, old in self._jobs.items():
                if old.final:
                    del self._jobs[key]
                    self._futures.pop(key, None)
                    break
            else:
                return

    def _run(self, job: Job, work: Callable[[Progress], Any]) -> None:
        if job.stop_reason is not None:
            self._end(job, "cancelled" if job.stop_reason == "cancelled" else "interrupted")
            return
        job.status = "running"
        job.started = time.time()
        deadline = job.started + self.time_limit
        self._record(job)

        def progress(done: int, total: int) -> None:
            job.done, job.total = int(done), int(total)
            if job.stop_reason is None and time.time() > deadline:
                job.stop_reason = "timed out"
            if job.stop_reason is not None:
                raise Stopped(job.stop_reason)

        try:
            job.result = work(progress)
        except Stopped:
            reason = job.stop_reason or "cancelled"
            status = reason if reason in FINAL else "interrupted"
            job.message = {
                "cancelled": "cancelled; the finished chunks are kept, so running it again resumes",
                "timed out": f"stopped after the time limit of {self.time_limit:,.0f} s; the "
                "finished chunks are kept",
                "interrupted": "the server stopped; the finished chunks are kept",
            }.get(status, reason)
            self._end(job, status)
            return
        except InputError as exc:
            job.problems = list(exc.problems)
            job.message = "; ".join(str(p) for p in exc.problems)
            self._end(job, "failed")
            return
        except Interrupted as exc:
            job.message = str(exc)
            self._end(job, "interrupted")
            return
        except Exception as exc:  # a bug: say so, keep the server up
            job.message = f"internal error: {type(exc).__name__}: {exc}"
            self._end(job, "failed")
            return
        if job.stop_reason == "timed out":
            job.stop_reason = None  # finished before the next progress report: keep it
        self._end(job, "done")

    def _end(self, job: Job, status: str) -> None:
        job.status = status
        job.finished = time.time()
        self._record(job)
        job.event.set()

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if this server knows it."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job this server knows, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def cancel(self, job_id: str) -> Job | None:
        """Stop a job at its next progress report (a queued job never starts)."""
        job = self.get(job_id)
        if job is not None and not job.final:
            job.stop_reason = "cancelled"
            future = self._futures.get(job_id)
            if job.status == "queued" and future is not None and future.cancel():
                job.message = "cancelled before it started"
                self._end(job, "cancelled")
        return job

    def wait(self, job: Job, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the job to end; whether it has."""
        return job.event.wait(max(0.0, timeout))

    def run(self, kind: str, scenario: str, title: str, work: Callable[[Progress], Any]) -> Any:
        """Run ``work`` as a job and wait for it (within the job limits); its result.

        Raises the job's :class:`InputError`, or :class:`RuntimeError` when it did not finish.
        """
        job = self.submit(kind, scenario, title, work)
        job.event.wait()
        if job.status == "done":
            return job.result
        if job.problems:
            raise InputError(job.problems)
        raise RuntimeError(job.message or job.status)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop every job (marked ``interrupted``), wait for the workers, close the pool."""
        with self._lock:
            self._closing = True
            pending = [j for j in self._jobs.values() if not j.final]
            futures = dict(self._futures)
        for job in pending:
            job.stop_reason = "interrupted"
            future = futures.get(job.id)
            if job.status == "queued" and future is not None and future.cancel():
                job.message = "the server stopped before it started"
                self._end(job, "interrupted")
        end = time.time() + timeout
        for job in pending:
            job.event.wait(max(0.0, end - time.time()))
        for job in pending:
            if not job.final:  # still computing something that reports no progress
                job.message = "the server stopped while it ran"
                self._end(job, "interrupted")
        self._pool.shutdown(wait=False, cancel_futures=True)
