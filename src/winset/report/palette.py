"""The report's colours and marks, in one place, all safe for colour-blind readers.

Series that must be told apart (models, paths) use Okabe & Ito's palette; actors use Paul Tol's
*muted* scheme, whose nine colours stay distinct for the common colour-vision deficiencies. When
there are more actors than colours, the largest (by capability x salience) get a colour and a
label, and the rest are drawn in grey.

Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/

Tol, P. (2021). Colour schemes. SRON technical note SRON/EPS/TN/09-002, issue 3.2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from winset.results import RunResult
    from winset.scenario.schema import Scenario

__all__ = [
    "ACTOR",
    "ACTOR_COLOURS",
    "GREY",
    "LIGHT_GREY",
    "MARKERS",
    "PATH_COLOURS",
    "RED",
    "SERIES",
    "actor_colours",
    "actor_weights",
    "colour",
    "marker",
    "trajectory_colours",
]

SERIES = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: weak on white)
)
"""Colours for series that must be told apart: models, paths, cases."""

ACTOR_COLOURS = (
    "#332288",  # indigo
    "#CC6677",  # rose
    "#117733",  # green
    "#88CCEE",  # cyan
    "#882255",  # wine
    "#44AA99",  # teal
    "#DDCC77",  # sand
    "#AA4499",  # purple
    "#999933",  # olive
)
"""Colours for actors' trajectories (Tol's muted scheme); more actors than these are grey."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Marker shapes that go with :data:`SERIES`, so coincident values stay distinguishable."""

ACTOR = "#4c72b0"
"""The colour of actors' markers on an issue's scale."""

GREY = "#8a8a8a"
"""Context: small actors, reference lines, ranges."""

LIGHT_GREY = "#c8c8c8"
"""Background context: actors that are neither labelled nor coloured."""

PATH_COLOURS = (SERIES[0], SERIES[2], SERIES[3], SERIES[4], SERIES[5], SERIES[1])
"""Colours of the ratification paths in the two-level pictures (vermillion last: near red)."""

RED = "#C0392B"
"""Red lines, the agreements and the outcome in the two-level pictures."""


def colour(k: int) -> str:
    """The ``k``-th series colour (cycling)."""
    return SERIES[k % len(SERIES)]


def marker(k: int) -> str:
    """The ``k``-th series marker (cycling)."""
    return MARKERS[k % len(MARKERS)]


def actor_colours(
    weights: Mapping[str, float], top: int = len(ACTOR_COLOURS)
) -> dict[str, str | None]:
    """A colour for each of the ``top`` largest actors by weight; None (grey) for the rest.

    Parameters
    ----------
    weights
        Actor name -> weight (capability x salience); ties are broken by name, so the
        assignment is the same on every run.
    top
        How many actors get a colour (at most the number of actor colours).
    """
    top = min(top, len(ACTOR_COLOURS))
    ranked: Sequence[str] = sorted(weights, key=lambda a: (-weights[a], a))
    chosen = set(ranked[:top])
    out: dict[str, str | None] = {}
    k = 0
    for name in weights:  # colours in the caller's order, so they follow e.g. positions
        if name in chosen:
            out[name] = ACTOR_COLOURS[k]
            k += 1
        else:
            out[name] = None
    return out


def actor_weights(scenario: Scenario, issue: str) -> dict[str, float]:
    """Actor name -> capability x salience on ``issue`` (actors with a salience there)."""
    return {
        a.name: a.capability.value * a.salience[issue].value
        for a in scenario.actors
        if issue in a.salience
    }


def trajectory_colours(
    result: RunResult, issue: str, weights: Mapping[str, float] | None = None
) -> dict[str, str | None]:
    """Each actor's colour in the issue's trajectory picture (None: grey), by final position.

    The actors with a position on ``issue``, highest final position first (ties by name), so
    the colours follow the lines' order at the end; the largest by ``weights`` (capability x
    salience; actors missing from it, or all without it, rank by their order in the result)
    get a colour, as :func:`actor_colours` chooses.
    """
    positions = result.rounds[0].issues[issue].positions
    actors = [a for a in result.actors if a in positions]
    finals = result.rounds[-1].issues[issue].positions
    w = {a: float((weights or {}).get(a, len(actors) - k)) for k, a in enumerate(actors)}
    ordered = sorted(actors, key=lambda a: (-finals[a], a))
    return actor_colours({a: w[a] for a in ordered})
