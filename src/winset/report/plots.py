"""Static pictures (matplotlib) shared by the report: the figure helpers and the issue picture.

Every picture is a plain :class:`~matplotlib.figure.Figure` (no pyplot), drawn wide enough for
a 1,400-pixel page, with text kept as text in the SVG (searchable, and measured by the label
placement) and colours from :mod:`winset.report.palette`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from winset.numbers import fmt, fmt_range
from winset.report.labels import spread, text_size
from winset.report.palette import ACTOR, GREY, colour, marker
from winset.scenario.schema import Actor, Scenario

__all__ = [
    "WIDTH",
    "actor_label",
    "axes",
    "chart_style",
    "figure_to_svg",
    "plot_issue",
]

WIDTH = 12.0
"""The width of the report's pictures in inches (about 1,150 pixels on the page)."""

_FONTS = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"]
# text in the SVG stays text; the fonts listed after DejaVu Sans (the one text is measured in)
# are narrower, so a reader without it sees no overlaps either
_RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "winset",
    "font.family": "sans-serif",
    "font.sans-serif": _FONTS,
    "axes.titlesize": 11,
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextmanager
def chart_style() -> Iterator[None]:
    """The report's matplotlib settings (fonts, sizes, SVG text), for building and saving."""
    with matplotlib.rc_context(_RC):
        yield


def axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax``'s, or a new figure of ``size`` inches.

    New figures are plain :class:`Figure` objects (no pyplot), so drawing never touches a
    user's matplotlib backend or pyplot's figure list.
    """
    if ax is None:
        fig = Figure(figsize=size)
        return fig, fig.subplots()
    return ax.figure, ax  # type: ignore[return-value]


def actor_label(actor: Actor, width: int = 34) -> str:
    """An actor's name for a picture: a code gets its description (``XJ · Xi Jinping``)."""
    name = actor.name
    if actor.description and len(name) <= 6 and name.isupper():
        text = f"{name} · {actor.description}"
        return text if len(text) <= width else text[: width - 1].rstrip() + "…"
    return name


def plot_issue(
    scenario: Scenario,
    issue: str,
    forecasts: Mapping[str, float] | None = None,
    ax: Axes | None = None,
    intervals: Mapping[str, tuple[float, float]] | None = None,
) -> Figure:
    """Actors on the issue's scale and every forecast, each on its own row so none hides another.

    The top panel has one row per forecast (a marker, its value and its 80% interval when
    ``intervals`` has one), then the status quo and the recorded outcome; the panel below has
    one row per actor, the dot sized by capability x salience, the bar its position's range.

    Parameters
    ----------
    scenario
        The scenario (its actors and the issue's scale).
    issue
        The issue's name.
    forecasts
        Label (a model name) -> forecast in the issue's units.
    ax
        Draw the actors' panel on this axes instead (the forecasts then go on the same axes,
        as a vertical line each).
    intervals
        Label -> (p10, p90) of the draws, in the issue's units.
    """
    with chart_style():
        return _plot_issue(scenario, issue, dict(forecasts or {}), ax, dict(intervals or {}))


