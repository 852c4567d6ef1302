"""Pictures and tables for iterative models: trajectories, whether they settled, who moved whom."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from winset.numbers import fmt
from winset.report.labels import spread, text_size
from winset.report.palette import LIGHT_GREY, trajectory_colours
from winset.report.plots import WIDTH, axes, chart_style
from winset.results import RunResult

__all__ = [
    "MOVE_SHARE",
    "Settling",
    "moves",
    "moves_table",
    "plot_trajectory",
    "settling",
]

MOVE_SHARE = 0.01
"""Moves shorter than this share of the issue's scale are folded away in the report's tables."""

SUMMARY_ROWS = 12
"""Rows of the "who moves whom" table shown before the rest is folded away."""

_LAST = 4  # rounds looked at to say whether a model settled


@dataclass(frozen=True)
class Settling:
    """How an iterative model's median behaved over its last rounds on one issue."""

    settled: bool
    low: float
    high: float
    rounds: int
    last: int

    def sentence(self, model: str, issue: str) -> str:
        """In words, for a caveat: empty when the median settled."""
        if self.settled:
            return ""
        return (
            f"{model} did not settle on {issue}: over its last {self.rounds} rounds the median "
            f"moved between {fmt(self.low)} and {fmt(self.high)}; the forecast is the median "
            f"after the last round (round {self.last})"
        )


def settling(result: RunResult, issue: str, span: float) -> Settling | None:
    """Whether the median stayed put over the last rounds (None: the model has no rounds).

    Parameters
    ----------
    result
        An iterative model's forecast.
    issue
        The issue's name.
    span
        The width of the issue's scale: the median settled when its last values lie within a
        millionth of it.
    """
    if len(result.rounds) < 2:
        return None
    medians = [r.issues[issue].median for r in result.rounds[-_LAST:]]
    low, high = min(medians), max(medians)
    return Settling(high - low <= 1e-6 * span, low, high, len(medians), result.rounds[-1].round)


