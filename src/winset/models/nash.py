"""The asymmetric Nash bargaining solution, issue by issue.

Actor i's utility for an outcome x on an issue is ``-s_i |x - x_i|`` (salience-weighted
distance). With disagreement point d, i's gain is ``G_i(x) = s_i (r_i - |x - x_i|)`` where
``r_i = |d - x_i|``. The solution maximises ``sum_i c_i log G_i(x)`` (capabilities are the
bargaining weights) over the agreements every participant weakly prefers to d,
``F = [max_i (x_i - r_i), min_i (x_i + r_i)]``.

Choices, each documented in the model's theory page:

* d is the issue's status quo when the scenario gives one. Without one, every actor's
  disagreement payoff is its worst point of the scale, ``r_i = max(x_i, 1 - x_i)``.
* participants are the present actors with positive capability and positive salience; an
  actor with zero weight neither pulls nor constrains.
* when F is the single point d (some participant's ideal is the status quo: it vetoes any
  move), the outcome is d.
* in one dimension the salience multiplies G_i and so cancels out of the maximiser; it
  matters only through who participates. The objective is concave, so the maximiser is found
  by bisection on the sign of its derivative (80 halvings, vectorised over draws and issues).
* with no participant on an issue the compromise model's fallback weights are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from winset.models.base import Inputs, Model, ModelInfo, Parameter, Solution
from winset.models.common import effective_weights, weighted_mean

__all__ = ["NashModel", "nash_solution"]

FloatArray = NDArray[np.float64]


def nash_solution(
    x: FloatArray,
    c: FloatArray,
    participate: NDArray[np.bool_],
    d: FloatArray,
    has_d: NDArray[np.bool_],
    iterations: int = 80,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Weighted Nash bargaining solution on [0, 1] per (draw, issue).

    ``x`` (B, n, m) positions, ``c`` (B, n) weights, ``participate`` (B, n, m), ``d`` (B, m)
    disagreement points used where ``has_d`` (m,). Returns the solution (B, m) and a mask of
    the (draw, issue) pairs with at least one participant.
    """
    cw = np.where(participate, c[:, :, None], 0.0)
    worst = np.maximum(x, 1.0 - x)
    r = np.where(has_d[None, None, :], np.abs(d[:, None, :] - x), worst)
    lower = np.where(participate, x - r, -np.inf).max(axis=1)
    upper = np.where(participate, x + r, np.inf).min(axis=1)
    lower = np.clip(lower, 0.0, 1.0)
    upper = np.clip(upper, 0.0, 1.0)
    any_part = participate.any(axis=1)
    degenerate = upper - lower <= 1e-12
    lo, hi = lower.copy(), upper.copy()
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        dist = mid[:, None, :] - x
        slack = np.maximum(r - np.abs(dist), 1e-300)
        slope = np.einsum("bnm,bnm->bm", cw, -np.sign(dist) / slack)
        up = slope > 0
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    solution = 0.5 * (lo + hi)
    d_point = np.where(has_d[None, :], d, solution)
    return np.where(degenerate, d_point, solution), np.asarray(any_part, dtype=bool)


class NashModel(Model):
    """Asymmetric Nash bargaining solution with capability weights (see module docstring)."""

    info = ModelInfo(
        name="nash",
        title="Asymmetric Nash bargaining solution",
        citation=(
            "Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162; "
            "Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person "
            "bargaining. International Journal of Game Theory 6(3), 129-133; applied to EU "
            "decisions in Achen (2006), The European Union Decides, ch. 10."
        ),
        summary=(
            "Maximises the capability-weighted product of the actors' gains over the "
            "disagreement point (the status quo where given, else each actor's worst point "
            "of the scale), with salience-weighted distance utilities."
        ),
        parameters=(
            Parameter(
                "iterations",
                80,
                "bisection halvings (80 gives full double precision)",
                low=10,
                high=200,
            ),
        ),
    )

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        """Forecast every draw of ``inputs`` (pure; no random numbers)."""
        x = inputs.position
        participate = (
            inputs.present[None, :, :] & (inputs.salience > 0) & (inputs.capability[:, :, None] > 0)
        )
        sol, any_part = nash_solution(
            x,
            inputs.capability,
            participate,
            inputs.status_quo,
            inputs.has_status_quo,
            int(params.get("iterations", 80)),
        )
        if not np.all(any_part):
            w = effective_weights(inputs.capability, inputs.salience, inputs.present)
            sol = np.where(any_part, sol, weighted_mean(x, w))
        return Solution(forecast=sol)
