"""Monte Carlo for two-level scenarios: the probability of agreement per path.

Every value with an uncertainty range is drawn as ``winset run --draws`` draws it (the draw
engine's blocks, so the same seed gives the same draws). The Level-I model runs on each chunk of
draws at once; then, draw by draw, the blocs and veto players that take their values from an
actor follow that actor's draw (a bloc's own values stay at their point values), and every path
combination is evaluated as :func:`winset.twolevel.analyse.analyse` does, on a coarser grid.
Chunks run on the draw engine: workers, checkpoints, resume and progress as for any draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from winset.draws import DrawSettings
from winset.draws.engine import BLOCK, Checkpoints, chunk_size_for, run_draws, workers_model
from winset.draws.uncertainty import Uncertainty, solve_rows
from winset.models.base import Model
from winset.models.runner import Prepared
from winset.numbers import quantile_summary
from winset.results import Provenance, Result, frame
from winset.scenario.arrays import to_arrays
from winset.twolevel.analyse import TwoLevelSettings, evaluate
from winset.twolevel.problem import BodyArrays, TwoLevel, build

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_TWOLEVEL_DRAWS",
    "MC_GRID",
    "TwoLevelDraws",
    "TwoLevelJob",
    "twolevel_draws",
    "twolevel_draws_provenance",
]

FloatArray = NDArray[np.float64]
MC_GRID = 4_000  # grid points per agreement set and draw (the point analysis uses 200,000)
MAX_TWOLEVEL_DRAWS = 1_000_000
"""The most two-level draws one run may ask for (``DrawSettings.checked(max_draws=...)``); a
lower ``WINSET_MAX_DRAWS`` lowers it too."""


@dataclass(frozen=True)
class TwoLevelDraws(Result):
    """Shares of draws: per path combination ratifiable and chosen; the outcome's spread."""

    kind: ClassVar[str] = "twolevel-draws"

    provenance: Provenance
    p_ratifiable: dict[str, float]
    p_chosen: dict[str, float]
    p_agreement: float
    outcome: dict[str, dict[str, float]]

    @property
    def draws(self) -> int:
        """How many draws."""
        return int(self.provenance.settings["draws"])

    @property
    def seed(self) -> int:
        """The seed the draws came from."""
        return int(self.provenance.seed or 0)

    @property
    def distribution(self) -> str:
        """The distribution of the drawn values."""
        return str(self.provenance.settings["distribution"])

    def to_dict(self) -> dict[str, Any]:
        """The ``draws`` part of ``winset twolevel --draws N --json``."""
        return {
            "draws": self.draws,
            "seed": self.seed,
            "distribution": self.distribution,
            "p_agreement": self.p_agreement,
            "paths": {
                name: {"p_ratifiable": self.p_ratifiable[name], "p_chosen": self.p_chosen[name]}
                for name in self.p_ratifiable
            },
            "outcome": self.outcome,
            "provenance": self.provenance.to_dict(),
            "run_id": self.run_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TwoLevelDraws:
        """Rebuild from :meth:`to_dict` output."""
        paths = data["paths"]
        return cls(
            provenance=Provenance.from_dict(data["provenance"], cls.kind),
            p_ratifiable={k: v["p_ratifiable"] for k, v in paths.items()},
            p_chosen={k: v["p_chosen"] for k, v in paths.items()},
            p_agreement=float(data["p_agreement"]),
            outcome={k: dict(v) for k, v in data["outcome"].items()},
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per path combination: P(ratifiable), P(chosen)."""
        rows = [
            {"path": k, "p_ratifiable": v, "p_chosen": self.p_chosen[k]}
            for k, v in self.p_ratifiable.items()
        ]
        return frame(rows, ["path", "p_ratifiable", "p_chosen"], self.provenance)


def _body_for_draw(
    body: BodyArrays, index: dict[str, int], pos: FloatArray, sal: FloatArray
) -> BodyArrays:
    if body.own_position is None or body.own_salience is None:
        return body
    ideal, weight = body.ideal.copy(), body.weight.copy()
    for b, actor in enumerate(body.actors):
        if actor is None:
            continue
        i = index[actor]
        ideal[b] = np.where(body.own_position[b], ideal[b], pos[i])
        weight[b] = np.where(body.own_salience[b], weight[b], sal[i])
    return replace(body, ideal=ideal, weight=weight)


def _problem_for_draw(
    problem: TwoLevel, index: dict[str, int], pos: FloatArray, sal: FloatArray
) -> TwoLevel:
    sides = []
    for side in problem.sides:
        paths = tuple(
            replace(path, bodies=tuple(_body_for_draw(b, index, pos, sal) for b in path.bodies))
            for path in side.paths
        )
        sides.append(replace(side, paths=paths))
    return replace(problem, sides=tuple(sides))


@dataclass(frozen=True, eq=False)
class TwoLevelJob:
    """The draw engine's job: per draw, which combinations ratify, which is chosen, the outcome.

    Row layout: P ratifiable flags, the chosen combination's index (-1: none), then the outcome
    on [0, 1] scales (m).
    """

    uncertainty: Uncertainty
    problem: TwoLevel
    actors: tuple[str, ...]
    present: NDArray[np.bool_]
    model: Model
    params: Mapping[str, Any]
    variant: str
    seed: int
    distribution: str
    block: int
    solution: str
    noise: float

    @property
    def width(self) -> int:
        """Columns of a row."""
        return len(self.problem.pairs()) + 1 + self.problem.dims

    def compute(self, start: int, stop: int) -> FloatArray:
        """The rows of draws ``start..stop-1``."""
        unc, problem = self.uncertainty, self.problem
        rows = unc.draw_rows(self.seed, start, stop, self.distribution, self.block)
        forecast = solve_rows(
            self.model, unc, rows, self.params, self.variant, self.seed, start, self.block
        )
        inputs = unc.unpack(rows)
        index = {name: i for i, name in enumerate(self.actors)}
        neg = [index[side.negotiator] for side in problem.sides]
        present = self.present[neg]
        out = np.empty((stop - start, self.width))
        p = len(problem.pairs())
        for b in range(stop - start):
            pos, sal = inputs.position[b], inputs.salience[b]
            drawn = _problem_for_draw(problem, index, pos, sal)
            neg_x = np.where(present, pos[neg], problem.reversion)
            neg_w = np.where(present, sal[neg], 0.0)
            results, best = evaluate(
                drawn, forecast[b], (neg_x, neg_w), self.solution, self.noise,
                top_pivotal=0, budget=MC_GRID,
            )  # fmt: skip
            out[b, :p] = [r.ratifiable for r in results]
            # the chosen combination's column: its place among the results (pairs() order)
            out[b, p] = -1 if best is None else next(j for j, r in enumerate(results) if r is best)
            out[b, p + 1 :] = (
                problem.reversion if best is None else problem.point(best.agreement or {})
            )
        return out


def twolevel_draws_provenance(
    prepared: Prepared, settings: TwoLevelSettings, draws: DrawSettings
) -> Provenance:
    """The provenance of two-level draws (both settings checked)."""
    return prepared.provenance(
        draws.seed,
        kind="twolevel-draws",
        keep_seed=True,
        solution=settings.solution,
        noise=settings.noise,
        grid=MC_GRID,
        **draws.determining(),
    )


def twolevel_draws(
    prepared: Prepared,
    settings: TwoLevelSettings,
    draws: DrawSettings,
    *,
    checkpoints: Checkpoints | None = None,
    progress: Callable[[int, int], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> TwoLevelDraws:
    """Draws of the scenario's uncertain values through the whole two-level analysis.

    Both settings must be checked (``draws.seed`` resolved).
    """
    if draws.seed is None:
        raise ValueError("draw settings must be checked (the seed resolved) first")
    problem = build(prepared.scenario)
    arrays = to_arrays(prepared.scenario)
    provenance = twolevel_draws_provenance(prepared, settings, draws)
    job = TwoLevelJob(
        uncertainty=Uncertainty.from_arrays(arrays),
        problem=problem,
        actors=arrays.actors,
        present=np.asarray(arrays.present),
        model=workers_model(prepared.model, draws.workers, draws.scheduler),
        params=prepared.params,
        variant=prepared.variant,
        seed=draws.seed,
        distribution=draws.distribution,
        block=draws.block,
        solution=settings.solution,
        noise=settings.noise,
    )
    stochastic = prepared.random
    size = chunk_size_for(draws.draws, draws.chunk_size, BLOCK // 4, stochastic)
    rows = run_draws(
        job,
        draws.draws,
        chunk_size=size,
        workers=draws.workers,
        scheduler=draws.scheduler,
        checkpoints=checkpoints,
        key=provenance.key(),
        progress=progress,
        notice=notice,
    )
    names = [" + ".join(p.name for p in pair) for pair in problem.pairs()]
    p = len(names)
    n = draws.draws
    chosen = rows[:, p].astype(int)
    outcomes = problem.scales.to_units(rows[:, p + 1 :])
    return TwoLevelDraws(
        provenance=provenance,
        p_ratifiable={name: float(rows[:, j].sum()) / n for j, name in enumerate(names)},
        p_chosen={name: float(np.sum(chosen == j)) / n for j, name in enumerate(names)},
        p_agreement=float(np.sum(chosen >= 0)) / n,
        outcome={
            issue: quantile_summary(outcomes[:, k], problem.scales.span(k))
            for k, issue in enumerate(problem.issues)
        },
    )