def _plot_issue(
    scenario: Scenario,
    issue: str,
    forecasts: dict[str, float],
    ax: Axes | None,
    intervals: dict[str, tuple[float, float]],
) -> Figure:
    spec = scenario.issue(issue)
    actors = sorted(
        (a for a in scenario.actors if issue in a.position),
        key=lambda a: (a.position[issue].value, a.name),
    )
    refs: list[tuple[str, float, str, str]] = [
        (label, value, colour(k), marker(k)) for k, (label, value) in enumerate(forecasts.items())
    ]
    if spec.status_quo is not None:
        refs.append(("status quo", spec.status_quo.value, GREY, "d"))
    if spec.outcome is not None:
        refs.append(("recorded outcome", spec.outcome.value, "#000000", "*"))
    low, high = spec.low, spec.high
    pad = 0.03 * (high - low)
    if ax is not None:
        fig = ax.figure
        _actors_panel(ax, actors, issue)
        for label, value, c, _ in refs:
            ax.axvline(value, color=c, lw=1.4, label=f"{label}: {fmt(value)}")
        ax.set_xlim(low - pad, high + pad)
        return fig  # type: ignore[return-value]
    n_top = max(len(refs), 1)
    top_h = 0.3 * n_top + 0.35
    bottom_h = 0.27 * max(len(actors), 2) + 0.2
    fig = Figure(figsize=(WIDTH, top_h + bottom_h + 1.3))
    top, bottom = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [top_h, bottom_h], "hspace": 0.08}
    )
    fig.subplots_adjust(left=0.2, right=0.97, top=1 - 0.75 / (top_h + bottom_h + 1.3))
    # the forecasts, one row each
    ys = np.arange(len(refs))[::-1]
    for y, (label, value, c, m) in zip(ys, refs, strict=True):
        text = fmt(value)
        if label in intervals:
            lo, hi = intervals[label]
            top.plot([lo, hi], [y, y], color=c, lw=5, alpha=0.3, solid_capstyle="butt")
            text += f"  ·  80% of draws: {fmt_range(lo, hi)}" if lo != hi else "  ·  every draw"
            end = hi
        else:
            end = value
        top.plot([value], [y], marker=m, color=c, ms=9 if m == "*" else 7, ls="")
        right = end + 0.012 * (high - low) < high - 0.3 * (high - low)
        top.annotate(
            text,
            (end if right else min(value, intervals.get(label, (value, value))[0]), y),
            xytext=(8 if right else -8, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=8,
            color="#222222",
        )
    top.set_yticks(ys, [r[0] for r in refs])
    top.set_ylim(-0.7, len(refs) - 0.3)
    top.tick_params(axis="x", which="both", bottom=False)
    top.grid(axis="x", color="#eeeeee")
    top.set_axisbelow(True)
    top.set_title(f"{spec.title}: forecasts and positions", pad=22 if spec.anchors else 8)
    _actors_panel(bottom, actors, issue)
    if forecasts:
        first_label, first = next(iter(forecasts.items()))
        bottom.axvline(first, color=colour(0), lw=1.0, ls="--", zorder=0)
    if spec.status_quo is not None:
        bottom.axvline(spec.status_quo.value, color=GREY, lw=1.0, ls=":", zorder=0)
    bottom.set_xlim(low - pad, high + pad)
    bottom.set_xlabel(spec.title + (f" ({spec.unit})" if spec.unit else ""))
    bottom.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt(v)))
    if spec.anchors:
        _anchors(top, fig, dict(spec.anchors), low - pad, high + pad)
    return fig


def _actors_panel(ax: Axes, actors: list[Actor], issue: str) -> None:
    weights = np.array([a.capability.value * a.salience[issue].value for a in actors], dtype=float)
    top = weights.max() if weights.size and weights.max() > 0 else 1.0
    sizes = 25 + 400 * weights / top
    ys = np.arange(len(actors))[::-1]
    for y, a in zip(ys, actors, strict=True):
        est = a.position[issue]
        if est.range is not None:
            ax.plot([est.range[0], est.range[1]], [y, y], color=GREY, lw=1.5, zorder=1)
    ax.scatter(
        [a.position[issue].value for a in actors],
        ys,
        s=sizes,
        color=ACTOR,
        alpha=0.75,
        zorder=2,
        edgecolor="white",
        linewidth=0.8,
    )
    ax.set_yticks(ys, [actor_label(a) for a in actors])
    ax.set_ylim(-0.7, len(actors) - 0.3)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    ax.text(
        1.0,
        1.0,
        "dot size: capability × salience; bar: the position's range",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color="#666666",
    )


def _anchors(ax: Axes, fig: Figure, anchors: dict[float, str], low: float, high: float) -> None:
    """The scale's anchors above the top panel, spread apart so no two overprint."""
    dpi = fig.dpi
    box = ax.get_position()
    width_px = box.width * fig.get_figwidth() * dpi
    items = sorted(anchors.items())
    sizes = [text_size(text, 7, dpi)[0] for _, text in items]
    gap = max(sizes) + 8 if sizes else 0
    centres = [(v - low) / (high - low) * width_px for v, _ in items]
    if gap * len(items) > width_px:
        return  # too many to fit: the report lists them above the picture
    placed = spread(centres, gap, sizes[0] / 2, width_px - sizes[-1] / 2)
    y_text = 1.0 + 12.0 / (box.height * fig.get_figheight() * dpi)
    for (value, text), x in zip(items, placed, strict=True):
        x_text = low + (high - low) * x / width_px
        trans = ax.get_xaxis_transform()
        ax.plot([value, x_text], [1.0, y_text - 0.02], color="#bbbbbb", lw=0.5,
                transform=trans, clip_on=False)  # fmt: skip
        ax.text(x_text, y_text, text, transform=trans, ha="center", va="bottom", fontsize=7,
                color="#555555", clip_on=False)  # fmt: skip


def figure_to_svg(fig: Figure) -> str:
    """The figure as an inline SVG string (text kept as text; the same bytes on every run)."""
    buf = io.StringIO()
    with chart_style():
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.find("<svg") :]
