"""Background jobs: limits, cancel, time limit, shutdown, and resuming from checkpoints."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from winset import study as services
from winset.draws import DrawSettings
from winset.errors import InputError, Problem
from winset.store import RunStore
from winset.web.jobs import Busy, JobManager


def slow(steps: int, pause: float = 0.02):
    def work(progress):
        for k in range(steps):
            progress(k, steps)
            time.sleep(pause)
        progress(steps, steps)
        return {"steps": steps}

    return work


def settings_key(study: services.Study, settings: DrawSettings) -> str:
    from winset.analysis.montecarlo import draws_provenance

    return draws_provenance(study.prepared(), settings).key()


def statuses(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT id, status FROM web_jobs").fetchall())
    finally:
        con.close()


def test_limits_queue_and_busy(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path / "jobs.sqlite", max_jobs=1, max_queue=1)
    first = jobs.submit("t", "s", "first", slow(100))
    second = jobs.submit("t", "s", "second", slow(1))
    with pytest.raises(Busy):
        jobs.submit("t", "s", "third", slow(1))
    assert second.status == "queued"
    jobs.cancel(first.id)
    assert jobs.wait(second, 10) and second.status == "done"
    assert first.status == "cancelled" and "resumes" in first.message
    jobs.shutdown()


def test_time_limit_and_failures(tmp_path: Path) -> None:
    jobs = JobManager(tmp_path / "jobs.sqlite", time_limit=0.05)
    job = jobs.submit("t", "s", "long", slow(1000))
    assert jobs.wait(job, 10)
    assert job.status == "timed out"

    def bad(progress):
        raise InputError(Problem("", "draws", "too many"))

    failed = jobs.submit("t", "s", "bad", bad)
    jobs.wait(failed, 5)
    assert failed.status == "failed" and failed.problems[0].field == "draws"
    with pytest.raises(InputError):
        jobs.run("t", "s", "bad", bad)
    jobs.shutdown()


def test_shutdown_marks_jobs_interrupted_in_the_record(tmp_path: Path) -> None:
    db = tmp_path / "jobs.sqlite"
    jobs = JobManager(db, max_jobs=1)
    running = jobs.submit("t", "s", "running", slow(10_000))
    queued = jobs.submit("t", "s", "queued", slow(1))
    while running.status != "running":
        time.sleep(0.01)
    jobs.shutdown()
    assert running.status == "interrupted" and queued.status == "interrupted"
    assert statuses(db) == {running.id: "interrupted", queued.id: "interrupted"}


def test_a_server_that_died_leaves_no_job_running(tmp_path: Path) -> None:
    db = tmp_path / "jobs.sqlite"
    jobs = JobManager(db, max_jobs=1)
    job = jobs.submit("t", "s", "x", slow(10_000))
    while job.status != "running":
        time.sleep(0.01)
    assert statuses(db)[job.id] == "running"
    JobManager(db)  # a new server on the same store
    assert statuses(db)[job.id] == "interrupted"
    job.stop_reason = "cancelled"
    jobs.shutdown()


def test_cancelled_draws_resume_to_the_same_result(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    study = services.Study("iraq-2011", "compromise")
    settings = DrawSettings(30_000, seed=5, chunk_size=1024).checked()
    jobs = JobManager(tmp_path / "jobs.sqlite", max_jobs=1)
    stop_at = threading.Event()

    def work(progress):
        def watch(done, total):
            if done >= 8_000:
                stop_at.set()
            progress(done, total)

        return services.draws(study, settings, store=store, progress=watch).result

    job = jobs.submit("draws", "iraq-2011", "draws", work)
    stop_at.wait(30)
    jobs.cancel(job.id)
    jobs.wait(job, 30)
    if job.status == "cancelled":
        assert store.list() == []  # nothing half-written: only checkpoints
        assert store.get_chunks(settings_key(study, settings))  # kept for resuming
    again = jobs.run("draws", "iraq-2011", "draws", work)
    whole = services.draws(study, settings, store=None).result
    assert again.to_dict()["distribution"] == whole.to_dict()["distribution"]
    assert len([r for r in store.list() if r.kind == "draws"]) == 1
    jobs.shutdown()


@pytest.mark.slow
def test_ctrl_c_stops_the_server_and_marks_jobs_interrupted(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    import httpx
    from webtools import free_port

    port = free_port()
    env = dict(os.environ, WINSET_STORE=str(tmp_path / "runs.sqlite"))
    server = subprocess.Popen(
        [sys.executable, "-m", "winset", "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(url + "/api/v1/scenarios", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        body = {"scenario": "iraq-2011", "model": "eum", "seed": 1, "draws": 500_000}
        job = httpx.post(url + "/api/v1/draws", json=body, timeout=30).json()["job"]["id"]
        while httpx.get(f"{url}/api/v1/jobs/{job}").json()["progress"]["done"] == 0:
            time.sleep(0.1)
        server.send_signal(signal.SIGINT)
        server.wait(60)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert "stopped" in server.stderr.read()
    assert statuses(tmp_path / "runs-jobs.sqlite") == {job: "interrupted"}
    con = sqlite3.connect(tmp_path / "runs.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM runs WHERE kind = 'draws'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM chunks").fetchone()[0] > 0  # kept for resuming
    finally:
        con.close()
