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
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.models.base import Model
from winset.models.runner import Prepared, prepare, run_prepared
from winset.results import Provenance, Result, frame
from winset.scenario.schema import SALIENCE_MAX, Scenario
from winset.seeds import resolve_seed
from winset.twolevel.problem import PathArrays, TwoLevel, build
from winset.twolevel.winsets import (
    GRID_POINTS,
    AgreementSet,
    agreement_set,
    pass_probability,
    refine,
    yes_probability,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SOLUTIONS",
    "PathResult",
    "TwoLevelResult",
    "TwoLevelSettings",
    "analyse",
    "evaluate",
    "negotiators",
    "twolevel_provenance",
]

FloatArray = NDArray[np.float64]
SOLUTIONS = ("nearest", "nash")
DEFAULT_NOISE = 0.05


@dataclass(frozen=True)
class TwoLevelSettings:
    """How Level II is solved.

    Which agreement in a set: ``nearest`` to the Level-I forecast, or the negotiators' ``nash``
    solution; and the noise of the random-utility votes.
    """

    solution: str = "nearest"
    noise: float = DEFAULT_NOISE

    def checked(self) -> TwoLevelSettings:
        """A validated copy (choices matched without regard to case)."""
        solution = str(self.solution).strip().lower()
        if solution not in SOLUTIONS:
            raise InputError(
                Problem("", "solution", f"{self.solution!r} is not one of nearest, nash")
            )
        noise = float(self.noise)
        if not (np.isfinite(noise) and 0 < noise <= 10):
            raise InputError(Problem("", "noise", f"{self.noise} must be above 0 and at most 10"))
        return TwoLevelSettings(solution, noise)


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
        """The path combination as in ``winset twolevel --json``."""
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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PathResult:
        """Rebuild from :meth:`to_dict` output."""
        bounds = data.get("agreement_set")
        return cls(
            name=data["name"],
            paths=dict(data["paths"]),
            open=bool(data["open"]),
            ratifiable=bool(data["ratifiable"]),
            agreement=data.get("agreement"),
            p_ratify=float(data["p_ratify"]),
            bounds=None if bounds is None else {k: (v[0], v[1]) for k, v in bounds.items()},
            red_lines=tuple(data.get("red_lines", ())),
            bodies=dict(data.get("bodies", {})),
            pivotal=tuple(data.get("pivotal", ())),
        )


@dataclass(frozen=True)
class TwoLevelResult(Result):
    """Every path combination and the overall outcome, in the issues' units."""

    kind: ClassVar[str] = "twolevel"

    provenance: Provenance
    issues: tuple[str, ...]
    reversion: dict[str, float]
    level1: dict[str, float]
    paths: tuple[PathResult, ...]
    agreement: bool
    path: str | None
    outcome: dict[str, float]
    p_ratify: float

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return self.provenance.scenario

    def path_result(self, name: str) -> PathResult:
        """The combination called ``name``, or the one that uses the path ``name``."""
        for p in self.paths:
            if p.name == name or name in p.paths.values():
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``winset twolevel --json``."""
        prov = self.provenance
        return {
            "scenario": prov.scenario,
            "reversion": dict(self.reversion),
            "level1": {
                "forecast": dict(self.level1),
                "model": prov.model,
                "variant": prov.variant,
                "parameters": dict(prov.parameters),
            },
            "paths": [p.to_dict() for p in self.paths],
            "outcome": {
                "agreement": self.agreement,
                "path": self.path,
                "forecast": dict(self.outcome),
                "p_ratify": self.p_ratify,
            },
            "provenance": prov.to_dict(),
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TwoLevelResult:
        """Rebuild from :meth:`to_dict` output."""
        outcome = data["outcome"]
        return cls(
            provenance=Provenance.from_dict(data["provenance"], cls.kind),
            issues=tuple(outcome["forecast"]),
            reversion=dict(data["reversion"]),
            level1=dict(data["level1"]["forecast"]),
            paths=tuple(PathResult.from_dict(p) for p in data["paths"]),
            agreement=bool(outcome["agreement"]),
            path=outcome["path"],
            outcome=dict(outcome["forecast"]),
            p_ratify=float(outcome["p_ratify"]),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per path combination and issue: open, ratifiable, agreement, P(ratify)."""
        rows = []
        for p in self.paths:
            for issue in self.issues:
                rows.append(
                    {
                        "path": p.name,
                        "issue": issue,
                        "open": p.open,
                        "ratifiable": p.ratifiable,
                        "agreement": None if p.agreement is None else p.agreement[issue],
                        "p_ratify": p.p_ratify,
                        "chosen": p.name == self.path,
                    }
                )
        columns = ["path", "issue", "open", "ratifiable", "agreement", "p_ratify", "chosen"]
        return frame(rows, columns, self.provenance)


def negotiators(scenario: Scenario, problem: TwoLevel) -> tuple[FloatArray, FloatArray]:
    """Ideal points and weights (sides, m) of the negotiators; no position there: weight 0."""
    actors = {a.name: a for a in scenario.actors}
    x = np.tile(problem.reversion, (len(problem.sides), 1))
    w = np.zeros_like(x)
    for s, side in enumerate(problem.sides):
        actor = actors[side.negotiator]
        for k, issue in enumerate(scenario.issues):
            if issue.name in actor.position:
                x[s, k] = problem.scales.unit_value(k, actor.position[issue.name].value)
                w[s, k] = actor.salience[issue.name].value / SALIENCE_MAX
    return x, w


