"""Static plots (matplotlib). Each takes a result or scenario and an optional Axes."""

from __future__ import annotations

import io
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from winset.numbers import fmt
from winset.report.palette import ACTOR, GREY, colour
from winset.scenario.schema import Scenario

__all__ = ["axes", "figure_to_svg", "plot_issue"]


def axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes to draw on: ``ax``'s, or a new figure of ``size`` inches.

    New figures are plain :class:`Figure` objects (no pyplot), so drawing never touches a
    user's matplotlib backend or pyplot's figure list.
    """
    if ax is None:
        fig = Figure(figsize=size)
        return fig, fig.subplots()
    return ax.figure, ax  # type: ignore[return-value]


def plot_issue(
    scenario: Scenario,
    issue: str,
    forecasts: Mapping[str, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Actors on the issue's scale (sized by capability x salience) with forecasts marked.

    ``forecasts`` maps a label (a model name) to a value in the issue's units.
    """
    spec = scenario.issue(issue)
    rows = [
        (a.name, a.position[issue].value, a.capability.value * a.salience[issue].value, a)
        for a in scenario.actors
        if issue in a.position
    ]
    rows.sort(key=lambda r: (r[1], r[0]))
    fig, ax = axes(ax, (10.0, max(2.6, 0.32 * len(rows) + 1.4)))
    weights = np.array([r[2] for r in rows], dtype=float)
    top = weights.max() if weights.size and weights.max() > 0 else 1.0
    sizes = 30 + 470 * weights / top
    ys = np.arange(len(rows))
    for y, row in zip(ys, rows, strict=True):
        est = row[3].position[issue]
        if est.range is not None:
            ax.plot([est.range[0], est.range[1]], [y, y], color=GREY, lw=1.5, zorder=1)
    ax.scatter(
        [r[1] for r in rows],
        ys,
        s=sizes,
        color=ACTOR,
        alpha=0.75,
        zorder=2,
        edgecolor="white",
        linewidth=0.8,
    )
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=8)
    ax.set_xlim(spec.low - 0.03 * (spec.high - spec.low), spec.high + 0.03 * (spec.high - spec.low))
    ax.set_ylim(-0.8, len(rows) - 0.2 + 0.6)
    if spec.status_quo is not None:
        ax.axvline(spec.status_quo.value, color="#555555", ls=":", lw=1.2)
        ax.text(spec.status_quo.value, len(rows) - 0.1, " status quo", fontsize=7, color="#555555")
    if spec.outcome is not None:
        ax.axvline(
            spec.outcome.value,
            color="black",
            lw=2.2,
            ls="--",
            label=f"recorded outcome: {fmt(spec.outcome.value)}",
        )
    for k, (label, value) in enumerate((forecasts or {}).items()):
        ax.axvline(value, color=colour(k), lw=1.6, alpha=0.9, label=f"{label}: {fmt(value)}")
    if forecasts or spec.outcome is not None:
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14 if spec.anchors else -0.1),
            ncol=4,
            fontsize=8,
            frameon=False,
        )
    xlabel = spec.title + (f" ({spec.unit})" if spec.unit else "")
    ax.set_xlabel(xlabel, fontsize=9)
    if spec.anchors:
        sec = ax.secondary_xaxis("top")
        sec.set_xticks(list(spec.anchors), list(spec.anchors.values()), fontsize=7)
    ax.set_title(f"{issue}: positions (dot size = capability x salience)", fontsize=10)
    ax.grid(axis="x", color="#eeeeee")
    fig.tight_layout()
    return fig


def figure_to_svg(fig: Figure) -> str:
    """The figure as an inline SVG string."""
    buf = io.StringIO()
    # a fixed salt makes the SVG's element ids, and so the report, the same on every run
    with matplotlib.rc_context({"svg.hashsalt": "winset"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.find("<svg") :]
