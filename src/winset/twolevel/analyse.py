"""The two-level outcome: a Level-I forecast constrained to what Level II can ratify.

For every combination of one ratification path per side: the agreement set, the agreement
forecast in it (the Level-I forecast's nearest point, or the negotiators' Nash bargaining
solution within the set) and its probability of ratification. The outcome goes through the open
combination with the highest probability of ratification; if no open combination can ratify
anything, there is no agreement and the outcome is the reversion point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset._version import __version__
from winset.api import run
from winset.numbers import clean_units
from winset.scenario.arrays import input_hash
from winset.scenario.load import load_scenario
from winset.scenario.schema import SALIENCE_MAX, Scenario
from winset.twolevel.problem import PathArrays, TwoLevel, build
from winset.twolevel.winsets import (
    GRID_POINTS,
    AgreementSet,
    agreement_set,
    pass_probability,
    refine,
    yes_probability,
)

__all__ = ["SOLUTIONS", "PathResult", "TwoLevelResult", "analyse", "evaluate", "negotiators"]

FloatArray = NDArray[np.float64]
SOLUTIONS = ("nearest", "nash")
DEFAULT_NOISE = 0.05


@dataclass(frozen=True)
class PathResult:
    """One path per side: can an agreement be ratified, which, and how likely."""

    name: str
    paths: dict[str, str]
    open: bool
    ratifiable: bool
    agreement: dict[str, float] | None
    p_ratify: float
    bounds: dict[str, tuple[float, float]] | None
    red_lines: tuple[str, ...]
    bodies: dict[str, float] = field(default_factory=dict)
    pivotal: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "paths": dict(self.paths),
            "open": self.open,
            "ratifiable": self.ratifiable,
            "agreement": self.agreement,
            "p_ratify": self.p_ratify,
            "agreement_set": (
                None if self.bounds is None else {k: list(v) for k, v in self.bounds.items()}
            ),
            "red_lines": list(self.red_lines),
            "bodies": dict(self.bodies),
            "pivotal": [dict(p) for p in self.pivotal],
        }


@dataclass(frozen=True)
class TwoLevelResult:
    """Every path combination and the overall outcome, in the issues' units."""

    scenario: str
    issues: tuple[str, ...]
    reversion: dict[str, float]
    level1: dict[str, float]
    paths: tuple[PathResult, ...]
    agreement: bool
    path: str | None
    outcome: dict[str, float]
    p_ratify: float
    settings: dict[str, Any]
    input_hash: str

    def path_result(self, name: str) -> PathResult:
        for p in self.paths:
            if p.name == name or name in p.paths.values():
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "reversion": dict(self.reversion),
            "level1": {"forecast": dict(self.level1), **self.settings["level1"]},
            "paths": [p.to_dict() for p in self.paths],
            "outcome": {
                "agreement": self.agreement,
                "path": self.path,
                "forecast": dict(self.outcome),
                "p_ratify": self.p_ratify,
            },
            "provenance": {
                "package_version": __version__,
                "solution": self.settings["solution"],
                "noise": self.settings["noise"],
                "input_hash": self.input_hash,
                "levers": self.settings.get("levers", {}),
            },
        }


def negotiators(scenario: Scenario, problem: TwoLevel) -> tuple[FloatArray, FloatArray]:
    """Ideal points and weights (sides, m) of the negotiators; no position there: weight 0."""
    actors = {a.name: a for a in scenario.actors}
    x = np.tile(problem.reversion, (len(problem.sides), 1))
    w = np.zeros_like(x)
    for s, side in enumerate(problem.sides):
        actor = actors[side.negotiator]
        for k, issue in enumerate(scenario.issues):
            if issue.name in actor.position:
                x[s, k] = problem.to_unit_scale(k, actor.position[issue.name].value)
                w[s, k] = actor.salience[issue.name].value / SALIENCE_MAX
    return x, w


def _solve_in_set(
    aset: AgreementSet,
    target: FloatArray,
    solution: str,
    negotiators: tuple[FloatArray, FloatArray],
    q: FloatArray,
) -> FloatArray | None:
    if solution == "nearest":
        if aset.exact is not None:
            # one issue: the nearest point of the open interval, just inside an end it passes
            lo, hi = aset.exact
            inside = np.array([min(max(float(target[0]), lo + 1e-9), hi - 1e-9)])
            if aset.member(inside[None, :])[0]:
                return inside
        return refine(lambda p: np.sum((p - target) ** 2, axis=1), aset)
    x, w = negotiators

    def neg_log_nash(p: FloatArray) -> FloatArray:
        da = np.sqrt(np.einsum("spm,sm->sp", (p[None] - x[:, None]) ** 2, w))
        dq = np.sqrt(np.einsum("sm,sm->s", (q[None] - x) ** 2, w))[:, None]
        gain = dq - da
        # outside the negotiators' individually rational set the product is not defined
        return np.where(np.all(gain > 0, axis=0), -np.log(np.maximum(gain, 1e-300)).sum(0), 1e300)

    best = refine(neg_log_nash, aset)
    if best is not None and neg_log_nash(best[None])[0] >= 1e300:
        # nobody gains at any point of the set: fall back on the nearest point
        return refine(lambda p: np.sum((p - target) ** 2, axis=1), aset)
    return best


