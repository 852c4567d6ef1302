"""Labels that never overprint each other: placement around points, and spreading along a line.

:func:`place_labels` puts each label next to its point where it covers no other label, no other
point and stays inside the axes, trying positions at growing distances and drawing a leader line
when the label had to move away; a label that finds no room is not drawn and is returned, so the
caller can list it. :func:`spread` moves positions on a line (such as labels at the ends of
trajectories) apart by at least a given gap, as little as possible. Both are deterministic.

Text sizes are measured with matplotlib's own font metrics, so the placement holds for the SVG
the report embeds (text kept as text, in DejaVu Sans or a narrower fallback).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

__all__ = ["Box", "place_labels", "spread", "text_size"]

_MEASURE = TextToPath()
_RADII = (3.0, 8.0, 14.0, 22.0, 32.0, 44.0, 58.0, 74.0, 92.0)
_ANGLES = (0, 180, 90, 270, 30, 150, 330, 210, 60, 120, 300, 240)
_TEXT = "#222222"  # the labels
_LEADER = "#777777"  # the line from a point to a label that had to move away


@dataclass(frozen=True)
class Box:
    """A rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, pad: float = 1.0) -> bool:
        """Whether the two boxes, grown by ``pad`` pixels, intersect."""
        return not (
            self.x1 + pad <= other.x0
            or other.x1 + pad <= self.x0
            or self.y1 + pad <= other.y0
            or other.y1 + pad <= self.y0
        )

    def inside(self, outer: Box) -> bool:
        """Whether the box lies within ``outer``."""
        return (
            self.x0 >= outer.x0
            and self.x1 <= outer.x1
            and self.y0 >= outer.y0
            and self.y1 <= outer.y1
        )


def text_size(text: str, fontsize: float, dpi: float = 72.0) -> tuple[float, float]:
    """Width and height of one line of text in pixels at ``dpi`` (matplotlib's default font)."""
    prop = FontProperties(size=fontsize)
    width, height, _ = _MEASURE.get_text_width_height_descent(text, prop, ismath=False)
    scale = dpi / 72.0
    return width * scale, max(height, fontsize) * scale


def place_labels(
    ax: Axes,
    points: Sequence[tuple[float, float]],
    texts: Sequence[str],
    *,
    fontsize: float = 7.0,
    marker_px: Sequence[float] | float = 4.0,
) -> list[int]:
    """Label each point without overlaps, in the order given (put the important ones first).

    The figure's layout must be final (its size and the axes' position and limits set), since
    the placement is computed in display pixels.

    Parameters
    ----------
    ax
        The axes the points are drawn on (data coordinates).
    points
        (x, y) of each labelled point.
    texts
        One label per point.
    fontsize
        In points.
    marker_px
        Radius in pixels of each point's marker (one for all, or one per point): labels keep
        clear of every marker.

    Returns
    -------
    list of int
        The indices of the labels that found no room and were not drawn.
    """
    fig = ax.figure
    dpi = fig.dpi
    frame = ax.get_window_extent()
    outer = Box(frame.x0 + 1, frame.y0 + 1, frame.x1 - 1, frame.y1 - 1)
    display = np.asarray(ax.transData.transform(points)) if len(points) else np.empty((0, 2))
    radii = [float(marker_px)] * len(points) if isinstance(marker_px, int | float) else marker_px
    taken: list[Box] = []
    for (px, py), r in zip(display, radii, strict=True):
        taken.append(Box(px - r, py - r, px + r, py + r))
    missed: list[int] = []
    inverse = ax.transData.inverted()
    for k, ((px, py), text) in enumerate(zip(display, texts, strict=True)):
        width, height = text_size(text, fontsize, dpi)
        own = float(radii[k])
        spot = _find_spot(px, py, own, width, height, outer, taken)
        if spot is None:
            missed.append(k)
            continue
        box, ha, va, dx, dy, far = spot
        taken.append(box)
        x, y = inverse.transform((px + dx, py + dy))
        ax.text(
            x,
            y,
            text,
            ha=ha,
            va=va,
            fontsize=fontsize,
            color=_TEXT,
            clip_on=False,
        )
        if far:
            # a leader from the marker's edge to the nearest point of the label's box
            ex, ey = min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1)
            length = math.hypot(ex - px, ey - py) or 1.0
            sx, sy = px + (ex - px) * own / length, py + (ey - py) * own / length
            (x0, y0), (x1, y1) = inverse.transform([(sx, sy), (ex, ey)])
            ax.plot([x0, x1], [y0, y1], color=_LEADER, lw=0.6, zorder=1.5)
    return missed


def _find_spot(
    px: float,
    py: float,
    own: float,
    width: float,
    height: float,
    outer: Box,
    taken: list[Box],
) -> tuple[Box, str, str, float, float, bool] | None:
    """The first free box around (px, py): nearest distances first, then by direction."""
    for radius in _RADII:
        r = own + radius
        for angle in _ANGLES:
            c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            dx, dy = r * c, r * s
            ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
            va = "bottom" if s > 0.3 else "top" if s < -0.3 else "center"
            x0 = px + dx - width * {"left": 0.0, "right": 1.0, "center": 0.5}[ha]
            y0 = py + dy - height * {"bottom": 0.0, "top": 1.0, "center": 0.5}[va]
            box = Box(x0, y0, x0 + width, y0 + height)
            if not box.inside(outer):
                continue
            if any(box.overlaps(t) for t in taken):
                continue
            return box, ha, va, dx, dy, radius > 10
    return None


def spread(targets: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Positions near ``targets``, at least ``gap`` apart, within [low, high], order kept.

    Neighbours closer than ``gap`` are merged into groups centred on their targets' mean and
    groups are merged until none overlap (the least total squared displacement for the order);
    then the whole is shifted into [low, high] where possible.

    Parameters
    ----------
    targets
        Wanted positions (any order; the result is in the same order).
    gap
        The smallest distance between two positions.
    low, high
        The range the positions must stay in.
    """
    order = sorted(range(len(targets)), key=lambda i: (targets[i], i))
    groups: list[list[int]] = []
    centres: list[float] = []
    for i in order:
        groups.append([i])
        centres.append(float(targets[i]))
        while len(groups) > 1:
            a, b = groups[-2], groups[-1]
            top_a = centres[-2] + (len(a) - 1) * gap / 2
            bottom_b = centres[-1] - (len(b) - 1) * gap / 2
            if bottom_b - top_a >= gap:
                break
            merged = a + b
            centres[-2] = sum(float(targets[j]) for j in merged) / len(merged)
            groups[-2] = merged
            groups.pop()
            centres.pop()
    out = [0.0] * len(targets)
    for group, centre in zip(groups, centres, strict=True):
        start = centre - (len(group) - 1) * gap / 2
        for n, i in enumerate(group):
            out[i] = start + n * gap
    if out:
        lo, hi = min(out), max(out)
        if hi - lo <= high - low:
            shift = max(0.0, low - lo) - max(0.0, hi - high)
            out = [x + shift for x in out]
    return out
