"""The report's colours, in one place: a colour-blind-safe palette (Okabe & Ito 2008).

Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

__all__ = ["ACTOR", "GREY", "SERIES", "colour"]

SERIES = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Colours for series that must be told apart: models, paths, actors' trajectories."""

ACTOR = "#4c72b0"
"""The colour of actors' markers on an issue's scale."""

GREY = "#8a8a8a"
"""Context: small actors, reference lines, ranges."""


def colour(k: int) -> str:
    """The ``k``-th series colour (cycling)."""
    return SERIES[k % len(SERIES)]