def plot_trajectory(
    result: RunResult,
    issue: str,
    ax: Axes | None = None,
    weights: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Every actor's position by round on one issue, and the median (the forecast's path).

    The largest actors (by ``weights``, capability x salience; else the first ones) get a
    colour and a label at the line's end, spread apart so none overprints another; the others
    are thin grey lines.

    Parameters
    ----------
    result
        An iterative model's forecast (with rounds).
    issue
        The issue's name.
    ax
        Draw on this axes instead of a new figure.
    weights
        Actor -> capability x salience on the issue, to choose whom to colour and label.
    labels
        Actor -> the label to show (default: the name).
    """
    if not result.rounds:
        raise ValueError(f"model {result.provenance.model!r} has no rounds")
    with chart_style():
        return _plot_trajectory(result, issue, ax, weights, dict(labels or {}))


def _plot_trajectory(
    result: RunResult,
    issue: str,
    ax: Axes | None,
    weights: Mapping[str, float] | None,
    labels: dict[str, str],
) -> Figure:
    fig, ax = axes(ax, (WIDTH, 4.6))
    steps = [r.round for r in result.rounds]
    colours = trajectory_colours(result, issue, weights)
    ordered = list(colours)  # by final position: the colours follow the final order
    actors = [a for a in result.actors if a in colours]
    finals = {a: result.rounds[-1].issues[issue].positions[a] for a in actors}
    for actor in actors:
        xs = [r.issues[issue].positions[actor] for r in result.rounds]
        c = colours[actor]
        if c is None:
            ax.plot(steps, xs, color=LIGHT_GREY, lw=0.8, zorder=1)
        else:
            ax.plot(steps, xs, color=c, lw=1.6, marker="o", ms=2.5, zorder=2)
    medians = [r.issues[issue].median for r in result.rounds]
    ax.plot(steps, medians, color="black", lw=2.6, ls="--", marker="o", ms=4, zorder=3)
    ax.axhline(result.forecast[issue], color="#000000", lw=0.8, ls=":", zorder=0)
    unit = result.units.get(issue, "")
    ax.set_xlabel("round (0 is the input)")
    ax.set_ylabel(issue + (f" ({unit})" if unit else ""))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
    prov = result.provenance
    ax.set_title(f"{issue}: positions by round, {prov.model} ({prov.variant})")
    ax.set_xlim(-0.3, steps[-1] + 0.3)
    ax.grid(color="#eeeeee")
    ax.set_axisbelow(True)
    labelled = [a for a in ordered if colours[a] is not None]
    others = len(actors) - len(labelled)
    handles = [
        Line2D([], [], color="black", lw=2.6, ls="--", marker="o", ms=4, label="median"),
        Line2D(
            [], [], color="black", lw=0.8, ls=":", label=f"forecast {fmt(result.forecast[issue])}"
        ),
    ]
    if others:
        handles.append(
            Line2D(
                [],
                [],
                color=LIGHT_GREY,
                lw=0.8,
                label=f"{others} smaller actor{'s' if others > 1 else ''} (grey)",
            )
        )
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False
    )
    # end labels: room on the right, then spread apart in pixels
    fontsize = 8.0
    dpi = fig.dpi
    longest = max((text_size(labels.get(a, a), fontsize, dpi)[0] for a in labelled), default=0.0)
    right = 1.0 - (longest + 40) / (fig.get_figwidth() * dpi)
    fig.subplots_adjust(left=0.08, right=max(0.5, right), bottom=0.2, top=0.9)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi)
    if labelled:
        to_px = ax.transData.transform
        ys = [to_px((steps[-1], finals[a]))[1] for a in labelled]
        height = text_size("Ag", fontsize, dpi)[1] + 2
        frame = ax.get_window_extent()
        placed = spread(ys, height, frame.y0 + height / 2, frame.y1 - height / 2)
        inverse = ax.transData.inverted()
        for actor, y_px in zip(labelled, placed, strict=True):
            end = to_px((steps[-1], finals[actor]))
            gap = 18.0 * dpi / 72.0
            (x0, y0), (x1, y1) = inverse.transform([(end[0] + 3, end[1]), (end[0] + gap - 2, y_px)])
            ax.plot([x0, x1], [y0, y1], color=colours[actor] or LIGHT_GREY, lw=0.6)
            tx, ty = inverse.transform((end[0] + gap, y_px))
            ax.text(
                tx,
                ty,
                labels.get(actor, actor),
                ha="left",
                va="center",
                fontsize=fontsize,
                color=_ink(colours[actor]),
                clip_on=False,
            )
    return fig


def _ink(c: str | None) -> str:
    """A colour dark enough for text: pale palette colours are darkened."""
    if c is None:
        return "#222222"
    r, g, b = to_rgb(c)
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b
    k = min(1.0, 0.55 / light) if light > 0.55 else 1.0
    return to_hex((r * k, g * k, b * k))


def moves(result: RunResult, issue: str) -> list[tuple[int, dict[str, Any]]]:
    """Every recorded move on one issue: (round, move) with actor, from, to, toward, kind."""
    return [
        (r.round, m)
        for r in result.rounds
        for m in r.extras.get("moves", [])
        if m.get("issue") == issue
    ]


def moves_table(result: RunResult, issue: str, span: float | None = None) -> str:
    """HTML: who moved whom how often, and the moves by round (short moves folded away).

    Parameters
    ----------
    result
        An iterative model's forecast.
    issue
        The issue's name.
    span
        The width of the issue's scale: moves shorter than :data:`MOVE_SHARE` of it are
        counted, not listed (None: every move is listed).
    """
    found = moves(result, issue)
    name = html.escape(issue)
    if not found:
        return f"<p>Nobody moved on {name}.</p>"
    pulls = Counter((m["toward"], m["actor"], m["kind"]) for _, m in found)
    ranked = sorted(pulls.items(), key=lambda kv: (-kv[1], kv[0]))
    summary = [
        f"<tr><td>{html.escape(toward)}</td><td>{html.escape(actor)}</td>"
        f"<td>{html.escape(kind)}</td><td class=num>{count}</td></tr>"
        for (toward, actor, kind), count in ranked
    ]
    head = "<tr><th>moved by</th><th>actor moved</th><th>kind</th><th>rounds</th></tr>"
    parts = [
        f"<h4>Who moves whom on {name}</h4><table>{head}{''.join(summary[:SUMMARY_ROWS])}</table>"
    ]
    if len(summary) > SUMMARY_ROWS:
        parts.append(
            f"<details><summary>{len(summary) - SUMMARY_ROWS} more pairs</summary>"
            f"<table>{head}{''.join(summary[SUMMARY_ROWS:])}</table></details>"
        )
    threshold = MOVE_SHARE * span if span else 0.0
    shown = [(k, m) for k, m in found if abs(float(m["to"]) - float(m["from"])) >= threshold]
    folded = len(found) - len(shown)
    rows = "".join(
        f"<tr><td class=num>{k}</td><td>{html.escape(m['actor'])}</td>"
        f"<td class=num>{fmt(m['from'])}</td><td class=num>{fmt(m['to'])}</td>"
        f"<td>{html.escape(m['toward'])}</td><td>{html.escape(m['kind'])}</td></tr>"
        for k, m in shown
    )
    note = (
        f"{len(shown)} moves of at least {fmt(threshold)}"
        + (f"; {folded} shorter moves folded away" if folded else "")
        + " (every move is in the moves CSV)"
        if threshold
        else f"{len(shown)} moves"
    )
    table = (
        "<table><tr><th>round</th><th>actor</th><th>from</th><th>to</th><th>toward</th>"
        f"<th>kind</th></tr>{rows}</table>"
        if shown
        else ""
    )
    parts.append(
        f"<details class=moves><summary>Moves by round on {name}: {note}</summary>{table}</details>"
    )
    return "".join(parts)
