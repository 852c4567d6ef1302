"""Achen's compromise model: the capability x salience weighted mean of positions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from winset.models.base import Inputs, Model, ModelInfo, Solution
from winset.models.common import effective_weights, weighted_mean

__all__ = ["CompromiseModel"]


class CompromiseModel(Model):
    """Forecast = sum(c s x) / sum(c s) on each issue (Achen 2006)."""

    info = ModelInfo(
        name="compromise",
        title="Compromise model (weighted mean)",
        citation=(
            "Achen, C. H. (2006). Evaluating political decision-making models. In Thomson, "
            "Stokman, Achen & Koenig (eds.), The European Union Decides, 264-298. "
            "Cambridge University Press."
        ),
        summary=(
            "The capability x salience weighted mean of the actors' positions on each issue. "
            "Where all weights on an issue are zero, capabilities alone, then equal weights."
        ),
    )

    def solve(
        self, inputs: Inputs, params: Mapping[str, Any], variant: str, rng: np.random.Generator
    ) -> Solution:
        """Forecast every draw of ``inputs`` (pure; no random numbers)."""
        w = effective_weights(inputs.capability, inputs.salience, inputs.present)
        return Solution(forecast=weighted_mean(inputs.position, w))