def _solve_in_set(
    aset: AgreementSet,
    target: FloatArray,
    solution: str,
    negotiators: tuple[FloatArray, FloatArray],
    q: FloatArray,
    effort: dict[str, Any] | None = None,
) -> FloatArray | None:
    """The agreement in the set: nearest the target, or the negotiators' Nash solution.

    ``effort`` is passed to :func:`refine` (its starts, levels and shrink).
    """
    effort = effort or {}

    def nearest(p: FloatArray) -> FloatArray:
        return np.sum((p - target) ** 2, axis=1)

    if solution == "nearest":
        if not aset.empty and aset.member(target[None, :])[0]:
            return np.array(target, dtype=float)  # the forecast itself can be ratified
        if aset.exact is not None:
            # one issue: the nearest point of the open interval, just inside an end it passes
            lo, hi = aset.exact
            inside = np.array([min(max(float(target[0]), lo + 1e-9), hi - 1e-9)])
            if aset.member(inside[None, :])[0]:
                return inside
        if aset.line is not None:
            # every issue but one pinned: the nearest point of the nearest interval
            # (an end that a domain or red line sets is closed: try it before the padded one)
            base, k, intervals = aset.line
            tries = np.repeat(base[None, :], 2 * len(intervals), axis=0)
            for i, (lo, hi) in enumerate(intervals):
                pad = min(1e-9, (hi - lo) / 4.0)
                tries[2 * i, k] = min(max(float(target[k]), lo), hi)
                tries[2 * i + 1, k] = min(max(float(target[k]), lo + pad), hi - pad)
            tries = tries[aset.member(tries)]
            if tries.size:
                return tries[int(np.argmin(nearest(tries)))]
        return refine(nearest, aset, **effort)
    x, w = negotiators

    def neg_log_nash(p: FloatArray) -> FloatArray:
        da = np.sqrt(np.einsum("spm,sm->sp", (p[None] - x[:, None]) ** 2, w))
        dq = np.sqrt(np.einsum("sm,sm->s", (q[None] - x) ** 2, w))[:, None]
        gain = dq - da
        # outside the negotiators' individually rational set the product is not defined
        return np.where(np.all(gain > 0, axis=0), -np.log(np.maximum(gain, 1e-300)).sum(0), 1e300)

    best = refine(neg_log_nash, aset, **effort)
    if best is not None and neg_log_nash(best[None])[0] >= 1e300:
        # nobody gains at any point of the set: fall back on the nearest point
        return refine(nearest, aset, **effort)
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
    # the full analysis refines from several starting points; a coarse grid (per draw) from one
    effort = {} if budget >= GRID_POINTS else {"starts": 1, "levels": 5, "shrink": 5.0}
    results = []
    for pair in problem.pairs():
        aset = agreement_set(problem, pair, budget)
        a = _solve_in_set(aset, target, solution, negotiators, q, effort)
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
        lo_u, hi_u = (problem.named(v) for v in aset.bounds())
        results.append(
            PathResult(
                name=name,
                paths=names,
                open=is_open,
                ratifiable=True,
                agreement=problem.named(a),
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
        return float(np.sum((problem.point(r.agreement or {}) - target) ** 2))

    return results, min(usable, key=lambda r: (-r.p_ratify, distance(r)))


def twolevel_provenance(
    prepared: Prepared, settings: TwoLevelSettings, seed: int | None = None, **extra: Any
) -> Provenance:
    """The provenance of a two-level analysis (``settings`` checked).

    ``seed`` is a stochastic Level-I model's seed; the provenance keeps it only for such a model.
    """
    return prepared.provenance(
        seed, kind="twolevel", solution=settings.solution, noise=settings.noise, **extra
    )


def analyse(
    scenario: Scenario | str | Prepared,
    model: str | Model = "compromise",
    *,
    params: Mapping[str, Any] | None = None,
    variant: str | None = None,
    solution: str = "nearest",
    noise: float = DEFAULT_NOISE,
    top_pivotal: int = 5,
    seed: int | None = None,
) -> TwoLevelResult:
    """Analyse every ratification path of ``scenario`` and the outcome.

    Parameters
    ----------
    scenario
        A scenario (or bundled name, or file), or a :class:`Prepared` model and scenario.
    model, params, variant
        The Level-I model (ignored when ``scenario`` is already prepared).
    solution
        ``nearest`` (the forecast's nearest ratifiable agreement) or ``nash`` (the
        negotiators' Nash bargaining solution within the agreement set).
    noise
        The scale of the random-utility votes.
    top_pivotal
        How many pivotal blocs to report per path combination.
    seed
        The seed of a stochastic Level-I model (drawn if not given); unused by the others.
    """
    prepared = (
        scenario if isinstance(scenario, Prepared) else prepare(scenario, model, params, variant)
    )
    settings = TwoLevelSettings(solution, noise).checked()
    seed = resolve_seed(seed) if prepared.random else None
    problem = build(prepared.scenario)
    level1 = run_prepared(prepared, seed)
    target = problem.point(level1.forecast)
    results, best = evaluate(
        problem,
        target,
        negotiators(prepared.scenario, problem),
        settings.solution,
        settings.noise,
        top_pivotal=top_pivotal,
    )
    q = problem.reversion
    outcome = problem.named(q) if best is None else dict(best.agreement or {})
    return TwoLevelResult(
        provenance=twolevel_provenance(prepared, settings, seed),
        issues=problem.issues,
        reversion=problem.named(q),
        level1=dict(level1.forecast),
        paths=tuple(results),
        agreement=best is not None,
        path=None if best is None else best.name,
        outcome=outcome,
        p_ratify=0.0 if best is None else best.p_ratify,
    )
