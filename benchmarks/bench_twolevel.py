"""Two-level win-sets of large legislatures: time, memory and accuracy.

Run: python benchmarks/bench_twolevel.py [--issues 4] [--blocs 100]
Prints, for a synthetic scenario (a veto player on one side, a legislature of ``--blocs`` blocs
with a majority quota on the other, ``--issues`` issues on 0-100):
  - the whole analysis (``winset twolevel``, a red line at 85 on the first issue): seconds and
    peak resident memory of a fresh process (target < 300 MB for 4 issues x 100 blocs);
  - the strategy search (``winset twolevel --search parliament``, the red line at 95): seconds
    (target < 1.5 s) and peak memory;
  - on 3 and 4 issues, the nearest agreement to a target outside the set against a dense brute
    force (a full grid, then ever denser local grids around its best points): how much farther
    from the target winset's agreement is, in % of the scale (target < 0.5; negative: nearer),
    and the largest difference of the two agreements on any issue.
The scenario is generated from a seed, so every checkout measures the same case.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

import numpy as np

HERE = __file__


def synthetic(issues: int, blocs: int, seed: int = 0, red_line: float | None = 95.0) -> Any:
    """A scenario: Gov (veto, side A) and a legislature of ``blocs`` blocs (side B).

    Positions are drawn around two camps; the reversion point is 30 on every issue. With
    ``red_line``, side A needs the first issue at ``red_line`` or more: at 85 the agreement set
    lies away from the Level-I forecast (the analysis has a boundary to find); at 95 the
    legislature's majority does not grant it as things are (the search has blocs to move).
    """
    from winset.scenario.load import build_scenario

    rng = np.random.default_rng(seed)
    names = [f"i{k}" for k in range(issues)]

    def position(centre: np.ndarray, spread: float) -> dict[str, float]:
        return {
            n: float(np.clip(centre[k] + rng.normal(0, spread), 0, 100))
            for k, n in enumerate(names)
        }

    def salience() -> dict[str, float]:
        return {n: float(rng.uniform(20, 90)) for n in names}

    gov, opp = rng.uniform(50, 80, issues), rng.uniform(10, 50, issues)
    actors = [
        {"name": "Gov", "capability": 60, "position": position(gov, 3), "salience": salience()},
        {"name": "Other", "capability": 40, "position": position(opp, 3), "salience": salience()},
    ]
    members = []
    for j in range(blocs):
        centre = gov if rng.random() < 0.5 else opp
        members.append(
            {
                "name": f"b{j}",
                "seats": int(rng.integers(1, 12)),
                "position": position(centre, 15),
                "salience": salience(),
            }
        )
    side_a: dict[str, Any] = {
        "name": "A",
        "negotiator": "Gov",
        "paths": [
            {"name": "exec", "bodies": [{"name": "President", "kind": "veto", "actor": "Gov"}]}
        ],
    }
    if red_line is not None:
        side_a["red_lines"] = [{"name": "floor", "issue": names[0], "min": red_line}]
    side_b = {
        "name": "B",
        "negotiator": "Other",
        "paths": [
            {
                "name": "parliament",
                "bodies": [
                    {"name": "Assembly", "kind": "legislature", "quota": "majority",
                     "blocs": members}
                ],
            }
        ],
    }  # fmt: skip
    data = {
        "name": f"synthetic-{issues}x{blocs}",
        "issues": [{"name": n, "scale": [0, 100], "status_quo": 30} for n in names],
        "actors": actors,
        "ratification": {"reversion": {n: 30 for n in names}, "sides": [side_a, side_b]},
    }
    return build_scenario(data, f"synthetic-{issues}x{blocs}")


def _child(what: str, issues: int, blocs: int) -> None:
    """In a fresh process: run one step and print seconds and peak resident memory (JSON)."""
    from winset.twolevel import analyse
    from winset.twolevel.search import search

    scenario = synthetic(issues, blocs, red_line=85.0 if what == "analyse" else 95.0)
    start = time.perf_counter()
    if what == "analyse":
        result = analyse(scenario)
        detail = result.path_result("parliament").agreement
    else:
        strategy = search(scenario, "parliament")
        detail = {"cost": strategy.cost, "moves": len(strategy.moves)}
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss_mb": _peak_mb(), "detail": detail}))


def _peak_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM where /proc has it: ru_maxrss can report the parent's peak at the fork that started
    this process.
    """
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(what: str, issues: int, blocs: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, HERE, "--child", what, "--issues", str(issues), "--blocs", str(blocs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _dense_member(bodies: list[Any], points: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Membership by the definition (weighted squared distances to a and to q), in chunks."""
    ok = np.ones(len(points), dtype=bool)
    for body in bodies:
        dq = ((q[None, :] - body.ideal) ** 2 * body.weight).sum(axis=1)
        step = max(1, 2_000_000 // (body.seats.size * points.shape[1]))
        for s in range(0, len(points), step):
            part = points[s : s + step]
            da = ((part[:, None, :] - body.ideal[None]) ** 2 * body.weight[None]).sum(axis=2)
            ok[s : s + step] &= (da < dq[None, :] - 1e-12) @ body.seats >= body.quota
    return ok


def _brute_nearest(bodies: list[Any], q: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   target: np.ndarray) -> np.ndarray | None:  # fmt: skip
    """The member nearest ``target``: a dense grid, then ever denser local grids."""
    dims = q.size
    per = {3: 101, 4: 37}.get(dims, 21)
    axes = [np.linspace(lo[k], hi[k], per) for k in range(dims)]
    pts = np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    pts = pts[_dense_member(bodies, pts, q)]
    if not len(pts):
        return None
    cell = (hi - lo) / (per - 1)
    for width, count, keep in ((1.5, 13, 40), (0.3, 11, 20), (0.06, 11, 10), (0.012, 11, 5)):
        best = pts[np.argsort(((pts - target) ** 2).sum(axis=1))[:keep]]
        offsets = np.stack(
            [g.ravel() for g in np.meshgrid(*[np.linspace(-1, 1, count)] * dims, indexing="ij")],
            axis=1,
        ) * (width * cell)
        cand = np.clip((best[:, None, :] + offsets[None]).reshape(-1, dims), lo, hi)
        pts = np.vstack([best, cand[_dense_member(bodies, cand, q)]])
    return pts[np.argmin(((pts - target) ** 2).sum(axis=1))]


def accuracy(issues: int, blocs: int, seed: int = 0) -> dict[str, float]:
    """winset's nearest agreement to a target outside the set against the brute force.

    ``distance``: how much farther from the target winset's agreement is than the brute
    force's, in % of the scale (negative: nearer); ``issue``: the largest difference of the two
    agreements on any issue, in % of the scale (where the set's edge is nearly as far from the
    target along a stretch, two near-best points can differ more than their distances do);
    ``seconds``: winset's time for the agreement set and the refinement.
    """
    from winset.twolevel.problem import build
    from winset.twolevel.winsets import agreement_set, refine

    problem = build(synthetic(issues, blocs, seed, red_line=None))
    pair = problem.pairs()[0]
    bodies = [b for p in pair for b in p.bodies]
    q = problem.reversion
    target = np.full(issues, 0.95)  # far from the set: the answer lies on its boundary
    start = time.perf_counter()
    aset = agreement_set(problem, pair)
    ours = refine(lambda p: ((p - target) ** 2).sum(axis=1), aset)
    seconds = time.perf_counter() - start
    lo, hi = problem.box(pair)
    brute = _brute_nearest(bodies, q, lo, hi, target)
    if ours is None or brute is None:
        same = ours is None and brute is None
        return {"distance": 0.0 if same else np.inf, "issue": 0.0 if same else np.inf,
                "seconds": seconds}  # fmt: skip
    return {
        "distance": float(100 * (np.linalg.norm(ours - target) - np.linalg.norm(brute - target))),
        "issue": float(100 * np.max(np.abs(ours - brute))),
        "seconds": seconds,
    }


def figures(issues: int = 4, blocs: int = 100, repeats: int = 3) -> list[dict[str, Any]]:
    """The benchmark's figures, each with its target (see benchmarks/run.py)."""
    out: list[dict[str, Any]] = []
    runs = [_in_child("analyse", issues, blocs) for _ in range(repeats)]
    out.append({"name": f"twolevel {issues} issues x {blocs} blocs: analysis",
                "value": float(np.median([r["seconds"] for r in runs])), "unit": "s"})  # fmt: skip
    out.append({"name": f"twolevel {issues} issues x {blocs} blocs: peak memory",
                "value": float(np.median([r["rss_mb"] for r in runs])), "unit": "MB",
                "target": 300.0})  # fmt: skip
    runs = [_in_child("search", issues, blocs) for _ in range(repeats)]
    out.append({"name": f"twolevel {issues} issues x {blocs} blocs: --search",
                "value": float(np.median([r["seconds"] for r in runs])), "unit": "s",
                "target": 1.5})  # fmt: skip
    out.append({"name": f"twolevel {issues} issues x {blocs} blocs: --search peak memory",
                "value": float(np.median([r["rss_mb"] for r in runs])), "unit": "MB",
                "target": 300.0})  # fmt: skip
    for dims in (3, 4):
        acc = accuracy(dims, blocs)
        name = f"twolevel {dims} issues x {blocs} blocs"
        out.append({"name": f"{name}: agreement's distance beyond brute force",
                    "value": acc["distance"], "unit": "% of scale", "target": 0.5})  # fmt: skip
        out.append({"name": f"{name}: agreement vs brute force, largest issue",
                    "value": acc["issue"], "unit": "% of scale"})  # fmt: skip
        out.append({"name": f"{name}: agreement set + refine",
                    "value": acc["seconds"], "unit": "s"})  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=4)
    parser.add_argument("--blocs", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=("analyse", "search"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.issues, args.blocs)
        return
    for fig in figures(args.issues, args.blocs, args.repeats):
        target = f"  (target < {fig['target']:g})" if "target" in fig else ""
        print(f"{fig['name']:<62} {fig['value']:9.3f} {fig['unit']}{target}")


if __name__ == "__main__":
    main()
