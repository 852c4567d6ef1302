"""The weighted median voter: the Condorcet winner among the actors' positions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from winset.models.base import Inputs, Model, ModelInfo, Solution
from winset.models.common import effective_weights, weighted_median

__all__ = ["MedianModel"]


class MedianModel(Model):
    """Forecast = the position that beats every other in capability x salience weighted votes."""

    info = ModelInfo(
        name="median",
        title="Weighted median (Condorcet winner)",
        citation=(
            "Black, D. (1948). On the rationale of group decision-making. Journal of Political "
            "Economy 56(1), 23-34; as a forecasting baseline: Bueno de Mesquita, B. (1994). "
            "Political forecasting: an expected utility method. In Bueno de Mesquita & "
            "Stokman (eds.), European Community Decision Making, 71-104. Yale University Press."
        ),
        summary=(
            "The position that wins every pairwise vote when each actor votes with weight "
            "capability x salience for the position nearer its own: the weighted median. "
            "An exact half-half split returns the midpoint of the two tied positions."
        ),
    )

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        """Forecast every draw of ``inputs`` (pure; no random numbers)."""
        w = effective_weights(inputs.capability, inputs.salience, inputs.present)
        return Solution(forecast=weighted_median(inputs.position, w))
