"""The workbench under load, and its speed: run on its own, prints the figures.

    python benchmarks/bench_web.py                 # 20 clients for 60 s, then the timings
    python benchmarks/bench_web.py --seconds 10    # a shorter load test

It starts ``winset serve`` on a free loopback port with a fresh run store (nothing else is ever
a target), then:

1. load: ``--clients`` concurrent clients, each looping over single forecasts (every model,
   every bundled scenario, a few seeds) and Monte Carlo draws through ``POST /api/v1/runs``, for
   ``--seconds`` seconds and at most ``--max-requests`` requests each; it stops by itself.
   Reports requests per second, latency percentiles per kind, every status; 429 (queue full)
   and 413 are the only refusals allowed. Then checks the run store: every run a client was
   given is there, and there is nothing more (no lost or duplicated run).
2. timings: the flagship's pages (cold and warm), the what-if recompute per model, and draws
   throughput through the web against the command line.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

from winset.results import Provenance

SCENARIOS = ("iraq-2011", "eu-emissions-1994", "china-soe-policy", "china-soe-competitive")
MODELS = ("compromise", "median", "nash", "eum")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``winset serve`` in a subprocess on 127.0.0.1 with its own store."""

    def __init__(self, folder: Path, max_jobs: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.store = folder / "runs.sqlite"
        env = dict(os.environ, WINSET_STORE=str(self.store))
        env.pop("WINSET_TOKEN", None)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "winset",
                "serve",
                "--port",
                str(self.port),
                "--max-jobs",
                str(max_jobs),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        end = time.time() + 60
        while time.time() < end:
            try:
                if httpx.get(self.url + "/api/v1/scenarios", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.proc.terminate()  # SIGTERM: uvicorn shuts down cleanly
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def load(url: str, clients: int, seconds: float, max_requests: int, draws: int) -> dict[str, Any]:
    """``clients`` threads of requests for ``seconds``; latencies, statuses, run ids."""
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[tuple[str, int]] = Counter()
    run_ids: dict[str, set[str]] = defaultdict(set)
    errors: list[str] = []
    pending: list[str] = []  # jobs answered 202: their runs are collected at the end
    lock = threading.Lock()
    stop_at = time.time() + seconds
    levers: dict[str, list[str]] = {}
    for name in SCENARIOS:
        doc = httpx.get(f"{url}/api/v1/scenarios/{name}", timeout=30).json()
        issue = doc["issues"][0]["name"]
        levers[name] = [
            f"{a['name']}.salience.{issue}=" for a in doc["actors"] if issue in a["salience"]
        ]

    def client(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=url, timeout=120) as http:
            for n in range(max_requests):
                if time.time() >= stop_at:
                    return
                scenario = rng.choice(SCENARIOS)
                if n % 4 == 3:  # one request in four asks for draws (new ones: a fresh seed)
                    kind = "draws"
                    body = {
                        "scenario": scenario,
                        "model": rng.choice(("compromise", "median")),
                        "seed": rng.randrange(10**9),
                        "draws": draws,
                        "wait": 60,
                    }
                elif n % 4 == 2:  # and one a what-if with a new value (computed, not looked up)
                    kind = "whatif"
                    change = rng.choice(levers[scenario]) + f"{rng.uniform(0, 100):.3f}"
                    body = {"scenario": scenario, "model": rng.choice(MODELS), "set": [change]}
                else:
                    kind = "run"
                    body = {"scenario": scenario, "model": rng.choice(MODELS), "seed": 1}
                start = time.perf_counter()
                try:
                    r = http.post("/api/v1/runs", json=body)
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                    continue
                elapsed = time.perf_counter() - start
                with lock:
                    statuses[(kind, r.status_code)] += 1
                    latencies[kind].append(elapsed)
                    if r.status_code == 200:
                        doc = r.json()
                        run_ids[kind].add(doc["run_id"])
                        if kind == "whatif":  # its baseline and counterfactual are stored too
                            run_ids[kind].add(doc["baseline"]["run_id"])
                            cf = Provenance.from_dict(doc["counterfactual_provenance"])
                            run_ids[kind].add(cf.key())
                    elif r.status_code == 202:
                        pending.append(r.json()["job"]["id"])
                    elif r.status_code not in (429, 413):
                        errors.append(f"{kind}: {r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    with httpx.Client(base_url=url, timeout=120) as http:
        for job in pending:
            while True:
                state = http.get(f"/api/v1/jobs/{job}").json()
                if state["status"] not in ("queued", "running"):
                    break
                time.sleep(0.1)
            if state["status"] == "done":
                run_ids["draws"].add(state["result"]["run_id"])
            else:
                errors.append(f"draws job {job}: {state['status']} {state['message']}")
    return {
        "wall": wall,
        "latencies": dict(latencies),
        "statuses": dict(statuses),
        "run_ids": {k: set(v) for k, v in run_ids.items()},
        "errors": errors,
        "polled": len(pending),
    }


def check_store(store: Path, run_ids: dict[str, set[str]]) -> dict[str, int]:
    """Runs the clients were given that the store lacks, and runs it has that nobody asked."""
    con = sqlite3.connect(store)
    try:
        rows = con.execute("SELECT key, kind FROM runs").fetchall()
    finally:
        con.close()
    keys = [k for k, _ in rows]
    given = set().union(*run_ids.values()) if run_ids else set()
    return {
        "stored": len(keys),
        "distinct stored": len(set(keys)),
        "given to clients": len(given),
        "lost": len(given - set(keys)),
        "unasked": len(set(keys) - given),
    }


def report_load(result: dict[str, Any], store: dict[str, int], clients: int) -> None:
    total = sum(result["statuses"].values())
    print(
        f"load: {clients} clients, {result['wall']:.1f} s, {total:,} requests "
        f"({total / result['wall']:.1f}/s)"
    )
    for kind, values in sorted(result["latencies"].items()):
        ms = [1000 * v for v in values]
        print(
            f"  {kind:6s} n={len(ms):5d}  p50 {pct(ms, 50):8.1f} ms  p95 {pct(ms, 95):8.1f} ms  "
            f"p99 {pct(ms, 99):8.1f} ms  max {max(ms):8.1f} ms"
        )
    print(
        "  statuses: "
        + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(result["statuses"].items()))
    )
    print(f"  draws answered 202 and polled to the end: {result['polled']}")
    print(f"  errors (other than 429/413): {len(result['errors'])}")
    for line in result["errors"][:10]:
        print("    " + line)
    print(
        "  store: {stored} runs ({distinct stored} distinct), {given to clients} given to "
        "clients, {lost} lost, {unasked} not asked for".format(**store)
    )


def timings(url: str, folder: Path) -> None:
    """Page loads, what-if recompute, draws throughput web vs command line."""
    with httpx.Client(base_url=url, timeout=600) as http:
        for page in ("/s/iraq-2011/forecast", "/s/iraq-2011/twolevel", "/s/iraq-2011/whatif"):
            times = []
            for _ in range(4):
                start = time.perf_counter()
                r = http.get(page)
                times.append(1000 * (time.perf_counter() - start))
                assert r.status_code == 200
            print(
                f"page {page}: first {times[0]:.0f} ms, then median "
                f"{statistics.median(times[1:]):.0f} ms ({len(r.content) / 1024:.0f} KiB)"
            )
        for model in MODELS:
            server_ms, client_ms = [], []
            for value in (0, 10, 20, 30, 40, 50, 60, 70, 80, 90):
                start = time.perf_counter()
                r = http.post(
                    "/s/iraq-2011/whatif",
                    data={"model": model, "v|13|salience|0": str(value + 0.5)},
                    headers={"HX-Request": "true"},
                )
                client_ms.append(1000 * (time.perf_counter() - start))
                server_ms.append(float(r.headers["server-timing"].split("dur=")[1]))
            print(
                f"what-if recompute ({model}, iraq-2011, new values): services median "
                f"{statistics.median(server_ms):.0f} ms, max {max(server_ms):.0f} ms; whole "
                f"request median {statistics.median(client_ms):.0f} ms, max {max(client_ms):.0f} ms"
            )
        for scenario, model, n in (
            ("iraq-2011", "compromise", 100_000),
            ("iraq-2011", "nash", 100_000),
            ("eu-emissions-1994", "eum", 20_000),
        ):
            body = {"scenario": scenario, "model": model, "seed": 11, "draws": n, "wait": 0}
            start = time.perf_counter()
            job = http.post("/api/v1/draws", json=body).json()["job"]["id"]
            while True:
                state = http.get(f"/api/v1/jobs/{job}").json()
                if state["status"] not in ("queued", "running"):
                    break
                time.sleep(0.05)
            web = time.perf_counter() - start
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "winset",
                    "run",
                    scenario,
                    "--model",
                    model,
                    "--draws",
                    str(n),
                    "--seed",
                    "12",
                    "--json",
                    "--store",
                    str(folder / "cli.sqlite"),
                ],
                check=True,
                capture_output=True,
            )
            cli = time.perf_counter() - start
            print(
                f"draws {n:,} of {model} on {scenario}: web {n / web:,.0f} draws/s "
                f"({web:.2f} s, {state['status']}), command line {n / cli:,.0f} draws/s "
                f"({cli:.2f} s, with its start-up)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=5000, help="per client")
    parser.add_argument("--draws", type=int, default=2000, help="draws per draws request")
    parser.add_argument("--no-timings", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="winset-bench-web-") as tmp:
        server = Server(Path(tmp))
        try:
            result = load(server.url, args.clients, args.seconds, args.max_requests, args.draws)
            store = check_store(server.store, result["run_ids"])
            report_load(result, store, args.clients)
            if not args.no_timings:
                timings(server.url, Path(tmp))
        finally:
            server.stop()
    ok = not result["errors"] and store["lost"] == 0 and store["unasked"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