def _probabilities(
    pair: tuple[PathArrays, ...], a: FloatArray, q: FloatArray, noise: float, pivotal: bool = True
) -> tuple[float, dict[str, float], list[dict[str, Any]]]:
    """P(every body ratifies a), each body's P, and each bloc's swing (P yes - P no)."""
    per_body = []
    for path in pair:
        for body in path.bodies:
            p = yes_probability(body, a, q, noise)
            per_body.append((path, body, p, pass_probability(body.seats, p, body.quota)))
    total = float(np.prod([pb for *_, pb in per_body]))
    swings: list[dict[str, Any]] = []
    for i, (path, body, p, _) in enumerate(per_body if pivotal else []):
        rest = float(np.prod([pb for j, (*_, pb) in enumerate(per_body) if j != i]))
        for b, bloc in enumerate(body.bloc_names):
            yes, no = p.copy(), p.copy()
            yes[b], no[b] = 1.0, 0.0
            swing = rest * (
                pass_probability(body.seats, yes, body.quota)
                - pass_probability(body.seats, no, body.quota)
            )
            swings.append(
                {
                    "side": path.side,
                    "body": body.name,
                    "bloc": bloc,
                    "seats": int(body.seats[b]),
                    "p_yes": round(float(p[b]), 6),
                    "swing": round(swing, 6),
                }
            )
    swings.sort(key=lambda s: (-s["swing"], s["bloc"]))
    bodies = {body.name: round(pb, 6) for _, body, _, pb in per_body}
    return total, bodies, swings


def units(problem: TwoLevel, x: FloatArray) -> dict[str, float]:
    """A point on [0, 1] scales in the issues' units, by issue name."""
    u = problem.to_units(x)
    return {
        name: clean_units(float(u[k]), float(problem.high[k] - problem.low[k]))
        for k, name in enumerate(problem.issues)
    }


def evaluate(
    problem: TwoLevel,
    target: FloatArray,
    negotiators: tuple[FloatArray, FloatArray],
    solution: str,
    noise: float,
    *,
    top_pivotal: int = 5,
    budget: int = GRID_POINTS,
) -> tuple[list[PathResult], PathResult | None]:
    """Every path combination's result, and the one the outcome goes through (None: no deal).

    ``target`` is the Level-I forecast on [0, 1]; ``top_pivotal`` 0 skips the pivotal blocs.
    """
    q = problem.reversion
    results = []
    for pair in problem.pairs():
        aset = agreement_set(problem, pair, budget)
        a = _solve_in_set(aset, target, solution, negotiators, q)
        names = {p.side: p.name for p in pair}
        lines = tuple(f"{line.side}: {line.name}" for line in problem.red_lines_on(pair))
        name = " + ".join(names.values())
        is_open = all(p.open for p in pair)
        if a is None:
            results.append(
                PathResult(
                    name=name,
                    paths=names,
                    open=is_open,
                    ratifiable=False,
                    agreement=None,
                    p_ratify=0.0,
                    bounds=None,
                    red_lines=lines,
                )
            )
            continue
        p_total, bodies, swings = _probabilities(pair, a, q, noise, pivotal=top_pivotal > 0)
        lo_u, hi_u = (units(problem, v) for v in aset.bounds())
        results.append(
            PathResult(
                name=name,
                paths=names,
                open=is_open,
                ratifiable=True,
                agreement=units(problem, a),
                p_ratify=round(p_total, 6),
                bounds={k: (lo_u[k], hi_u[k]) for k in problem.issues},
                red_lines=lines,
                bodies=bodies,
                pivotal=tuple(swings[:top_pivotal]),
            )
        )
    usable = [r for r in results if r.open and r.ratifiable]
    if not usable:
        return results, None

    def distance(r: PathResult) -> float:
        assert r.agreement is not None
        x = np.array(
            [problem.to_unit_scale(k, r.agreement[n]) for k, n in enumerate(problem.issues)]
        )
        return float(np.sum((x - target) ** 2))

    return results, min(usable, key=lambda r: (-r.p_ratify, distance(r)))


def analyse(
    scenario: Scenario | str,
    model: str = "compromise",
    *,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    solution: str = "nearest",
    noise: float = DEFAULT_NOISE,
    top_pivotal: int = 5,
) -> TwoLevelResult:
    """Analyse every ratification path of ``scenario`` and the outcome.

    ``model`` forecasts Level I (the registry's models); ``solution`` is ``nearest`` (the
    forecast's nearest ratifiable agreement) or ``nash`` (the negotiators' Nash bargaining
    solution within the agreement set); ``noise`` scales the random-utility votes.
    """
    from winset.errors import InputError, Problem

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if solution not in SOLUTIONS:
        raise InputError(Problem("", "--solution", f"{solution!r} is not one of nearest, nash"))
    if not noise > 0:
        raise InputError(Problem("", "--noise", f"{noise} must be above 0"))
    problem = build(scenario)
    level1 = run(scenario, model, params=params, variant=variant)
    target = np.array(
        [problem.to_unit_scale(k, level1.forecast[name]) for k, name in enumerate(problem.issues)]
    )
    results, best = evaluate(
        problem, target, negotiators(scenario, problem), solution, noise, top_pivotal=top_pivotal
    )
    q = problem.reversion
    if best is not None:
        agreement, path, outcome, p_best = (
            True,
            best.name,
            dict(best.agreement or {}),
            best.p_ratify,
        )
    else:
        agreement, path, outcome, p_best = False, None, units(problem, q), 0.0
    return TwoLevelResult(
        scenario=scenario.name,
        issues=problem.issues,
        reversion=units(problem, q),
        level1=dict(level1.forecast),
        paths=tuple(results),
        agreement=agreement,
        path=path,
        outcome=outcome,
        p_ratify=p_best,
        settings={
            "solution": solution,
            "noise": noise,
            "level1": {
                "model": level1.provenance.model,
                "variant": level1.provenance.variant,
                "parameters": dict(level1.provenance.parameters),
            },
        },
        input_hash=input_hash(scenario),
    )
